"""Kept importable from here for callers written before the move (prefer ``director.sinks.sound_ring``)."""

from director.sinks.sound_ring import CATCH_UP_SECONDS, KEEP_SECONDS, SoundRing, SoundSlice

__all__ = ["CATCH_UP_SECONDS", "KEEP_SECONDS", "SoundRing", "SoundSlice"]
