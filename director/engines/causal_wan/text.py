"""Prompt -> UMT5 embeddings, cached per prompt.

As in Wan: the text cleaned first (``prompt_clean``: ftfy, HTML entities, whitespace), tokens padded/truncated to ``max_tokens``, the encoder's outputs at padded positions set to
zero, no key mask in cross-attention (NEURAL_NOTES §2 "Text").
"""

from __future__ import annotations

from collections import OrderedDict

import torch

from director.engines.causal_wan.prompt_clean import clean_prompt


class PromptEncoder:
    def __init__(
        self,
        text_encoder: torch.nn.Module,
        tokenizer,
        max_tokens: int = 512,
        cache_size: int = 16,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        self.text_encoder = text_encoder
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens
        self.cache_size = cache_size
        self.device = device or next(text_encoder.parameters()).device
        self.dtype = dtype
        self._cache: OrderedDict[str, torch.Tensor] = OrderedDict()
        self.encoded = 0  # how many prompts actually went through the encoder (for tests and stats)

    @torch.no_grad()
    def __call__(self, prompt: str) -> torch.Tensor:
        """Embeddings [1, max_tokens, text_dim] for ``prompt`` after Wan's cleaning (cached per cleaned text,
        least recently used evicted)."""
        prompt = clean_prompt(prompt)
        hit = self._cache.get(prompt)
        if hit is not None:
            self._cache.move_to_end(prompt)
            return hit
        tok = self.tokenizer(
            [prompt],
            padding="max_length",
            max_length=self.max_tokens,
            truncation=True,
            add_special_tokens=True,
            return_attention_mask=True,
            return_tensors="pt",
        )
        enc_device = next(self.text_encoder.parameters()).device
        ids, mask = tok.input_ids.to(enc_device), tok.attention_mask.to(enc_device)
        hidden = self.text_encoder(ids, mask).last_hidden_state
        hidden = hidden * mask.unsqueeze(-1).to(hidden.dtype)  # zero the padding, as Wan does
        hidden = hidden.to(self.device, self.dtype or hidden.dtype)
        self.encoded += 1
        self._cache[prompt] = hidden
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return hidden
