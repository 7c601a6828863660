"""Crash-safe MP4 writer: streams chunks to ffmpeg, survives kills, resumes and splices takes.

Files for a clip ``NAME`` (e.g. ``renders/walk.mp4``):

- ``NAME.part`` — what ffmpeg is writing now: fragmented MP4 (H.264 yuv420p + AAC 48 kHz stereo),
  one fragment per keyframe, a keyframe (closed GOP, IDR) at every chunk start. A killed render leaves
  a playable file made of complete fragments. It holds the clip from frame ``P`` on, where ``P`` is
  the number of frames in ``prefix.mp4`` (0 for a render that never resumed).
- ``NAME.director/`` — the sidecar:
  ``meta.json`` (encode settings), ``audio.pcm`` (the clip's audio from frame 0, s16le interleaved
  stereo — exact source for the final AAC), ``prefix.mp4`` (video-only frames ``[0, P)`` cut from an
  earlier .part or take without re-encoding), ``checkpoints/`` (a ``CheckpointStore`` for the
  Director).
- ``NAME`` — published by ``finish()`` with ``os.replace``: video packets copied (prefix + part),
  audio encoded once from ``audio.pcm`` (so a resumed clip has no AAC seam), ``+faststart``. It never
  exists half-written. The .part and the sidecar are deleted only after it is in place.

Prefixes (resume and rewind share one mechanism): ``ClipWriter(path, ..., prefix=Prefix(source, N))``
starts a clip whose frames ``[0, N)`` are copied from ``source`` — another take (its final MP4, or its
unfinished ``.part`` + sidecar) — and whose audio ``[0, sample_index(N))`` comes from the source's
``audio.pcm`` (exact) or, for a finished take without sidecar, from decoding its AAC.
``ClipWriter.resume(path, frames=N)`` is the same with the clip's own files as the source. ``N`` must
be a multiple of ``keyframe_interval``: cuts happen at keyframes, so no frame is re-encoded.

Exactness of a resumed clip: frames ``[0, N)`` are the very packets of the first render. Frames from
``N`` on come from a fresh encoder. With ``rate_control="qp"`` (constant quantiser) x264 output per
closed GOP does not depend on what came before, so the resumed clip decodes to exactly the frames of
an uninterrupted render (measured, and tested). With ``rate_control="crf"`` (the default: about half
the size at equal quality) x264's rate control carries state across GOPs (I-frame QP follows the
average of past P-frame QPs, adaptive-quantiser offsets included), so resumed frames differ from an
uninterrupted render by encoder noise only: both are CRF encodes of the same source frames (the test
bounds the difference by PSNR). Audio is identical either way.

The audio reaches ffmpeg through a second anonymous pipe (``pipe:3``) fed by a writer thread, so a
blocked video write never waits for audio the main thread has not handed over yet; each chunk's audio
is queued before its frames, and ffmpeg's scheduler (one demuxer thread per input) pulls whichever
input is behind.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import threading
from collections import deque
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av
import imageio_ffmpeg
import numpy as np

from director.run.checkpoints import CheckpointStore, fsync_dir
from director.engines.protocol import SAMPLE_RATE, Chunk, sample_index

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"
SIDECAR_SUFFIX = ".director"
AUDIO_CHANNELS = 2
_BYTES_PER_SAMPLE_FRAME = 2 * AUDIO_CHANNELS  # s16le stereo
_AUDIO_QUEUE_CHUNKS = 16  # audio chunks the main thread may run ahead of the audio pipe
_STDERR_LINES = 40  # ffmpeg error lines kept for error messages
_STOP_TIMEOUT_S = 30.0  # how long to wait for ffmpeg to flush and exit before killing it
_PIPE_BYTES = 1 << 20  # pipe buffer asked of the kernel (fewer wake-ups per 2.7 MB frame)
_DISK_FULL_MARKERS = ("No space left on device", "File too large", "Disk quota exceeded")

RateControl = Literal["crf", "qp"]


class ClipWriterError(RuntimeError):
    """The clip cannot be written: bad path, disk full, ffmpeg failed, a prefix cannot be spliced."""


@dataclass(frozen=True)
class EncodeSettings:
    """How a clip is encoded. Stored in the sidecar so a resume encodes the rest identically."""

    width: int = 1280
    height: int = 720
    fps: float = 24.0
    sample_rate: int = SAMPLE_RATE
    keyframe_interval: int = 12  # frames per GOP: the chunk length, so clips cut at chunk starts
    rate_control: RateControl = "crf"  # "qp" makes resumed clips decode bit-identically (bigger files)
    quality: int = 20  # x264 CRF or QP (lower = better, bigger)
    preset: str = "veryfast"  # x264 speed preset
    audio_bitrate: str = "192k"  # AAC bitrate

    def validate(self) -> None:
        if self.width <= 0 or self.height <= 0 or self.width % 2 or self.height % 2:
            raise ClipWriterError(f"frame size must be positive and even for yuv420p, got {self.width}x{self.height}")
        if not self.fps > 0:
            raise ClipWriterError(f"fps must be > 0, got {self.fps}")
        if self.sample_rate <= 0:
            raise ClipWriterError(f"sample_rate must be > 0, got {self.sample_rate}")
        if self.keyframe_interval < 1:
            raise ClipWriterError(f"keyframe_interval must be >= 1, got {self.keyframe_interval}")
        if self.rate_control not in ("crf", "qp"):
            raise ClipWriterError(f"rate_control must be 'crf' or 'qp', got {self.rate_control!r}")
        if not 0 <= self.quality <= 51:
            raise ClipWriterError(f"quality must be in [0, 51], got {self.quality}")

    @property
    def fps_fraction(self) -> Fraction:
        """The frame rate as ffmpeg should see it (23.976 → 24000/1001)."""
        return Fraction(self.fps).limit_denominator(1001)


@dataclass(frozen=True)
class Prefix:
    """Frames ``[0, frames)`` of another take, reused without re-encoding (rewind, branch, resume).

    ``source`` is a take's final path (``NAME``), its ``NAME.part``, or a finished MP4. An unfinished
    take is read from its .part and sidecar; ``frames`` must not exceed what it has complete.
    """

    source: Path
    frames: int


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """The sidecar folder of clip ``path``: ``NAME.director``."""
    p = Path(path)
    return p.with_name(p.name + SIDECAR_SUFFIX)


def part_path(path: str | os.PathLike[str]) -> Path:
    """Where clip ``path`` is written while rendering: ``NAME.part``."""
    p = Path(path)
    return p.with_name(p.name + PART_SUFFIX)


def complete_frames(path: str | os.PathLike[str]) -> int:
    """How many video frames of ``path`` (a .part or any MP4) decode, counted from the start.

    Decodes the whole video stream (H.264 decoding runs at several hundred 720p frames per second);
    stops at the first packet that is cut off or fails to decode. 0 for a missing or empty file.
    """
    p = Path(path)
    if not p.exists() or p.stat().st_size == 0:
        return 0
    count = 0
    try:
        with av.open(str(p)) as container:
            if not container.streams.video:
                return 0
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for packet in container.demux(stream):
                for _ in packet.decode():
                    count += 1
    except (av.error.FFmpegError, OSError) as e:
        logger.info("%s: stopped counting at frame %d: %s", p, count, e)
    return count


def clip_frames(path: str | os.PathLike[str]) -> int:
    """Frames of clip ``path`` available to resume from: its sidecar prefix plus complete .part frames."""
    side = sidecar_path(path)
    _recover_sidecar(Path(path))
    return _prefix_frames(side) + complete_frames(part_path(path))


class ClipWriter:
    """Streams ``Chunk``s into ``NAME.part`` through ffmpeg and publishes ``NAME`` on ``finish()``.

    ``frames_written`` counts the clip's frames so far, prefix included: the next chunk must start
    there. Use as a context manager to ``abort()`` on an exception (a clean exit calls ``finish()``).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        width: int = 1280,
        height: int = 720,
        fps: float = 24.0,
        sample_rate: int = SAMPLE_RATE,
        keyframe_interval: int = 12,
        *,
        rate_control: RateControl = "crf",
        quality: int = 20,
        preset: str = "veryfast",
        audio_bitrate: str = "192k",
        prefix: Prefix | None = None,
    ) -> None:
        settings = EncodeSettings(
            width, height, fps, sample_rate, keyframe_interval, rate_control, quality, preset, audio_bitrate
        )
        self._open(Path(path), settings, prefix)

    @classmethod
    def resume(
        cls,
        path: str | os.PathLike[str],
        frames: int,
        prefix: str | os.PathLike[str] | None = None,
        **expected: object,
    ) -> ClipWriter:
        """Continue the interrupted render of ``path`` after its frame ``frames``.

        Keeps frames ``[0, frames)`` (cut at a keyframe, not re-encoded) and their audio, drops
        checkpoints after ``frames`` and returns a writer expecting the chunk that starts at
        ``frames``. Encode settings come from the sidecar; any ``EncodeSettings`` field passed in
        ``expected`` (``width=1280, fps=24.0`` …) must match them. ``prefix`` names another take to
        take the kept frames from instead (as ``ClipWriter(path, ..., prefix=Prefix(prefix, frames))``).
        Pick ``frames`` as ``min(latest checkpoint frame, clip_frames(path))`` rounded down to a chunk.
        """
        path = Path(path)
        side = sidecar_path(path)
        meta_file = side / "meta.json"
        if not meta_file.exists():
            raise ClipWriterError(f"cannot resume {path}: no sidecar {meta_file} (nothing was rendered there)")
        try:
            settings = EncodeSettings(**json.loads(meta_file.read_text())["settings"])
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ClipWriterError(f"cannot resume {path}: unreadable {meta_file}: {e}") from e
        for key, value in expected.items():
            if not hasattr(settings, key):
                raise TypeError(f"resume() got an unexpected keyword argument {key!r}")
            if getattr(settings, key) != value:
                raise ClipWriterError(
                    f"cannot resume {path} with {key}={value!r}: it was started with {key}={getattr(settings, key)!r}"
                )
        _recover_sidecar(path)
        writer = cls.__new__(cls)
        writer._open(path, settings, Prefix(Path(prefix) if prefix else path, frames))
        CheckpointStore(side / "checkpoints").discard_after(frames)
        return writer

    part_path = staticmethod(part_path)
    sidecar_path = staticmethod(sidecar_path)

    # -- opening -------------------------------------------------------------------------------------
    def _open(self, path: Path, settings: EncodeSettings, prefix: Prefix | None) -> None:
        # 1. Check everything that can be checked before any work.
        settings.validate()
        self.path = path
        self.settings = settings
        self.part = part_path(path)
        self.sidecar = sidecar_path(path)
        self._check_writable()
        self._finished = False
        self._closed = False
        self._ffmpeg: subprocess.Popen[bytes] | None = None
        self._stderr_tail: deque[str] = deque(maxlen=_STDERR_LINES)

        # 2. Lay out the sidecar: prefix video and audio first, then the .part is dropped.
        start = self._prepare_sidecar(prefix)
        self.start_frame = start  # frames taken from the prefix
        self.frames_written = start

        # 3. Start ffmpeg, the audio pipe and its writer thread.
        self._audio_file = open(self.sidecar / "audio.pcm", "ab")  # noqa: SIM115 - closed in _close
        self._start_ffmpeg()

    def _check_writable(self) -> None:
        folder = self.path.parent
        where = f"cannot write to {self.path}"
        if not folder.exists():
            raise ClipWriterError(f"{where}: directory does not exist")
        if not folder.is_dir():
            raise ClipWriterError(f"{where}: {folder} is not a directory")
        if self.path.is_dir():
            raise ClipWriterError(f"{where}: it is a directory")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ClipWriterError(f"{where}: directory is not writable")
        try:  # os.access says yes to root on a read-only mount: really try
            self.sidecar.mkdir(exist_ok=True)
            probe = self.sidecar / ".probe"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as e:
            raise ClipWriterError(f"{where}: {_reason(e)}") from e

    @property
    def checkpoints(self) -> CheckpointStore:
        """The clip's checkpoint store, ``NAME.director/checkpoints``."""
        return CheckpointStore(self.sidecar / "checkpoints")

    def _prepare_sidecar(self, prefix: Prefix | None) -> int:
        """Write prefix.mp4 and audio.pcm for ``prefix`` (crash-safe), drop the old .part; return P."""
        side = self.sidecar
        n = prefix.frames if prefix else 0
        if n < 0 or n % self.settings.keyframe_interval:
            raise ClipWriterError(
                f"cannot start {self.path} after frame {n}: prefixes are cut at keyframes, every "
                f"{self.settings.keyframe_interval} frames"
            )
        next_video, next_audio = side / "prefix.next.mp4", side / "audio.next.pcm"
        if n:
            assert prefix is not None
            videos, audio = _take_sources(Path(prefix.source))
            available = sum(count for _, count in videos)
            if n > available:
                raise ClipWriterError(f"cannot reuse {n} frames of {prefix.source}: only {available} are complete")
            try:
                _splice_video(_first_frames(videos, n), next_video, self.settings.fps_fraction)
                _write_prefix_audio(audio, sample_index(n, self.settings.fps, self.settings.sample_rate), next_audio,
                                    self.settings.sample_rate)
            except OSError as e:
                next_video.unlink(missing_ok=True)
                next_audio.unlink(missing_ok=True)
                raise ClipWriterError(f"cannot write {next_video}: {_reason(e)}") from e
        # Commit: from here the old .part is redundant; _recover_sidecar finishes an interrupted commit.
        self.part.unlink(missing_ok=True)
        if n:
            os.replace(next_audio, side / "audio.pcm")
            os.replace(next_video, side / "prefix.mp4")
        else:
            (side / "prefix.mp4").unlink(missing_ok=True)
            (side / "audio.pcm").write_bytes(b"")
            if prefix is None:  # a fresh take: an older take's checkpoints no longer apply
                shutil.rmtree(side / "checkpoints", ignore_errors=True)
        (side / "video.mp4").unlink(missing_ok=True)
        _atomic_write(side / "meta.json", json.dumps({"version": 1, "settings": asdict(self.settings)}, indent=1))
        return n

    def _start_ffmpeg(self) -> None:
        s = self.settings
        rate = ["-crf", str(s.quality)] if s.rate_control == "crf" else ["-qp", str(s.quality)]
        audio_read, audio_write = os.pipe()
        cmd = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{s.width}x{s.height}",
            "-framerate", str(s.fps_fraction), "-i", "pipe:0",
            "-f", "s16le", "-ar", str(s.sample_rate), "-ac", str(AUDIO_CHANNELS), "-i", f"pipe:{audio_read}",
            "-map", "0:v:0", "-map", "1:a:0",
            "-c:v", "libx264", "-preset", s.preset, *rate, "-pix_fmt", "yuv420p",
            # A closed GOP (IDR) exactly at every chunk start, nowhere else: cut points for resume.
            "-g", str(s.keyframe_interval), "-keyint_min", str(s.keyframe_interval), "-sc_threshold", "0",
            "-c:a", "aac", "-b:a", s.audio_bitrate,
            "-movflags", "+frag_keyframe+empty_moov+default_base_moof",
            "-f", "mp4", str(self.part),
        ]  # fmt: skip
        try:
            self._ffmpeg = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                pass_fds=(audio_read,), bufsize=0,
            )  # fmt: skip
        except OSError as e:
            os.close(audio_read)
            os.close(audio_write)
            raise ClipWriterError(f"cannot start ffmpeg for {self.path}: {e}") from e
        finally:
            if self._ffmpeg is not None:
                os.close(audio_read)
        for fd in (self._ffmpeg.stdin.fileno(), audio_write):  # type: ignore[union-attr]
            _grow_pipe(fd)
        self._audio_fd = audio_write
        self._audio_queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_AUDIO_QUEUE_CHUNKS)
        self._audio_error: OSError | None = None
        self._audio_thread = threading.Thread(target=self._feed_audio, name=f"audio→{self.part.name}", daemon=True)
        self._audio_thread.start()
        self._stderr_thread = threading.Thread(target=self._read_stderr, name=f"stderr←{self.part.name}", daemon=True)
        self._stderr_thread.start()
        # Frames reach ffmpeg from a thread of their own, one chunk at a time, while the caller makes the next
        # one: on two cores the engine and x264 then overlap instead of taking turns at the pipe.
        self._frames_queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=1)
        self._frames_error: OSError | None = None
        self._frames_thread = threading.Thread(target=self._feed_frames, name=f"frames→{self.part.name}", daemon=True)
        self._frames_thread.start()

    # -- writing -------------------------------------------------------------------------------------
    def write(self, chunk: Chunk) -> None:
        """Append ``chunk``: frames uint8 [n, H, W, 3] and audio float32 [samples, 2] in [-1, 1].

        The chunk must start at ``frames_written`` and carry exactly the audio samples of its frames
        (``sample_index(end) - sample_index(start)`` rows). Returns once the *previous* chunk's frames are
        in ffmpeg: this chunk's are sent while the caller makes the next one, so its frames must not be
        changed afterwards (an engine draws into an array again only once nothing refers to it: this writer
        lets go of a chunk's frames once they are sent). A failure to send them is raised by
        the next ``write`` or by ``finish``.
        """
        if self._closed:
            raise ClipWriterError(f"{self.path}: write() after finish() or abort()")
        frames, audio = self._check_chunk(chunk)
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()
        # 1. Audio to the sidecar (the exact source of the final AAC), then to ffmpeg's audio pipe.
        try:
            self._audio_file.write(pcm)
            self._audio_file.flush()
        except OSError as e:
            self._fail(e)
        self._put_audio(pcm)
        # 2. Frames to ffmpeg's stdin, as they are (no copy), once the previous chunk's are all in.
        self._wait_frames_sent()
        self._frames_queue.put(frames)
        self.frames_written += chunk.num_frames

    def _wait_frames_sent(self) -> None:
        """Block until the frames handed over so far are in ffmpeg; raise if sending them failed."""
        self._frames_queue.join()
        if self._frames_error is not None:  # BrokenPipeError: ffmpeg has died (disk full, killed)
            self._fail(self._frames_error)

    def _feed_frames(self) -> None:
        """Writer thread: queued frames → ffmpeg's stdin. After a failure it only drains the queue."""
        while True:
            frames = self._frames_queue.get()
            try:
                if frames is None:
                    return
                if self._frames_error is None:
                    self._ffmpeg.stdin.write(memoryview(frames).cast("B"))  # type: ignore[union-attr]
            except OSError as e:
                self._frames_error = e
            finally:
                frames = None  # sent: an engine may draw into its array again (``previz.array_pool``)
                self._frames_queue.task_done()

    def _check_chunk(self, chunk: Chunk) -> tuple[np.ndarray, np.ndarray]:
        s = self.settings
        frames, audio = chunk.frames, chunk.audio
        where = f"{self.path}: chunk {chunk.index} (frame {chunk.start_frame})"
        if chunk.start_frame != self.frames_written:
            raise ClipWriterError(f"{where} does not follow the {self.frames_written} frames written so far")
        if frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[1:] != (s.height, s.width, 3):
            raise ClipWriterError(
                f"{where}: frames must be uint8 [n, {s.height}, {s.width}, 3], got {frames.dtype} {frames.shape}"
            )
        start, end = chunk.start_frame, chunk.start_frame + chunk.num_frames
        samples = sample_index(end, s.fps, s.sample_rate) - sample_index(start, s.fps, s.sample_rate)
        if audio.ndim != 2 or audio.shape != (samples, AUDIO_CHANNELS):
            raise ClipWriterError(f"{where}: audio must be [{samples}, {AUDIO_CHANNELS}] for frames {start}..{end}, got {audio.shape}")
        return np.ascontiguousarray(frames), audio

    def _put_audio(self, pcm: bytes) -> None:
        while True:
            if self._audio_error is not None or not self._audio_thread.is_alive():
                self._fail(self._audio_error)
            try:
                self._audio_queue.put(pcm, timeout=0.5)
                return
            except queue.Full:
                continue

    def _feed_audio(self) -> None:
        """Writer thread: queued PCM → ffmpeg's audio pipe; closes the pipe at the end (ffmpeg sees EOF)."""
        try:
            while (pcm := self._audio_queue.get()) is not None:
                view = memoryview(pcm)
                while view:
                    view = view[os.write(self._audio_fd, view) :]
        except OSError as e:
            self._audio_error = e
            while self._audio_queue.get() is not None:  # keep the main thread from blocking on put()
                pass
        finally:
            os.close(self._audio_fd)

    def _read_stderr(self) -> None:
        for line in self._ffmpeg.stderr:  # type: ignore[union-attr]
            self._stderr_tail.append(line.decode(errors="replace").rstrip())

    # -- closing -------------------------------------------------------------------------------------
    def finish(self, keep_sidecar: bool = False) -> Path:
        """Close the encoder, publish ``NAME`` atomically and return it; then delete .part and sidecar.

        ``keep_sidecar=True`` keeps ``NAME.director`` (exact audio and checkpoints, for later rewinds).
        """
        if self._finished:
            return self.path
        if self._closed:
            raise ClipWriterError(f"{self.path}: finish() after abort()")
        # 1. Let ffmpeg flush the last fragment and exit.
        self._close()
        if self.frames_written == 0:
            raise ClipWriterError(f"cannot finish {self.path}: no frames were written")
        s = self.settings
        samples = sample_index(self.frames_written, s.fps, s.sample_rate)
        audio = self.sidecar / "audio.pcm"
        # 2. Video: prefix + .part spliced packet by packet (no re-encoding).
        # (Also without a prefix: the splice re-times frame 0 to t=0; in the .part, x264's B-frame
        # delay puts it 2 frames late, which a plain copy would keep as an A/V offset.)
        video = self.sidecar / "video.mp4"
        parts = [(self.sidecar / "prefix.mp4", self.start_frame), (self.part, self.frames_written - self.start_frame)]
        try:
            _splice_video([(f, n) for f, n in parts if n], video, s.fps_fraction)
        except OSError as e:
            raise ClipWriterError(f"cannot finish {self.path}: {_reason(e)}") from e
        # 3. Mux video (copied) with the whole audio encoded once into NAME.finishing, then publish.
        try:
            os.truncate(audio, samples * _BYTES_PER_SAMPLE_FRAME)
        except OSError as e:
            raise ClipWriterError(f"cannot finish {self.path}: {_reason(e)}") from e
        staging = self.path.with_name(self.path.name + ".finishing")
        cmd = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-i", str(video),
            "-f", "s16le", "-ar", str(s.sample_rate), "-ac", str(AUDIO_CHANNELS), "-i", str(audio),
            "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", "-c:a", "aac", "-b:a", s.audio_bitrate,
            "-movflags", "+faststart", "-f", "mp4", str(staging),
        ]  # fmt: skip
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True)
        if done.returncode != 0:
            staging.unlink(missing_ok=True)
            self._raise_ffmpeg(done.returncode, done.stderr.decode(errors="replace"), "finishing")
        try:
            with open(staging, "rb") as f:
                os.fsync(f.fileno())
            os.replace(staging, self.path)
        except OSError as e:
            staging.unlink(missing_ok=True)
            raise ClipWriterError(f"cannot publish {self.path}: {_reason(e)}") from e
        fsync_dir(self.path.parent)
        self._finished = True
        # 4. Only now is the work in progress redundant.
        self.part.unlink(missing_ok=True)
        if keep_sidecar:
            for name in ("video.mp4", "prefix.mp4"):
                (self.sidecar / name).unlink(missing_ok=True)
        else:
            shutil.rmtree(self.sidecar, ignore_errors=True)
        logger.info("wrote %s: %d frames", self.path, self.frames_written)
        return self.path

    def abort(self) -> None:
        """Stop ffmpeg (it flushes what it has); keep ``NAME.part`` (playable) and the sidecar."""
        if self._closed:
            return
        try:
            self._close()
        except ClipWriterError as e:
            logger.warning("abort: %s", e)

    def _close(self) -> None:
        """End both inputs, wait for ffmpeg; raise if it failed."""
        self._closed = True
        self._audio_file.close()
        self._frames_queue.join()  # the last chunk's frames first (a failure shows in ffmpeg's exit status)
        self._frames_queue.put(None)
        self._frames_thread.join(_STOP_TIMEOUT_S)
        try:
            self._ffmpeg.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        if self._audio_thread.is_alive():
            try:
                self._audio_queue.put(None, timeout=_STOP_TIMEOUT_S)
            except queue.Full:  # ffmpeg stopped reading audio altogether: it is stuck
                self._ffmpeg.kill()  # type: ignore[union-attr]
        self._audio_thread.join(_STOP_TIMEOUT_S)
        try:
            rc = self._ffmpeg.wait(_STOP_TIMEOUT_S)  # type: ignore[union-attr]
        except subprocess.TimeoutExpired:
            self._ffmpeg.kill()  # type: ignore[union-attr]
            rc = self._ffmpeg.wait()  # type: ignore[union-attr]
        self._stderr_thread.join(_STOP_TIMEOUT_S)
        if rc != 0:
            self._raise_ffmpeg(rc, "\n".join(self._stderr_tail), "writing")

    def _fail(self, cause: OSError | None) -> None:
        """ffmpeg or the sidecar failed mid-write: stop everything and raise a clear error."""
        if not self._closed:
            self._closed = True
            self._audio_file.close()
            if self._ffmpeg.poll() is None:  # type: ignore[union-attr]
                try:  # our own sidecar failed (ENOSPC): give ffmpeg a moment, then stop it
                    self._ffmpeg.wait(2.0)  # type: ignore[union-attr]
                except subprocess.TimeoutExpired:
                    self._ffmpeg.kill()  # type: ignore[union-attr]
            rc = self._ffmpeg.wait()  # type: ignore[union-attr]
            self._stderr_thread.join(_STOP_TIMEOUT_S)
            if self._audio_thread.is_alive():
                try:
                    self._audio_queue.put_nowait(None)
                except queue.Full:
                    pass
            if self._frames_thread.is_alive():
                self._frames_queue.put(None)  # it drains what is queued: ffmpeg is gone
            stderr = "\n".join(self._stderr_tail)
            if cause is not None and cause.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                raise ClipWriterError(f"cannot write {self.path}: disk full ({cause.strerror})") from cause
            self._raise_ffmpeg(rc, stderr, "writing")
        raise ClipWriterError(f"cannot write {self.path}: {cause}") from cause

    def _raise_ffmpeg(self, rc: int, stderr: str, stage: str) -> None:
        if any(m in stderr for m in _DISK_FULL_MARKERS) or rc == -signal.SIGXFSZ:
            raise ClipWriterError(f"cannot write {self.path}: disk full (ffmpeg {stage}: {stderr.strip() or 'SIGXFSZ'})")
        how = f"killed by signal {-rc}" if rc < 0 else f"exit status {rc}"
        raise ClipWriterError(f"ffmpeg failed {stage} {self.path} ({how}): {stderr.strip() or 'no message'}")

    def __enter__(self) -> ClipWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.abort()
        elif not self._closed:
            self.finish()

    def __repr__(self) -> str:
        state = "finished" if self._finished else "closed" if self._closed else "open"
        return f"ClipWriter({str(self.path)!r}, frames_written={self.frames_written}, {state})"


