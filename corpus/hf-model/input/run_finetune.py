"""Tiny causal-LM fine-tuning / generation entry point.

    python run_finetune.py --model_dir ./tiny-llama-1b --steps 100 --optim adamw_8bit
"""
import argparse
import logging

import torch

from tiny_llama import LlamaForCausalLM
from tiny_llama.generation import benchmark_decode, default_dtype, greedy_generate
from tiny_llama.utils import is_bitsandbytes_available

if is_bitsandbytes_available():
    import bitsandbytes as bnb

logger = logging.getLogger("run_finetune")


def build_optimizer(model, name, lr):
    if name == "adamw_8bit":
        if not is_bitsandbytes_available():
            raise ValueError("adamw_8bit needs bitsandbytes")
        return bnb.optim.AdamW8bit(model.parameters(), lr=lr, betas=(0.9, 0.95))
    return torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model_dir", required=True)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--optim", default="adamw", choices=["adamw", "adamw_8bit"])
    parser.add_argument("--seq_len", type=int, default=512)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)

    model = LlamaForCausalLM.from_pretrained(args.model_dir, torch_dtype=default_dtype(), device_map="cuda")
    model.train()
    optimizer = build_optimizer(model, args.optim, args.lr)
    for step in range(args.steps):
        ids = torch.randint(3, model.config.vocab_size, (2, args.seq_len), device=next(model.parameters()).device)
        loss, _ = model(ids, labels=ids)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if step % 10 == 0:
            logger.info("step %d loss %.4f", step, loss.item())

    model.eval()
    prompt = torch.tensor([[1, 450, 4996, 17354]], device=next(model.parameters()).device)
    print(greedy_generate(model, prompt, max_new_tokens=16).tolist())
    print(f"{benchmark_decode(model):.1f} tokens/s")


if __name__ == "__main__":
    main()
