"""Which self-attention layout runs: the one the checkpoint was trained with.

- Self-Forcing (``gdhe17/Self-Forcing``, ``self_forcing_dmd.pt``) attends globally: ``local_attn_size=-1``,
  ``sink_size=0``, its cache holding the 21 latent frames of its 81-frame clips (5.25 s). Here: no sink and
  a window of 21 frames, which is exactly that for the first 21 frames. Past them a global cache cannot
  grow, so the window rolls: the last 21 frames, no sink (what Self-Forcing's own cache does when given
  ``local_attn_size=21``); that is beyond what the checkpoint was trained for, and the chunk notes say so.
- LongLive (``longlive_base.pt`` + ``lora.pt``) was trained with a 12-frame local window whose first 3
  frames are a sink kept all run: bounded memory and time for any length. Choosing ``attention="longlive"``
  with a Self-Forcing checkpoint is the documented way to run it long with a sink.
- ``custom``: ``sink_frames`` / ``window_frames`` as given (e.g. a 6-frame window for speed).

The two releases share the Wan2.1 architecture and key names (LongLive's trainer saves the same
``generator``/``generator_ema``/``critic`` dicts), so keys cannot tell them apart: the LoRA (only LongLive
ships one) and the checkpoint's name are what ``auto`` recognises. Anything else gets LongLive's bounded
layout, noted as a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

ATTENTION_CHOICES = ("auto", "self-forcing", "longlive", "custom")
# name -> (sink frames, window frames incl. the sink and the current chunk)
LAYOUTS: dict[str, tuple[int, int]] = {"self-forcing": (0, 21), "longlive": (3, 12)}


@dataclass(frozen=True)
class AttentionLayout:
    name: str  # "self-forcing", "longlive" or "custom"
    sink_frames: int
    window_frames: int
    reason: str  # why this layout (shown in the chunk notes)

    def note(self) -> str:
        """One line for ``Chunk.info.notes``."""
        if self.sink_frames == 0 and self.name == "self-forcing":
            shape = f"global attention over {self.window_frames} latent frames, no sink"
        else:
            shape = f"sink {self.sink_frames} + window {self.window_frames} latent frames"
        return f"attention: {self.name} ({shape}; {self.reason})"


def recognise_release(checkpoint: str | None, lora: str | None) -> tuple[str | None, str]:
    """("longlive" | "self-forcing" | None, how it was recognised) from the weights' references."""
    if lora:
        return "longlive", "a LoRA is merged, as LongLive ships"
    name = (checkpoint or "").lower().replace("_", "-")
    if "longlive" in name:
        return "longlive", "checkpoint name"
    if "self-forcing" in name or "selfforcing" in name:
        return "self-forcing", "checkpoint name"
    if checkpoint:
        return None, "checkpoint not recognised"
    return None, "no causal checkpoint"


def choose_layout(attention: str, checkpoint: str | None, lora: str | None,
                  sink_frames: int | None, window_frames: int | None) -> AttentionLayout:
    """The layout for these options. Explicit ``sink_frames``/``window_frames`` make it ``custom`` (with
    ``auto``); the one not given comes from the recognised (or default) layout."""
    if attention in LAYOUTS:
        sink, window = LAYOUTS[attention]
        return AttentionLayout(attention, sink, window, "attention option")
    release, how = recognise_release(checkpoint, lora)
    base = release or "longlive"
    sink, window = LAYOUTS[base]
    if attention == "custom" or sink_frames is not None or window_frames is not None:
        return AttentionLayout("custom", sink if sink_frames is None else sink_frames,
                               window if window_frames is None else window_frames,
                               f"sink_frames/window_frames options over {base}'s")
    if release is None:
        how += ": LongLive's bounded layout (set attention='self-forcing' for a Self-Forcing checkpoint)"
    return AttentionLayout(base, sink, window, how)
