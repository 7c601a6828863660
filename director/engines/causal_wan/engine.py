"""The causal Wan engine: the Engine protocol around ``CausalWanGenerator``.

Per chunk (``render``):
  1. condition: encode the prompt (cached); on a switch re-cache the window's K/V; on a cut forget it;
  2. (first chunk) write the VAE-encoded reference image into the cache as a clean first frame;
  3. (optional) previz guidance: render the chunk in previz, VAE-encode, noise to the chosen sigma;
  4. denoise the chunk in few steps against the cache, then store its clean K/V;
  5. decode the chunk's latents with the streaming VAE (feature cache kept across chunks);
  6. re-time native 16 fps frames to the requested frame times (nearest) and resize;
  7. sound: the previz soundscape of the same states, or silence (noted in ``Chunk.info.notes``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from director.plan.assets import Assets
from director.engines.protocol import (Chunk, ChunkInfo, ChunkRequest, EngineError, EngineState, RenderSettings,
                                       SnapshotPolicy, sample_index)
from director.engines.causal_wan.checkpoint import WanComponents, load_components
from director.engines.causal_wan.config import CausalWanConfig
from director.world.state import WorldState

log = logging.getLogger(__name__)

_DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}
SOUND_SIZE = (64, 36)  # previz renders its soundscape alongside tiny frames that are thrown away
ROLLING_NOTE = ("attention: past the 21 latent frames Self-Forcing attends to, its window now rolls (last 21 frames, "
                "no sink), beyond what it was trained for; attention='longlive' keeps a sink for long runs")


@dataclass
class CausalWanChunkInfo(ChunkInfo):
    """``ChunkInfo`` plus what the causal generator did for this chunk. ``timings`` holds the stages
    ``condition``, ``denoise``, ``decode`` and ``total`` (seconds)."""

    attention: str = ""  # the attention layout's name ("self-forcing", "longlive", "custom")
    native_frames: int = 0  # frames decoded at the engine's own rate, before re-timing
    latent_frame: int = 0  # index of the chunk's first latent frame in the run
    recached_blocks: int = 0  # K/V blocks re-cached for a prompt switch (0: no switch)
    window_reset: bool = False  # True when a cut made the generator forget its attention window


class CausalWanEngine:
    """Streaming causal video diffusion on Wan2.1 (Self-Forcing / LongLive inference).

    Args:
        config: a ``CausalWanConfig`` (defaults: LongLive geometry, 4 warped steps); options written as
            text reach it through ``create_engine``, which checks them first.
        components: ready models (tests, benchmarks); otherwise ``config.model`` is loaded in ``open``.
    """

    name = "causal-wan"
    # A snapshot copies the KV cache to the CPU (~3 GB at 832x480): a run takes one every 8 chunks
    # (6 s of video) rather than at every boundary, so rewind lands on those. Snapshots are several GB
    # and stay on the GPU (config.snapshot_on_device): a run keeps at most 3 besides the one at 0:00
    # (rewind then reaches back ~18 s in 6 s steps).
    snapshot_policy = SnapshotPolicy(every_chunks=8, keep=3)

    def __init__(self, config: CausalWanConfig | None = None, *, components: WanComponents | None = None) -> None:
        self.config = config or CausalWanConfig()
        self._given = components
        self._components: WanComponents | None = None
        self._gen = None
        self._slices = None  # GpuSlices on ZeroGPU (open)
        self._opened = False

    # -- protocol ----------------------------------------------------------------------------------
    def chunk_frames(self, fps: float) -> int | None:
        """0.75 s (3 latent frames x 4 at 16 fps) in frames at ``fps``."""
        return max(1, round(self.config.chunk_seconds * fps))

    @torch.no_grad()
    def open(self, settings: RenderSettings, world: WorldState, assets: Assets) -> None:
        from director.engines.causal_wan.generator import CausalWanGenerator
        from director.engines.causal_wan.text import PromptEncoder
        from director.engines.causal_wan.vae_stream import StreamingVaeEncoder, encode_image

        cfg = self.config
        self.settings = settings
        self.assets = assets
        self._slices = None
        if cfg.zerogpu or (cfg.zerogpu is None and _on_zerogpu()):
            # ZeroGPU: every GPU step runs in sliced GPU calls; this object only hands requests over
            from director.engines.causal_wan.zerogpu import GpuSlices

            self._slices = GpuSlices(cfg, self._given)
            self._slices.open(settings, world, assets)
            self._opened = True
            return
        self._layout = cfg.layout
        self.notes: list[str] = [self._layout.note()]
        # 1. models
        self.device = self._device()
        self.dtype = self._dtype()
        comps = self._load()
        vae_cfg = comps.vae.config
        scale = 2 ** sum(vae_cfg.temperal_downsample)  # frames per latent after the first (4)
        self.spatial = 2 ** len(vae_cfg.temperal_downsample)  # 8
        if scale != 4 or self.spatial != 8:
            raise EngineError(f"expected a Wan2.1 VAE (x4 time, x8 space), got x{scale} / x{self.spatial}")
        # 2. geometry
        self.gen_w = cfg.width or max(16, round(settings.width / 16) * 16)
        self.gen_h = cfg.height or max(16, round(settings.height / 16) * 16)
        latent = (self.gen_h // self.spatial, self.gen_w // self.spatial)
        # 3. reference image (written into the cache before the first chunk)
        self._image_latent = None
        if cfg.image_conditioning and world.scene_image:
            img = self._image_tensor(assets.image(world.scene_image))
            self._image_latent = encode_image(comps.vae, img)
        # 4. generator, text, VAE streams
        self._gen = CausalWanGenerator(
            comps.transformer,
            latent_size=latent,
            chunk_frames=cfg.chunk_latent_frames,
            sink_frames=self._layout.sink_frames,
            ring_chunks=cfg.ring_chunks,
            context_frames=0 if self._image_latent is None else 1,
            timesteps=cfg.timesteps,
            context_timestep=cfg.context_timestep,
            seed=settings.seed,
            attention_backend=cfg.attention_backend,
        )
        if cfg.fp8:
            from director.engines.causal_wan.fp8 import check_fp8_device, quantize_blocks

            check_fp8_device(self.device)
            quantize_blocks(comps.transformer)  # before compiling, so the compiled blocks fuse the quantisation
        if cfg.compile and self.device.type == "cuda":
            compile_blocks(comps.transformer)
        self._text = PromptEncoder(comps.text_encoder, comps.tokenizer, cfg.max_text_tokens, cfg.prompt_cache_size,
                                   device=self.device, dtype=self.dtype)
        self._decoder = self._make_decoder(comps)
        self._decoder.reset()
        self._encoder = StreamingVaeEncoder(comps.vae)
        self._encoder.reset()
        self._prompt: str | None = None
        self._pending_image = self._image_latent is not None
        # 5. optional helpers from previz: soundscape and guidance frames
        self._sound = self._previz(SOUND_SIZE, settings.fps, world, assets) if cfg.sound == "previz" else None
        if cfg.sound == "previz" and self._sound is None:
            self.notes.append("sound: previz engine unavailable, silence")
        self._guide = None
        if cfg.previz_guidance > 0:
            self._guide = self._previz((self.gen_w, self.gen_h), cfg.native_fps, world, assets)
            if self._guide is None:
                self.notes.append("previz guidance requested but the previz engine is unavailable: text only")
        self._opened = True

    @torch.no_grad()
    def render(self, request: ChunkRequest) -> Chunk:
        if not self._opened:
            raise EngineError("causal-wan: render() before open()")
        if self._slices is not None:
            return self._slices.render(request)
        cfg, gen = self.config, self._gen
        info = CausalWanChunkInfo(engine=self.name, prompt=request.prompt, notes=list(self.notes),
                                  attention=self._layout.name)
        t0 = time.perf_counter()
        # 1. condition
        if request.prompt != self._prompt:
            embeds = self._text(request.prompt)
            has_past = bool(gen.ring_records) or bool(gen.prefix_records)
            if self._prompt is not None and has_past and cfg.recache_on_switch:
                info.recached_blocks = gen.recache(embeds)
            else:
                gen.set_prompt(embeds)
            self._prompt = request.prompt
        if "cut" in request.changed and cfg.on_cut == "reset_window" and gen.chunks_done:
            gen.reset_window()
            info.window_reset = True
        # 2. reference image as the first, clean frame
        image_frames = None
        if self._pending_image:
            gen.prefill(self._image_latent)
            image_frames = self._decoder.decode(self._image_latent)
            self._pending_image = False
        # 3. previz guidance
        start = None
        if self._guide is not None:
            start = self._guide_latents(request)
        # 4. denoise + store clean K/V
        t1 = time.perf_counter()
        latents = gen.generate_chunk(start=start, strength=cfg.previz_guidance if start is not None else 1.0)
        t2 = time.perf_counter()
        if gen.window_dropped and self._layout.name == "self-forcing" and ROLLING_NOTE not in self.notes:
            self.notes.append(ROLLING_NOTE)  # from here on, every chunk says so
            info.notes.append(ROLLING_NOTE)
        # 5. streaming decode
        pixels = self._decoder.decode(latents)[0]  # [3, n, H, W]
        if image_frames is not None:
            pixels = torch.cat([image_frames[0], pixels], dim=1)
        t3 = time.perf_counter()
        # 6. re-time and resize
        frames = self._to_request(pixels, request)
        # 7. sound
        audio = self._audio(request, info)
        info.native_frames = int(pixels.shape[1])
        info.latent_frame = gen.next_frame - cfg.chunk_latent_frames
        info.timings = {"condition": t1 - t0, "denoise": t2 - t1, "decode": t3 - t2, "total": time.perf_counter() - t0}
        return Chunk(request.index, request.start_frame, frames, audio, info)

    def snapshot(self) -> EngineState:
        if not self._opened:
            raise EngineError("causal-wan: snapshot() before open()")
        if self._slices is not None:
            return self._slices.snapshot()
        data = {
            "generator": self._gen.state(self.config.snapshot_on_device),
            "decoder": self._decoder.state(self.config.snapshot_on_device),
            "encoder": self._encoder.state(self.config.snapshot_on_device),
            "prompt": self._prompt,
            "pending_image": self._pending_image,
            "sound": self._sound.snapshot() if self._sound is not None else None,
            "guide": self._guide.snapshot() if self._guide is not None else None,
        }
        return EngineState(self.name, data)

    def restore(self, state: EngineState) -> None:
        if state.engine != self.name:
            raise EngineError(f"causal-wan cannot restore a {state.engine!r} state")
        if not self._opened:
            raise EngineError("causal-wan: restore() before open()")
        if self._slices is not None:
            return self._slices.restore(state)
        d = state.data
        self._gen.load_state(d["generator"])
        self._decoder.load_state(d["decoder"])
        self._encoder.load_state(d["encoder"])
        self._prompt = d["prompt"]
        self._pending_image = d["pending_image"]
        if self._sound is not None and d["sound"] is not None:
            self._sound.restore(d["sound"])
        if self._guide is not None and d["guide"] is not None:
            self._guide.restore(d["guide"])

    def close(self) -> None:
        if getattr(self, "_slices", None) is not None:
            self._slices.close()
            self._slices = None
        for helper in (getattr(self, "_sound", None), getattr(self, "_guide", None)):
            if helper is not None:
                helper.close()
        self._sound = self._guide = None
        self._gen = None
        if self._given is None:
            self._components = None  # free what we loaded
        self._opened = False
        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    # -- helpers -----------------------------------------------------------------------------------
    def _device(self) -> torch.device:
        d = self.config.device
        if d == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        if d.startswith("cuda") and not torch.cuda.is_available():
            raise EngineError(f"causal-wan: device {d!r} asked for but no CUDA GPU is available")
        return torch.device(d)

    def _dtype(self) -> torch.dtype:
        if self.config.dtype == "auto":
            return torch.bfloat16 if self.device.type == "cuda" else torch.float32
        return _DTYPES[self.config.dtype]

    def _load(self) -> WanComponents:
        if self._components is None:
            if self._given is not None:
                c = self._given
                for m in (c.transformer, c.vae, c.text_encoder):
                    # cast only a model in another dtype: one loaded with torch_dtype (zerogpu.py loads them so)
                    # keeps the modules diffusers holds in float32
                    same = next(m.parameters()).dtype == self.dtype
                    (m.to(self.device) if same else m.to(self.device, self.dtype)).eval()
                self._components = c
            elif self.config.model:
                self._components = load_components(
                    self.config.model, self.config.checkpoint, self.config.use_ema, self.device, self.dtype
                )
            else:
                raise EngineError(
                    "causal-wan needs weights: set option model= to a diffusers-layout Wan2.1-T2V-1.3B folder "
                    "(or a hub repo such as 'Wan-AI/Wan2.1-T2V-1.3B-Diffusers'), plus checkpoint= for a "
                    "Self-Forcing / LongLive .pt or hub file such as "
                    "'gdhe17/Self-Forcing:checkpoints/self_forcing_dmd.pt' (in the app: start it with "
                    "--engine-option causal-wan:model=... or set DIRECTOR_ENGINE_OPTIONS)"
                )
            if self.config.lora:
                from director.engines.causal_wan.lora import merge_lora

                from director.engines.causal_wan.hub import resolve_file

                merge_lora(self._components.transformer, resolve_file(self.config.lora, "LoRA file"),
                           self.config.lora_alpha)
        return self._components

    def _make_decoder(self, comps: WanComponents):
        """The streaming decoder ``config.decoder`` names: the Wan VAE's, or the tiny TAEHV one."""
        from director.engines.causal_wan.vae_stream import StreamingVaeDecoder

        cfg = self.config
        compile_ = cfg.compile and self.device.type == "cuda"
        if cfg.decoder == "vae":
            return StreamingVaeDecoder(comps.vae, fast=cfg.fast_decode, compile=compile_)
        from director.engines.causal_wan.tiny_decoder import StreamingTinyDecoder, TinyWanDecoder

        if comps.tiny_decoder is None:
            if not cfg.tiny_decoder:
                raise EngineError("causal-wan: decoder='tiny' needs tiny_decoder= the path of taew2_1.pth "
                                  "(github.com/madebyollin/taehv)")
            from director.engines.causal_wan.hub import resolve_file

            comps.tiny_decoder = TinyWanDecoder.from_file(resolve_file(cfg.tiny_decoder, "tiny decoder"))
        comps.tiny_decoder.to(self.device, self.dtype).eval()
        return StreamingTinyDecoder(comps.tiny_decoder, compile=compile_)

    def _image_tensor(self, rgba: np.ndarray) -> torch.Tensor:
        """RGBA uint8 [H, W, 4] -> [1, 3, gen_h, gen_w] in [-1, 1]: alpha over black, centre crop, resize."""
        rgb = rgba[..., :3].astype(np.float32) * (rgba[..., 3:4].astype(np.float32) / 255.0)
        x = torch.from_numpy(rgb).permute(2, 0, 1)[None].to(self.device) / 127.5 - 1.0
        return _fit(x, self.gen_h, self.gen_w).to(self.dtype)

    def _to_request(self, pixels: torch.Tensor, request: ChunkRequest) -> np.ndarray:
        """Native frames [3, n, H, W] -> uint8 [N, H, W, 3] at the request's times and render size."""
        n = pixels.shape[1]
        fps = self.settings.fps
        span = self.config.chunk_seconds
        t0 = request.frame_times[0]
        # requested frame i covers [t_i, t_i + 1/fps); native frame j covers span/n seconds from the start
        idx = [min(n - 1, max(0, int((t - t0 + 0.5 / fps) / span * n))) for t in request.frame_times]
        x = pixels[:, idx].transpose(0, 1)  # [N, 3, H, W]
        h, w = self.settings.height, self.settings.width
        if x.shape[-2:] != (h, w):
            x = _fit(x, h, w)
        x = ((x + 1.0) * 127.5).round_().clamp_(0, 255).to(torch.uint8)
        return x.permute(0, 2, 3, 1).contiguous().cpu().numpy()

    def _audio(self, request: ChunkRequest, info: ChunkInfo) -> np.ndarray:
        n = request.num_samples
        if self._sound is not None:
            try:
                audio = np.asarray(self._sound.render(request).audio, dtype=np.float32)
                if audio.shape == (n, 2):
                    return audio
                info.notes.append(f"sound: previz gave {audio.shape}, fitted to ({n}, 2)")
                out = np.zeros((n, 2), np.float32)
                m = min(n, audio.shape[0])
                out[:m] = audio[:m].reshape(m, -1)[:, :2] if audio.ndim == 2 else audio[:m, None]
                return out
            except Exception as exc:  # noqa: BLE001 - sound must never stop the picture
                log.warning("previz sound failed: %s", exc)
                info.notes.append(f"sound: previz failed ({exc}), silence")
        elif not any(s.startswith("sound") for s in info.notes):
            info.notes.append("sound: silence")
        return np.zeros((n, 2), np.float32)

    def _previz(self, size: tuple[int, int], fps: float, world: WorldState, assets: Assets):
        """A previz engine (colleague's module) or None if it cannot be built."""
        try:
            from director.engines import create_engine

            engine = create_engine("previz")
            engine.open(RenderSettings(size[0], size[1], fps, self.settings.seed, self.settings.sample_rate), world,
                        assets)
            return engine
        except Exception as exc:  # noqa: BLE001 - optional helper
            log.warning("previz engine unavailable: %s", exc)
            return None

    def _guide_latents(self, request: ChunkRequest) -> torch.Tensor | None:
        """Previz frames at native times for this chunk, VAE-encoded in stream: [1, z, F, h, w]."""
        cfg = self.config
        fps = cfg.native_fps
        n = 4 * cfg.chunk_latent_frames - (0 if self._encoder.started else 3)
        start = round(request.frame_times[0] * fps)
        times = tuple(request.frame_times[0] + j * cfg.chunk_seconds / n for j in range(n))
        states = tuple(min(request.states, key=lambda s, t=t: abs(s.t - t)) for t in times)
        sub = ChunkRequest(
            index=request.index, start_frame=start, frame_times=times, states=states, prompt=request.prompt,
            changed=request.changed, sample_start=sample_index(start, fps),
            sample_end=sample_index(start + n, fps),
        )
        try:
            frames = self._guide.render(sub).frames  # uint8 [n, H, W, 3]
        except Exception as exc:  # noqa: BLE001
            log.warning("previz guidance failed: %s", exc)
            self.notes.append(f"previz guidance failed ({exc}): text only from here")
            self._guide = None
            return None
        x = torch.from_numpy(np.ascontiguousarray(frames)).to(self.device).float().permute(0, 3, 1, 2)
        x = _fit(x, self.gen_h, self.gen_w) / 127.5 - 1.0  # [n, 3, H, W]
        x = x.transpose(0, 1)[None]  # [1, 3, n, H, W]
        return self._encoder.encode(x.to(self.dtype))


