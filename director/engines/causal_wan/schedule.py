"""Few-step flow-matching schedule of Self-Forcing (NEURAL_NOTES §2).

Timesteps are in [0, 1000] and sigma = t / 1000. Each step predicts the clean sample
x0 = x_t - sigma * v and re-noises it with *fresh* noise to the next sigma (not an Euler step).
"""

from __future__ import annotations

import torch


def warp_timesteps(timesteps: list[float], shift: float = 5.0, num_train_timesteps: int = 1000) -> list[float]:
    """Map nominal timesteps through the shifted training schedule, as Self-Forcing's
    ``warp_denoising_step`` does: sigma_k = 1 - k/N, s' = shift*s / (1 + (shift-1)*s), t = N*s',
    with a 0 appended, indexed at N - t. ``[1000, 750, 500, 250]`` with shift 5 gives
    ``[1000, 937.5, 833.33, 625]``."""
    n = num_train_timesteps
    sigmas = torch.linspace(1.0, 0.0, n + 1, dtype=torch.float64)[:-1]
    sigmas = shift * sigmas / (1 + (shift - 1) * sigmas)
    table = torch.cat([sigmas * n, torch.zeros(1, dtype=torch.float64)])
    return [float(table[n - int(round(t))]) for t in timesteps]


def sigma_of(timestep: float) -> float:
    return float(timestep) / 1000.0


def predict_x0(x_t: torch.Tensor, flow: torch.Tensor, sigma: float) -> torch.Tensor:
    """x0 = x_t - sigma * flow, computed in float32 or better."""
    dtype = torch.promote_types(x_t.dtype, torch.float32)
    return (x_t.to(dtype) - sigma * flow.to(dtype)).to(x_t.dtype)


def renoise(x0: torch.Tensor, sigma: float, noise: torch.Tensor) -> torch.Tensor:
    """The next step's input: (1 - sigma) * x0 + sigma * noise."""
    return (1.0 - sigma) * x0 + sigma * noise


def start_index(timesteps: tuple[float, ...], strength: float) -> int:
    """First step whose sigma is <= ``strength`` (img2img-style start for previz guidance);
    the last step if every sigma is larger."""
    for i, t in enumerate(timesteps):
        if sigma_of(t) <= strength + 1e-9:
            return i
    return len(timesteps) - 1