# -- prefix sources ---------------------------------------------------------------------------------
def _prefix_frames(side: Path) -> int:
    """Frames in a sidecar's prefix.mp4 (a normal MP4 we wrote: its header knows the count)."""
    prefix = side / "prefix.mp4"
    if not prefix.exists():
        return 0
    with av.open(str(prefix)) as c:
        return int(c.streams.video[0].frames)


def _recover_sidecar(path: Path) -> None:
    """Finish or roll back a prefix commit that a crash interrupted (see ``_prepare_sidecar``)."""
    side = sidecar_path(path)
    next_video, next_audio = side / "prefix.next.mp4", side / "audio.next.pcm"
    if not next_video.exists():
        next_audio.unlink(missing_ok=True)
        return
    if part_path(path).exists():  # the commit never started: the old state stands
        next_video.unlink()
        next_audio.unlink(missing_ok=True)
        return
    if next_audio.exists():
        os.replace(next_audio, side / "audio.pcm")
    os.replace(next_video, side / "prefix.mp4")


def _take_sources(source: Path) -> tuple[list[tuple[Path, int]], Path]:
    """Video files (with complete frame counts) and the audio file that make up take ``source``."""
    name = source.with_name(source.name[: -len(PART_SUFFIX)]) if source.name.endswith(PART_SUFFIX) else source
    side, part = sidecar_path(name), part_path(name)
    if part.exists() or (side / "prefix.mp4").exists():
        _recover_sidecar(name)
        videos = [(side / "prefix.mp4", _prefix_frames(side)), (part, complete_frames(part))]
        return [(f, n) for f, n in videos if n], side / "audio.pcm"
    if name.exists():
        pcm = side / "audio.pcm"
        return [(name, complete_frames(name))], pcm if pcm.exists() else name
    raise ClipWriterError(f"cannot reuse frames of {source}: neither {name} nor {part} exists")


