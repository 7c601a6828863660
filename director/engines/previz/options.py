"""``PrevizOptions``: the previz engine's options, one field each (read by ``director.engines.options``)."""

from __future__ import annotations

from dataclasses import dataclass

from director.engines.protocol import EngineError

ALL_CORES = 0  # `threads` value meaning one OpenCV thread per CPU core


@dataclass(frozen=True)
class PrevizOptions:
    threads: int = ALL_CORES  # OpenCV threads; 0 = one per CPU core
    audio: bool = True  # False renders silence (faster benchmarks)
    embeddings: bool = True  # no effect since scene kinds are resolved by the world (compile's reader); kept so old settings load

    def __post_init__(self) -> None:
        if self.threads < 0:
            raise EngineError(f"threads must be >= 0 (0 = one per CPU core), got {self.threads}")
