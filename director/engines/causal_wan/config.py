"""Settings of the causal Wan engine: one dataclass, a comment per field. These are the engine's options:
options written as text (command line, ``DIRECTOR_ENGINE_OPTIONS``) are read into it by
``director.engines.options.resolve_options``, whose errors name the field and where it was written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from director.engines.protocol import EngineError
from director.engines.causal_wan.attention_layout import ATTENTION_CHOICES, LAYOUTS, AttentionLayout, choose_layout

# Self-Forcing / LongLive sample [1000, 750, 500, 250] warped through the shift-5 flow schedule
# (NEURAL_NOTES §2); ``schedule.warp_timesteps`` recomputes these values.
DEFAULT_TIMESTEPS = (1000.0, 937.5, 833.3333333333334, 625.0)


@dataclass
class CausalWanConfig:
    # --- weights -------------------------------------------------------------------------------
    model: str | None = None  # diffusers-layout Wan2.1-T2V folder, or hub repo owner/name[@revision] (hub.py)
    checkpoint: str | None = None  # Self-Forcing / LongLive .pt (original Wan keys) over `model`: a path, or a hub
    # file owner/name[@revision]:path such as gdhe17/Self-Forcing:checkpoints/self_forcing_dmd.pt
    use_ema: bool = False  # take `generator_ema` instead of `generator` from the checkpoint
    lora: str | None = None  # LongLive lora.pt (PEFT factors, original keys; path or hub file), merged over the checkpoint
    lora_alpha: float | None = None  # LoRA alpha; None = the rank (scale 1, as LongLive's releases)
    device: str = "auto"  # "auto" = cuda if available else cpu; or any torch device string
    dtype: Literal["auto", "bfloat16", "float16", "float32"] = "auto"  # auto = bf16 on GPU, fp32 on CPU
    # --- geometry ------------------------------------------------------------------------------
    width: int | None = None  # generation width in pixels; None = the render width snapped to a multiple of 16
    height: int | None = None  # generation height in pixels; None = the render height snapped to a multiple of 16
    native_fps: float = 16.0  # frame rate the model was trained at; output is re-timed to the timeline's fps
    chunk_latent_frames: int = 3  # latent frames per chunk (1 latent = 4 pixel frames): 12 frames = 0.75 s
    # --- sampling ------------------------------------------------------------------------------
    timesteps: tuple[float, ...] = DEFAULT_TIMESTEPS  # few-step schedule, 0..1000 (sigma = t / 1000), descending
    context_timestep: float = 0.0  # timestep of the extra pass that stores a finished chunk's clean K/V
    # --- attention cache (attention_layout.py) --------------------------------------------------
    attention: Literal["auto", "self-forcing", "longlive", "custom"] = "auto"  # auto = the layout the checkpoint
    # was trained with: Self-Forcing global (no sink, 21 frames), LongLive sink 3 + window 12 (the fallback)
    sink_frames: int | None = None  # first latent frames kept for the whole run (multiple of chunk_latent_frames);
    # None = the layout's; setting it (or window_frames) makes the layout "custom"
    window_frames: int | None = None  # frames a chunk attends to: sink + recent past + itself (local_attn_size)
    recache_on_switch: bool = True  # on a prompt switch, re-encode the cached frames under the new prompt in one
    # pass, as LongLive does (the sink too while it is in LongLive's span, i.e. before any frame left the window)
    on_cut: Literal["continue", "reset_window"] = "reset_window"  # a camera cut forgets the recent frames
    # --- conditioning --------------------------------------------------------------------------
    max_text_tokens: int = 512  # UMT5 sequence length; padded positions are zeroed (as Wan does)
    prompt_cache_size: int = 16  # text embeddings kept per distinct prompt
    image_conditioning: bool = True  # WorldState.scene_image becomes a clean first latent frame in the cache
    previz_guidance: float = 0.0  # 0 = off; else noise the previz chunk to this sigma (0..1) and denoise from there
    # --- output --------------------------------------------------------------------------------
    sound: Literal["previz", "silence"] = "previz"  # previz soundscape of the same states, else silence
    compile: bool = False  # torch.compile the transformer blocks and the VAE's fused norms (GPU; first chunks pay)
    # --- speed (same maths; kernels and memory layout only) --------------------------------------
    attention_backend: Literal["auto", "cudnn", "flash", "efficient", "math"] = "auto"  # SDPA kernel, self-attention
    fast_decode: bool = True  # VAE decoder: channels-last weights, fused RMS norm + SiLU, conv padding without copies
    # --- speed (changes the maths: faster, possibly lower picture quality; off by default) -------
    decoder: Literal["vae", "tiny"] = "vae"  # tiny = TAEHV 2D decoder (taew2_1.pth): far cheaper, lower quality
    tiny_decoder: str | None = None  # path (or hub file) of taew2_1.pth (github.com/madebyollin/taehv) for decoder="tiny"
    fp8: bool = False  # blocks' linear layers in FP8 (row-wise W8A8; Ada/Hopper); no gain measured on an H100
    # --- Hugging Face ZeroGPU (zerogpu.py) -------------------------------------------------------------
    zerogpu: bool | None = None  # None = detect (SPACES_ZERO_GPU); True = slice GPU calls even off ZeroGPU
    gpu_slice_chunks: int = 8  # chunks per GPU call (8 = 6 s of video, the Director's snapshot interval)
    gpu_slice_seconds: int = 60  # `duration` asked of @spaces.GPU per call (the slice must fit in it)
    # --- memory ----------------------------------------------------------------------------------
    snapshot_on_device: bool = True  # keep rewind snapshots (KV cache, VAE cache) on the GPU: a device copy takes
    # milliseconds where a copy to new CPU memory took 4-5 s per 3 GB snapshot and stalled live runs

    def __post_init__(self) -> None:
        self.timesteps = tuple(float(t) for t in self.timesteps)
        self.validate()

    def validate(self) -> None:
        """Raise ``EngineError`` naming the bad field."""
        c = self.chunk_latent_frames
        if c < 1:
            raise EngineError(f"chunk_latent_frames must be >= 1, got {c}")
        if not self.timesteps or any(not 0 < t <= 1000 for t in self.timesteps):
            raise EngineError(f"timesteps must be a non-empty list in (0, 1000], got {list(self.timesteps)}")
        if any(a <= b for a, b in zip(self.timesteps, self.timesteps[1:])):
            raise EngineError(f"timesteps must descend, got {list(self.timesteps)}")
        if not 0 <= self.context_timestep < 1000:
            raise EngineError(f"context_timestep must be in [0, 1000), got {self.context_timestep}")
        if self.attention not in ATTENTION_CHOICES:
            raise EngineError(f"attention must be one of {list(ATTENTION_CHOICES)}, got {self.attention!r}")
        given = [n for n in ("sink_frames", "window_frames") if getattr(self, n) is not None]
        if given and self.attention in LAYOUTS:
            raise EngineError(f"{' and '.join(given)} set with attention={self.attention!r}, which fixes them: "
                              "use attention='custom' (or leave it 'auto') to give your own")
        lay = self.layout
        if lay.sink_frames < 0 or lay.sink_frames % c:
            raise EngineError(f"sink_frames ({lay.sink_frames}) must be a multiple of chunk_latent_frames ({c})")
        ring = lay.window_frames - lay.sink_frames
        if ring < c or ring % c:
            raise EngineError(
                f"window_frames ({lay.window_frames}) minus sink_frames ({lay.sink_frames}) must be a positive "
                f"multiple of chunk_latent_frames ({c}) (attention layout {lay.name!r})"
            )
        for name in ("width", "height"):
            v = getattr(self, name)
            if v is not None and (v < 16 or v % 16):
                raise EngineError(f"{name} must be a multiple of 16 (VAE x8, patch x2), got {v}")
        if self.attention_backend not in ("auto", "cudnn", "flash", "efficient", "math"):
            raise EngineError(f"attention_backend must be auto, cudnn, flash, efficient or math, "
                              f"got {self.attention_backend!r}")
        if self.decoder not in ("vae", "tiny"):
            raise EngineError(f"decoder must be 'vae' or 'tiny', got {self.decoder!r}")
        if self.lora_alpha is not None and (not self.lora or self.lora_alpha <= 0):
            raise EngineError("lora_alpha needs lora= (a LongLive lora.pt) and must be > 0")
        if self.tiny_decoder and self.decoder != "tiny":
            raise EngineError("tiny_decoder is set but decoder is 'vae': add decoder='tiny' to decode with it")
        if self.gpu_slice_chunks < 1 or self.gpu_slice_seconds < 1:
            raise EngineError(f"gpu_slice_chunks and gpu_slice_seconds must be >= 1, got {self.gpu_slice_chunks} "
                              f"and {self.gpu_slice_seconds}")
        if not 0 <= self.previz_guidance <= 1:
            raise EngineError(f"previz_guidance must be in [0, 1], got {self.previz_guidance}")

    @property
    def layout(self) -> AttentionLayout:
        """The attention layout these options give (``attention_layout.choose_layout``)."""
        return choose_layout(self.attention, self.checkpoint, self.lora, self.sink_frames, self.window_frames)

    @property
    def ring_chunks(self) -> int:
        """Chunks in the sliding (non-sink) part of the window, the current chunk included."""
        lay = self.layout
        return (lay.window_frames - lay.sink_frames) // self.chunk_latent_frames

    @property
    def chunk_seconds(self) -> float:
        """Duration of one chunk: latent frames x 4 pixel frames at the native rate."""
        return self.chunk_latent_frames * 4 / self.native_fps