def _first_frames(videos: list[tuple[Path, int]], n: int) -> list[tuple[Path, int]]:
    out = []
    for f, count in videos:
        take = min(count, n)
        if take:
            out.append((f, take))
        n -= take
    return out


def _write_prefix_audio(source: Path, samples: int, out: Path, sample_rate: int) -> None:
    """Write the first ``samples`` stereo samples of ``source`` (s16le .pcm, or any media file) to ``out``."""
    size = samples * _BYTES_PER_SAMPLE_FRAME
    with open(out, "wb") as dst:
        if source.suffix == ".pcm":
            if source.stat().st_size < size:
                raise ClipWriterError(f"{source} holds {source.stat().st_size // _BYTES_PER_SAMPLE_FRAME} samples, need {samples}")
            with open(source, "rb") as src:
                shutil.copyfileobj(_Limited(src, size), dst, 1 << 20)
        else:  # a finished take without sidecar: decode its AAC (a lossy copy, still one encode later)
            cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(source),
                   "-map", "0:a:0", "-f", "s16le", "-ar", str(sample_rate), "-ac", str(AUDIO_CHANNELS), "-"]  # fmt: skip
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True)
            if done.returncode != 0:
                raise ClipWriterError(f"cannot read the audio of {source}: {done.stderr.decode(errors='replace').strip()}")
            dst.write(done.stdout[:size].ljust(size, b"\0"))
        dst.flush()
        os.fsync(dst.fileno())


