# coding=utf-8
"""Configuration for the tiny LLaMA-style decoder."""

from dataclasses import asdict, dataclass, field
import json
import os


@dataclass
class LlamaConfig:
    vocab_size: int = 32000
    hidden_size: int = 2048
    intermediate_size: int = 5632
    num_hidden_layers: int = 22
    num_attention_heads: int = 32
    num_key_value_heads: int = 4
    hidden_act: str = "silu"
    max_position_embeddings: int = 2048
    initializer_range: float = 0.02
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0
    attention_dropout: float = 0.0
    tie_word_embeddings: bool = False
    # one of "eager", "sdpa", "flash_attention_2", "xformers"
    attn_implementation: str = 'sdpa'
    pad_token_id: int = 0
    bos_token_id: int = 1
    eos_token_id: int = 2
    extra: dict = field(default_factory=dict)

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    @classmethod
    def from_json_file(cls, path: str) -> "LlamaConfig":
        with open(path, "r", encoding="utf-8") as f:
            data = json.load(f)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        unknown = {k: v for k, v in data.items() if k not in cls.__dataclass_fields__}
        return cls(**known, extra=unknown)

    def save_pretrained(self, save_directory: str) -> None:
        os.makedirs(save_directory, exist_ok=True)
        with open(os.path.join(save_directory, 'config.json'), 'w', encoding='utf-8') as f:
            json.dump(asdict(self), f, indent=2, sort_keys=True)
