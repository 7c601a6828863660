"""Chunk-wise causal denoising in latent space (Self-Forcing / LongLive inference).

Pixels, text and the Engine protocol live elsewhere: this class only turns noise into clean latent
chunks, one after another, with the transformer attending to the cached K/V of earlier chunks.

Per chunk (NEURAL_NOTES §2):
  1. make room: keep RoPE frame indices inside the table (rotate the window's keys back if needed);
  2. open the chunk's cache slot;
  3. denoise in few steps: x0 = x_t - sigma * v, then re-noise x0 with fresh noise to the next sigma;
  4. one more pass on the clean x0 at the context timestep, which leaves clean K/V in the slot;
  5. close the slot and remember the clean latents (for a prompt re-cache).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from director.engines.protocol import EngineError
from director.engines.causal_wan.attention import CachedSelfAttnProcessor, set_self_attn_processors
from director.engines.causal_wan.kv_cache import CacheLayout, KVCache, snapshot_copy
from director.engines.causal_wan.rope import install_offset_rope
from director.engines.causal_wan.schedule import predict_x0, renoise, sigma_of


@dataclass
class BlockRecord:
    latents: torch.Tensor  # clean latents [B, C, F, h, w], float32
    frame: int  # RoPE position of its first frame


class CausalWanGenerator:
    """Owns the transformer's KV cache, RoPE offset and noise generator.

    Args:
        transformer: a diffusers ``WanTransformer3DModel`` (its ``rope`` and attn1 processors are replaced).
        latent_size: (height, width) of the latent frames.
        chunk_frames: latent frames per chunk.
        sink_frames: frames kept for the whole run after the context frames (multiple of ``chunk_frames``).
        ring_chunks: chunks in the sliding window, the current one included.
        context_frames: clean frames written before the first chunk (1 for a reference image, else 0).
        timesteps: the few-step schedule (0..1000, descending).
        context_timestep: timestep of the clean pass that stores a chunk's K/V.
        seed: noise seed.
        batch: batch size (1 for the engine).
        attention_backend: SDPA kernel of the cached self-attention (``attention.SDPA_BACKENDS``).
    """

    def __init__(
        self,
        transformer: torch.nn.Module,
        *,
        latent_size: tuple[int, int],
        chunk_frames: int = 3,
        sink_frames: int = 3,
        ring_chunks: int = 3,
        context_frames: int = 0,
        timesteps: tuple[float, ...] = (1000.0, 937.5, 833.3333333333334, 625.0),
        context_timestep: float = 0.0,
        seed: int = 0,
        batch: int = 1,
        attention_backend: str = "auto",
    ) -> None:
        cfg = transformer.config
        p_t, p_h, p_w = cfg.patch_size
        h, w = latent_size
        if p_t != 1 or h % p_h or w % p_w:
            raise EngineError(f"latent size {h}x{w} is not divisible by the patch {cfg.patch_size}")
        self.transformer = transformer
        self.device = next(transformer.parameters()).device
        self.dtype = next(transformer.parameters()).dtype
        self.latent_shape = (batch, cfg.in_channels, chunk_frames, h, w)
        self.chunk_frames = chunk_frames
        self.context_frames = context_frames
        self.timesteps = tuple(timesteps)
        self.context_timestep = context_timestep
        self.layout = CacheLayout(
            tokens_per_frame=(h // p_h) * (w // p_w),
            chunk_frames=chunk_frames,
            prefix_frames=context_frames + sink_frames,
            ring_chunks=ring_chunks,
        )
        self.rope = install_offset_rope(transformer)
        if self.layout.prefix_frames + ring_chunks * chunk_frames > self.rope.max_seq_len:
            raise EngineError(
                f"window of {self.layout.prefix_frames + ring_chunks * chunk_frames} frames exceeds the RoPE "
                f"table ({self.rope.max_seq_len} positions)"
            )
        self.cache = KVCache(
            num_layers=len(transformer.blocks),
            batch=batch,
            heads=cfg.num_attention_heads,
            head_dim=cfg.attention_head_dim,
            layout=self.layout,
            dtype=self.dtype,
            device=self.device,
        )
        set_self_attn_processors(transformer, lambda i: CachedSelfAttnProcessor(self.cache, i, attention_backend))
        self.rng = torch.Generator(device=self.device).manual_seed(seed)
        self.prompt_embeds: torch.Tensor | None = None
        self.next_frame = 0  # RoPE position of the next block
        self.chunks_done = 0
        self.prefix_records: list[BlockRecord] = []
        self.ring_records: dict[int, BlockRecord] = {}  # by ring slot
        self._open_frame: int | None = None
        self.window_dropped = False  # a chunk left the window (or a cut forgot it): see ``recache``

    # -- low-level: one block, any number of passes -----------------------------------------------
    def open_block(self, num_frames: int) -> int:
        """Open the cache slot of the next block; returns its RoPE start frame."""
        if num_frames == self.chunk_frames:
            self._make_room()
        block = self.cache.begin_block(num_frames)
        if not block.in_prefix and block.slot in self.ring_records:
            self.window_dropped = True  # the oldest chunk leaves the window
        self._open_frame = self.next_frame
        return self.next_frame

    def step(self, x: torch.Tensor, timestep: float | torch.Tensor) -> torch.Tensor:
        """One transformer pass on the open block: flow prediction (float32), K/V written to its slot.
        ``timestep`` is a float for the whole block or a tensor [B] / [B, tokens]."""
        if self._open_frame is None:
            raise EngineError("step() needs an open block")
        if self.prompt_embeds is None:
            raise EngineError("no prompt set")
        return self._forward(x, timestep, self._open_frame)

    def close_block(self, clean_latents: torch.Tensor) -> None:
        """The last ``step`` ran on ``clean_latents`` at the context timestep: keep its K/V and advance."""
        written = self.cache.end_block()
        record = BlockRecord(clean_latents.detach().float().clone(), self._open_frame)
        if written.in_prefix:
            self.prefix_records.append(record)
        else:
            self.ring_records[written.slot] = record
        self.next_frame += clean_latents.shape[2]
        self._open_frame = None

    def _forward(self, x: torch.Tensor, timestep: float | torch.Tensor, frame: int) -> torch.Tensor:
        self.rope.frame_offset = frame
        if not torch.is_tensor(timestep):
            timestep = torch.full((x.shape[0],), float(timestep), device=self.device)
        out = self.transformer(
            hidden_states=x.to(self.dtype),
            timestep=timestep.to(self.device),
            encoder_hidden_states=self.prompt_embeds,
            return_dict=False,
        )[0]
        return out.float()

    # -- high-level ------------------------------------------------------------------------------
    def set_prompt(self, embeds: torch.Tensor) -> None:
        """Text embeddings [B, tokens, text_dim] used from the next pass on."""
        self.prompt_embeds = embeds.to(self.device, self.dtype)

    def prefill(self, latents: torch.Tensor) -> None:
        """Write clean context frames (a VAE-encoded reference image) before the first chunk."""
        self.open_block(latents.shape[2])
        self.step(latents, self.context_timestep)
        self.close_block(latents)

    def generate_chunk(
        self,
        start: torch.Tensor | None = None,
        strength: float = 1.0,
        on_step: Callable[[int], None] | None = None,
    ) -> torch.Tensor:
        """Denoise the next chunk and store its clean K/V; returns clean latents [B, C, F, h, w] float32.

        ``start`` (optional clean latents, e.g. VAE-encoded previz) is noised to the first step whose
        sigma <= ``strength`` and denoised from there."""
        from director.engines.causal_wan.schedule import start_index

        # 1.-2. make room and open the slot
        self.open_block(self.chunk_frames)
        steps = self.timesteps
        noise = self._noise()
        if start is not None and strength < 1.0:
            steps = steps[start_index(steps, strength) :]
            x = renoise(start.float(), sigma_of(steps[0]), noise)
        else:
            x = noise
        # 3. few-step denoising, re-noising x0 with fresh noise between steps
        x0 = x
        for i, t in enumerate(steps):
            flow = self.step(x, t)
            x0 = predict_x0(x, flow, sigma_of(t))
            if on_step is not None:
                on_step(i)
            if i + 1 < len(steps):
                x = renoise(x0, sigma_of(steps[i + 1]), self._noise())
        # 4. clean pass at the context timestep: overwrite the slot with clean K/V
        self.step(x0, self.context_timestep)
        # 5. close
        self.close_block(x0)
        self.chunks_done += 1
        return x0

    def recache(self, embeds: torch.Tensor) -> int:
        """Prompt switch, as LongLive's ``_recache_after_switch`` (release 2462895) does it: re-encode the
        frames the attention still uses, under ``embeds``, in ONE transformer pass at the context timestep,
        each frame at its own RoPE position, with no mask, so every query of the pass attends to the whole
        re-encoded span (and to the kept prefix). Returns the number of blocks re-encoded.

        LongLive re-encodes the last ``min(local_attn_size, current_start_frame)`` frames. While no frame
        has left the window (the cache holds every frame since the start) that span begins at frame 0 and
        the sink (here: the whole prefix, reference image included) is re-encoded with it. Later the span
        begins after the sink: LongLive then keeps the sink's old-prompt K/V (writes there are refused for
        a recompute) and its attention sees only the sink plus the last ``window - sink`` frames, so the
        frames between them, though in its pass, cannot change what it stores; they are left out here.
        The re-encoded chunks go to consecutive ring slots, oldest first, and the ring pointers restart."""
        self.set_prompt(embeds)
        ring = [self.ring_records[s] for s in self.cache.ring_order()]
        prefix = [] if self.window_dropped else list(self.prefix_records)  # span from frame 0: the prefix too
        span = prefix + ring
        if not span:
            return 0
        for a, b in zip(span, span[1:]):
            if b.frame != a.frame + a.latents.shape[2]:
                raise EngineError(f"re-cache span is not consecutive (frame {a.frame}+{a.latents.shape[2]} "
                                  f"then {b.frame})")
        latents = torch.cat([r.latents for r in span], dim=2)
        self.cache.begin_span(sum(r.latents.shape[2] for r in prefix), len(ring))
        try:
            self._forward(latents, self.context_timestep, span[0].frame)
        finally:
            self.cache.end_span()
        self.ring_records = dict(enumerate(ring))
        return len(span)

    def reset_window(self) -> None:
        """Forget the sliding window (after a hard cut); the prefix (sink) stays."""
        self.cache.reset_ring()
        self.ring_records = {}
        self.window_dropped = True

    def _make_room(self) -> None:
        """Keep the next chunk's RoPE rows inside the table: when it would overflow, move the window's
        frames back so the oldest sits right after the prefix (rotating their stored keys, which is exact
        for RoPE). The sink keeps its positions, as in LongLive's relative re-rope for long videos."""
        if self.next_frame + self.chunk_frames <= self.rope.max_seq_len:
            return
        order = self.cache.ring_order()
        oldest = self.ring_records[order[0]].frame if order else self.next_frame
        delta = oldest - self.layout.prefix_frames
        if delta <= 0:
            raise EngineError("the attention window does not fit the RoPE table")
        cos, sin = self.rope.frame_shift(-delta)
        self.cache.rotate_ring(cos, sin)
        for record in self.ring_records.values():
            record.frame -= delta
        self.next_frame -= delta

    def _noise(self) -> torch.Tensor:
        return torch.randn(self.latent_shape, generator=self.rng, device=self.device, dtype=torch.float32)

    # -- snapshot --------------------------------------------------------------------------------
    def state(self, on_device: bool = False) -> dict:
        """Everything the next chunk depends on (pickles): tensors on the CPU, or cloned on the device."""
        copy = snapshot_copy(on_device)

        def rec(r: BlockRecord) -> tuple[torch.Tensor, int]:
            return (copy(r.latents), r.frame)

        return {
            "cache": self.cache.state(on_device),
            "rng": self.rng.get_state(),
            "prompt_embeds": None if self.prompt_embeds is None else copy(self.prompt_embeds),
            "next_frame": self.next_frame,
            "chunks_done": self.chunks_done,
            "prefix_records": [rec(r) for r in self.prefix_records],
            "ring_records": {s: rec(r) for s, r in self.ring_records.items()},
            "window_dropped": self.window_dropped,
        }

    def load_state(self, state: dict) -> None:
        def rec(t: tuple[torch.Tensor, int]) -> BlockRecord:
            return BlockRecord(t[0].to(self.device, copy=True), t[1])  # never alias a snapshot: it may be restored again

        self.cache.load_state(state["cache"])
        self.rng.set_state(state["rng"])
        pe = state["prompt_embeds"]
        self.prompt_embeds = None if pe is None else pe.to(self.device, self.dtype, copy=True)
        self.next_frame = state["next_frame"]
        self.chunks_done = state["chunks_done"]
        self.prefix_records = [rec(r) for r in state["prefix_records"]]
        self.ring_records = {s: rec(r) for s, r in state["ring_records"].items()}
        self.window_dropped = state.get("window_dropped", self._infer_window_dropped())
        self._open_frame = None

    def _infer_window_dropped(self) -> bool:
        """For snapshots saved before ``window_dropped`` was kept: a gap between prefix and ring, or
        fewer frames held than made, means frames have left the window."""
        held = sum(r.latents.shape[2] for r in self.prefix_records + list(self.ring_records.values()))
        return held < self.next_frame