def _on_zerogpu() -> bool:
    from director.engines.causal_wan.zerogpu import on_zerogpu

    return on_zerogpu()


def compile_blocks(transformer: torch.nn.Module) -> None:
    """``torch.compile`` each transformer block once (the cached self-attention inside stays eager, see
    ``CachedSelfAttnProcessor``). Identical blocks share one compiled graph; the first chunks pay for it."""
    if getattr(transformer, "_director_compiled", False):
        return
    for block in transformer.blocks:
        block.compile()
    transformer._director_compiled = True


def _fit(x: torch.Tensor, h: int | None, w: int | None) -> torch.Tensor:
    """Centre-crop [N, C, H, W] to the aspect of h x w and resize (bilinear, antialiased)."""
    if h is None or w is None:
        return x
    H, W = x.shape[-2:]
    if (H, W) == (h, w):
        return x
    if H * w > W * h:  # too tall
        ch = round(W * h / w)
        x = x[..., (H - ch) // 2 : (H - ch) // 2 + ch, :]
    elif H * w < W * h:
        cw = round(H * w / h)
        x = x[..., (W - cw) // 2 : (W - cw) // 2 + cw]
    return F.interpolate(x.float(), size=(h, w), mode="bilinear", antialias=True, align_corners=False).to(x.dtype)
