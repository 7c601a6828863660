"""Small random-weight Wan components built from config (tests, CPU dry runs, GPU benchmarks).

Nothing is downloaded: the tokenizer is a byte-level-free BPE trained in milliseconds on a few words
with every printable ASCII character in its alphabet, so any prompt tokenizes and different prompts
give different ids.
"""

from __future__ import annotations

import string

import torch

from director.engines.causal_wan.checkpoint import WanComponents

_CORPUS = (
    "a girl walks in the rain at night with a cute cat runs to her camera pans left slow dolly in "
    "on the street of paris in the 1980s warm light wide shot forest sunset snow fog city lamps"
).split()


def tiny_tokenizer():
    """A ``PreTrainedTokenizerFast`` (BPE, pad id 0, eos appended) that needs no files."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.BpeTrainer(
        vocab_size=256,
        special_tokens=["<pad>", "</s>", "<unk>"],
        initial_alphabet=list(string.printable.strip()),
        show_progress=False,
    )
    tok.train_from_iterator([" ".join(_CORPUS)] * 4, trainer=trainer)
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    tok.decoder = decoders.BPEDecoder()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def tiny_components(seed: int = 0, num_layers: int = 2, rope_max_seq_len: int = 32,
                    head_dim: int = 12) -> WanComponents:
    """A 2-layer Wan transformer (2 heads of ``head_dim``: dim 24 by default, 32 with ``head_dim=16``, the
    smallest whose linear layers FP8 takes), a tiny causal VAE (x8 spatial, x4 temporal) and a tiny UMT5."""
    from diffusers import AutoencoderKLWan, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    tokenizer = tiny_tokenizer()
    torch.manual_seed(seed)
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=head_dim,
        in_channels=16,
        out_channels=16,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=num_layers,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=rope_max_seq_len,
    )
    vae = AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True]
    )
    text_encoder = UMT5EncoderModel(
        UMT5Config(
            vocab_size=len(tokenizer),
            d_model=32,
            d_kv=8,
            d_ff=64,
            num_layers=2,
            num_heads=4,
            relative_attention_num_buckets=8,
            pad_token_id=0,
            eos_token_id=1,
        )
    )
    return WanComponents(transformer.eval(), vae.eval(), text_encoder.eval(), tokenizer)


def wan_1_3b_components(device: torch.device, dtype: torch.dtype, text_layers: int = 2) -> WanComponents:
    """Random weights with the real Wan2.1-T2V-1.3B transformer and VAE shapes (dim 1536, 30 layers,
    12 heads, ffn 8960; VAE base_dim 96) and a small UMT5 with the real output width 4096."""
    from diffusers import AutoencoderKLWan, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    tokenizer = tiny_tokenizer()
    with torch.device(device):
        transformer = WanTransformer3DModel(
            patch_size=(1, 2, 2), num_attention_heads=12, attention_head_dim=128, in_channels=16, out_channels=16,
            text_dim=4096, freq_dim=256, ffn_dim=8960, num_layers=30, cross_attn_norm=True,
            qk_norm="rms_norm_across_heads", eps=1e-6, rope_max_seq_len=1024,
        ).to(dtype)
        vae = AutoencoderKLWan(base_dim=96, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=2,
                               temperal_downsample=[False, True, True]).to(dtype)
        text_encoder = UMT5EncoderModel(
            UMT5Config(vocab_size=len(tokenizer), d_model=4096, d_kv=64, d_ff=1024, num_layers=text_layers,
                       num_heads=8, relative_attention_num_buckets=32, pad_token_id=0, eos_token_id=1)
        ).to(dtype)
    return WanComponents(transformer.eval(), vae.eval(), text_encoder.eval(), tokenizer)