class _Limited:
    """A read-only view of the first ``size`` bytes of a binary file."""

    def __init__(self, f, size: int) -> None:  # noqa: ANN001
        self.f, self.left = f, size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.f.read(n)
        self.left -= len(data)
        return data


def _splice_video(sources: list[tuple[Path, int]], out: Path, fps: Fraction) -> None:
    """Copy the first ``n`` frames of each source's video, back to back, into ``out`` (no re-encode).

    Each count must end at a keyframe: with closed GOPs the first ``n`` packets in decode order are
    then exactly frames ``[0, n)``. Timestamps are rebuilt from the packets' order alone (frame ``i``
    of the output at ``i / fps``, frame 0 at t=0): a .part's own timestamps are only trusted to rank
    frames, since the fragmented muxer stretches the first frame when fragments are tiny. Sources
    must share the H.264 stream parameters (SPS/PPS), which equal encode settings guarantee.
    """
    # 1. Read each source's packet order (timestamps only) and check its cut point.
    plans = [(src, n, _display_ranks(src, n)) for src, n in sources if n]
    if not plans:
        raise ClipWriterError("nothing to splice")
    # Decode-to-display delay: dts = (k - delay) frames keeps dts <= pts for every reordered frame.
    delay = max(k - rank for _, _, ranks in plans for k, rank in enumerate(ranks))
    tb_out = 1 / (fps * 512)  # 512 ticks a frame: exact for any frame rate
    # 2. Copy the packets with their new timestamps.
    out.unlink(missing_ok=True)
    with av.open(str(out), "w", format="mp4") as oc:
        vout = None
        extradata = None
        start = 0  # output index of the current source's first frame
        for src, n, ranks in plans:
            with av.open(str(src)) as ic:
                vin = ic.streams.video[0]
                if vout is None:
                    vout = oc.add_stream_from_template(vin)
                    extradata = vin.codec_context.extradata
                elif vin.codec_context.extradata != extradata:
                    raise ClipWriterError(f"cannot splice {src}: its H.264 parameters differ from the first part's")
                k = 0
                for packet in ic.demux(vin):
                    if packet.size == 0:
                        continue
                    if k == n:
                        break
                    packet.pts = (start + ranks[k]) * 512
                    packet.dts = (start + k - delay) * 512  # negative at first: the muxer writes an edit list
                    packet.duration = 512
                    packet.time_base = tb_out
                    packet.stream = vout
                    oc.mux(packet)
                    k += 1
                if k != n:
                    raise ClipWriterError(f"cannot take {n} frames from {src}: it changed while being read")
            start += n
    with open(out, "rb") as f:
        os.fsync(f.fileno())


