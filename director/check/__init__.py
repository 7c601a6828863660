"""Did the clip do what the timeline said? Measure every directive on the decoded clip.

``check_clip(clip_path, timeline) -> CheckReport``: optical flow for camera moves, frame jumps for
cuts, a tracker for characters, picture statistics for light, weather and style, band energy for
sound. No model weights; any engine's clip is judged by the same code.
"""

from director.check.checker import check_clip
from director.check.clip import ClipError, DecodedClip, decode_clip
from director.check.verdict import CheckReport, Verdict

__all__ = ["check_clip", "CheckReport", "Verdict", "ClipError", "DecodedClip", "decode_clip"]
