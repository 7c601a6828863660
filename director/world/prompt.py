"""The text prompt of a chunk, composed from the WorldState (what neural engines are conditioned on)."""

from __future__ import annotations

from director.world.state import WorldState
from director.world.time_warp import speed_name


def _time_words(hour: float) -> str:
    h = hour % 24
    if 5.5 <= h < 8:
        return "at dawn"
    if 8 <= h < 17.5:
        return "in daylight"
    if 17.5 <= h < 20.5:
        return "at dusk"
    return "at night"


def _weather_words(state: WorldState) -> list[str]:
    env = state.environment
    words = []
    if env.rain > 0.6:
        words.append("heavy rain")
    elif env.rain > 0.15:
        words.append("light rain")
    if env.snow > 0.15:
        words.append("falling snow")
    if env.fog > 0.2:
        words.append("fog")
    if env.wind > 0.4:
        words.append("strong wind")
    if env.lights > 0.5:
        words.append("lights on")
    return words


def compose_prompt(state: WorldState, style_prompt: str = "") -> str:
    """One sentence-ish prompt: scene, who is there and what they do, weather and light, camera, style."""
    parts: list[str] = []
    if state.scene:
        parts.append(state.scene.rstrip("."))
    acting = {a.lower() for a in state.actions}
    for e in state.entities:
        if e.presence < 0.5:
            continue
        if not any((e.description or e.id).lower() in a for a in acting):
            parts.append(e.description or e.id)
    parts.extend(a.rstrip(".") for a in state.actions)
    parts.append(", ".join([_time_words(state.environment.hour), *_weather_words(state)]))
    if state.camera_phrase:
        parts.append(state.camera_phrase.rstrip("."))
    parts.append(speed_name(state.world_rate) or "")  # "slow motion", "time-lapse" (empty parts are dropped)
    parts.extend(p.rstrip(".") for p in state.prompts)
    style = ", ".join(s for s in (style_prompt, state.style_text) if s)
    if style:
        parts.append(style)
    return ". ".join(p for p in parts if p) + "."