def _display_ranks(src: Path, n: int) -> list[int]:
    """Display position of each of the first ``n`` packets of ``src`` (decode order), checked."""
    pts: list[int] = []
    with av.open(str(src)) as ic:
        vin = ic.streams.video[0]
        for packet in ic.demux(vin):
            if packet.size == 0:
                continue
            if len(pts) == n:
                if not packet.is_keyframe:
                    raise ClipWriterError(f"cannot cut {src} after frame {n}: no keyframe there")
                break
            if packet.pts is None or (not pts and not packet.is_keyframe):
                raise ClipWriterError(f"cannot splice {src}: packet {len(pts)} has no timestamp or no keyframe starts it")
            pts.append(packet.pts)
    if len(pts) < n or len(set(pts)) != n:
        raise ClipWriterError(f"cannot take {n} frames from {src}: it has {len(set(pts))}")
    order = sorted(range(n), key=pts.__getitem__)
    ranks = [0] * n
    for rank, k in enumerate(order):
        ranks[k] = rank
    return ranks


# -- small file-system helpers ----------------------------------------------------------------------
def _reason(e: OSError) -> str:
    if e.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return f"disk full ({e.strerror})"
    return e.strerror or str(e)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _grow_pipe(fd: int) -> None:
    """Ask for a bigger pipe buffer (Linux F_SETPIPE_SZ); harmless where refused."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
    except (OSError, ImportError):
        pass

