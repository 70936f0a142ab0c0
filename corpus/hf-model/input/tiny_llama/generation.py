"""Greedy decoding helpers, including a graph-captured fixed-shape forward."""

import logging
import time

import torch
from torch.nn.attention import SDPBackend, sdpa_kernel

logger = logging.getLogger(__name__)


def default_dtype() -> torch.dtype:
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


class GraphedForward:
    """Capture one fixed-shape forward pass in a CUDA graph and replay it."""

    def __init__(self, model, batch_size: int, seq_len: int):
        self.model = model
        self.static_ids = torch.zeros(batch_size, seq_len, dtype=torch.long, device="cuda")
        self.static_logits = None
        self.graph = None

    @torch.inference_mode()
    def capture(self, warmup: int = 3):
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(warmup):
                self.model(self.static_ids)
        torch.cuda.current_stream().wait_stream(side)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self.static_logits = self.model(self.static_ids)
        return self

    def __call__(self, input_ids):
        self.static_ids.copy_(input_ids)
        self.graph.replay()
        return self.static_logits


@torch.inference_mode()
def greedy_generate(model, input_ids, max_new_tokens: int = 32, eos_token_id=None):
    for step in range(max_new_tokens):
        torch.cuda.nvtx.range_push(f"decode_step_{step}")
        with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
            logits = model(input_ids)[:, -1, :]
        next_token = logits.argmax(dim=-1, keepdim=True)
        input_ids = torch.cat([input_ids, next_token], dim=-1)
        torch.cuda.nvtx.range_pop()
        if eos_token_id is not None and (next_token == eos_token_id).all():
            break
    return input_ids


def benchmark_decode(model, prompt_len=128, new_tokens=64, batch_size=1):
    logger.info("benchmarking on %s", torch.cuda.get_device_name())
    ids = torch.randint(3, model.config.vocab_size, (batch_size, prompt_len), device="cuda")
    greedy_generate(model, ids, max_new_tokens=4)  # warm-up
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    greedy_generate(model, ids, max_new_tokens=new_tokens)
    torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    return batch_size * new_tokens / dt
