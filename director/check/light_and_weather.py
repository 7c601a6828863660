"""Time of day, lights, weather and events judged by what the picture and the sound do.

The compiled environment before and after a directive says what should change (daylight, lamps,
rain, snow, fog, wind); each change that matters gets its own verdict:
- darker / brighter: mean brightness (a night must also stay legible: highlights and not all black);
- lights on / off: the share of bright pixels;
- rain: the hiss band (2–10 kHz) rises, or rain streaks appear; snow: flakes appear (fine detail
  changing frame to frame); fog: contrast falls; wind: the 100–4000 Hz band rises; a storm also
  darkens the picture; clearing up: the weather's sound or look goes away;
- lightning: a flash; thunder / explosion: a low-band transient; fireworks: a flash or a bang.
"""

from __future__ import annotations

from director.check.clip import DecodedClip
from director.check.expectations import Expectation, effect_words
from director.check.picture_stats import Look, before_after, flash
from director.check.sound_bands import band_change, transient_db
from director.check.verdict import Verdict
from director.plan.timeline import SceneChange

DAYLIGHT_STEP = 0.2  # a change of daylight smaller than this is not judged
DARKER, BRIGHTER = 0.85, 1.12  # brightness ratios that count as visibly darker / brighter
LEGIBLE_DARK_SHARE = 0.97  # a night where more than this share of pixels is near black is unreadable
LEGIBLE_HIGHLIGHT = 80.0  # ... or whose brightest points (moon, lamps, rim light) stay below this luma
WEATHER_STEP = 0.25
SOUND_RISE = 2.5  # dB
FOG_CONTRAST = 0.85
SPARKLE_RISE = 1.25
STORM_DARKER = 0.8
FLASH = 12.0  # grey levels of mean brightness jump for a lightning flash
BANG = 8.0  # dB over the usual level


def _v(e: Expectation, kind: str, effect: str, expected: str, passed: bool | None, measured: str, value=None, unit="") -> Verdict:
    status = "not_checkable" if passed is None else ("pass" if passed else "fail")
    return Verdict(e.index, e.at, e.text, kind, effect, expected, status, measured,
                   None if value is None else round(float(value), 4), unit)


def _sound(clip: DecodedClip, e: Expectation, band: str) -> float | None:
    return band_change(clip, e.start, e.end, band)


def check_scene_change(e: Expectation, clip: DecodedClip) -> list[Verdict]:
    ch = e.part
    assert isinstance(ch, SceneChange)
    out: list[Verdict] = []
    if e.first_directive_at_start and not ch.event:
        return [_v(e, "light" if ch.time_of_day or ch.lights is not None else "weather", effect_words(ch),
                   "the opening look", None, "the clip starts with it: nothing before to compare")]
    before, after = before_after(clip, e.start, e.end)
    ratio = after.brightness / max(before.brightness, 1.0)
    if ch.time_of_day or ch.lights is not None:
        out += _light(e, clip, ch, before, after, ratio)
    if ch.weather:
        out += _weather(e, clip, ch, before, after, ratio)
    if ch.event:
        out.append(_event(e, clip, ch.event))
    if ch.fade:
        out.append(_fade(e, clip, ch.fade, before, after))
    if not out:
        out.append(_v(e, "light", effect_words(ch), "no visible change expected", None, "nothing to measure"))
    return out


def _light(e: Expectation, clip: DecodedClip, ch: SceneChange, before: Look, after: Look, ratio: float) -> list[Verdict]:
    out = []
    d0, d1 = e.env_before.daylight, e.env_after.daylight
    if ch.time_of_day:
        effect = f"{ch.time_of_day} falls" if d1 < d0 else ch.time_of_day
        if abs(d1 - d0) < DAYLIGHT_STEP:
            out.append(_v(e, "light", effect, "about the same light", abs(ratio - 1) < 0.25,
                          f"brightness {before.brightness:.0f} → {after.brightness:.0f}", ratio, "ratio"))
        elif d1 < d0:
            # Legible: not crushed to black, and either highlights to read by or a mostly visible picture.
            legible = after.dark_share < LEGIBLE_DARK_SHARE and (after.bright_point >= LEGIBLE_HIGHLIGHT or after.dark_share < 0.5)
            measured = (f"brightness {before.brightness:.0f} → {after.brightness:.0f} ({(ratio - 1) * 100:+.0f} %), "
                        f"highlights up to {after.bright_point:.0f}, {after.dark_share * 100:.0f} % near black")
            out.append(_v(e, "light", effect, "darker, still legible", ratio <= DARKER and legible, measured, ratio, "ratio"))
        else:
            measured = f"brightness {before.brightness:.0f} → {after.brightness:.0f} ({(ratio - 1) * 100:+.0f} %)"
            out.append(_v(e, "light", effect, "brighter", ratio >= BRIGHTER, measured, ratio, "ratio"))
    if ch.lights is not None and abs(e.env_after.lights - e.env_before.lights) >= 0.3:
        on = e.env_after.lights > e.env_before.lights
        grew = after.highlights - before.highlights
        bright_gain = after.bright_point - before.bright_point
        passed = (grew > 0.002 or bright_gain > 8) if on else (grew < -0.002 or bright_gain < -8 or ratio < 0.92)
        out.append(_v(e, "light", "lights on" if on else "lights off", "more bright spots" if on else "fewer bright spots",
                      passed, f"bright pixels {before.highlights * 100:.1f} % → {after.highlights * 100:.1f} %, "
                      f"brightest {before.bright_point:.0f} → {after.bright_point:.0f}", grew, "share"))
    return out


def _weather(e: Expectation, clip: DecodedClip, ch: SceneChange, before: Look, after: Look, ratio: float) -> list[Verdict]:
    out = []
    b0, b1 = e.env_before, e.env_after
    name = ch.weather or ""
    rain, snow, fog, wind = b1.rain - b0.rain, b1.snow - b0.snow, b1.fog - b0.fog, b1.wind - b0.wind
    sparkle = after.sparkle / max(before.sparkle, 0.05)
    if abs(rain) >= WEATHER_STEP:
        hiss = _sound(clip, e, "high")
        up = rain > 0
        heard = hiss is not None and (hiss >= SOUND_RISE if up else hiss <= -SOUND_RISE)
        seen = sparkle >= SPARKLE_RISE if up else sparkle <= 1 / SPARKLE_RISE
        out.append(_v(e, "weather", "rain" if up else "the rain stops", "rain heard and seen" if up else "the rain's hiss fades",
                      heard and (seen or not up), f"hiss {hiss if hiss is not None else float('nan'):+.1f} dB, falling detail x{sparkle:.2f}",
                      hiss, "dB"))
    if abs(snow) >= WEATHER_STEP:
        up = snow > 0
        passed = sparkle >= SPARKLE_RISE if up else sparkle <= 1 / SPARKLE_RISE
        hiss = _sound(clip, e, "high")
        out.append(_v(e, "weather", "snow" if up else "the snow stops", "snowflakes fall, sound muffled" if up else "the snow stops falling",
                      passed and (not up or hiss is None or hiss <= 1.0),
                      f"falling detail x{sparkle:.2f}, hiss {hiss if hiss is not None else float('nan'):+.1f} dB", sparkle, "ratio"))
    if abs(fog) >= WEATHER_STEP:
        up = fog > 0
        c = after.contrast / max(before.contrast, 1.0)
        veil = after.veil / max(before.veil, 1.0)
        # Fog is a pale veil: contrast falls *and* the darkest channel rises (rain or night lower contrast too,
        # but darken), or the veil alone rises clearly.
        if up:
            passed = (c <= FOG_CONTRAST and veil >= 0.97) or veil >= 1 / FOG_CONTRAST
        else:
            passed = (c >= 1 / FOG_CONTRAST and veil <= 1.03) or veil <= FOG_CONTRAST
        out.append(_v(e, "weather", "fog" if up else "the fog lifts", "a pale veil, less contrast" if up else "the veil lifts, contrast returns",
                      passed, f"contrast {(c - 1) * 100:+.0f} %, veil {before.veil:.0f} → {after.veil:.0f}", c, "ratio"))
    if abs(wind) >= WEATHER_STEP and not abs(rain) >= WEATHER_STEP:
        up = wind > 0
        gust = _sound(clip, e, "wind")
        rise = SOUND_RISE * min(1.0, 0.4 + abs(wind))  # in proportion: a gentle breeze is heard gently
        passed = None if gust is None else (gust >= rise if up else gust <= -rise)
        out.append(_v(e, "weather", "wind" if up else "the wind drops", "wind heard (100–4000 Hz)" if up else "the wind's sound fades",
                      passed, f"100–4000 Hz {gust if gust is not None else float('nan'):+.1f} dB", gust, "dB"))
    if name == "storm":
        gust = _sound(clip, e, "wind")
        out.append(_v(e, "weather", "storm", "a dark overcast sky, wind and rain heard",
                      ratio <= STORM_DARKER and gust is not None and gust >= SOUND_RISE,
                      f"brightness {(ratio - 1) * 100:+.0f} %, 100–4000 Hz {gust if gust is not None else float('nan'):+.1f} dB", ratio, "ratio"))
    if not out:
        out.append(_v(e, "weather", name, "no change: the weather was already so", None, "nothing to measure"))
    return out


FADED = 12.0  # mean luma of a picture faded to black


def _fade(e: Expectation, clip: DecodedClip, fade: str, before: Look, after: Look) -> Verdict:
    """A fade to black ends (nearly) black and quiet; a fade in comes back from it."""
    sound = band_change(clip, e.start, e.end, "all")
    measured = f"brightness {before.brightness:.0f} → {after.brightness:.0f}" + (f", sound {sound:+.0f} dB" if sound is not None else "")
    if fade == "out":
        return _v(e, "transition", "fade to black", "the picture and sound go to black", after.brightness <= FADED
                  and (sound is None or sound <= -10), measured, after.brightness, "luma")
    return _v(e, "transition", "fade in", "the picture comes back from black",
              before.brightness <= FADED < after.brightness, measured, after.brightness, "luma")


def _event(e: Expectation, clip: DecodedClip, event: str) -> Verdict:
    end = min(clip.duration, e.start + 3.0)
    if event == "lightning":
        jump = flash(clip, e.start, min(clip.duration, e.start + 1.0))
        return _v(e, "event", "lightning", "a flash", jump >= FLASH, f"brightness jumps {jump:.0f} levels", jump, "levels")
    bang = transient_db(clip, e.start, end, "low")
    if event == "fireworks":
        jump = flash(clip, e.start, end)
        loud = bang is not None and bang >= BANG
        return _v(e, "event", "fireworks", "bursts of light or bangs", loud or jump >= 4.0,
                  f"low band peak {bang if bang is not None else float('nan'):+.0f} dB, brightness jump {jump:.0f}", bang, "dB")
    return _v(e, "event", event, "a low rumble or bang", None if bang is None else bang >= BANG,
              f"low band peak {bang if bang is not None else float('nan'):+.0f} dB over the second before", bang, "dB")
