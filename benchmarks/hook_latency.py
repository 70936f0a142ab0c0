"""How long a pre-commit hook call takes: `python -m migrate check FILE` on one realistic
~100-line training file, wall time, median of N runs (target: <= 0.30 s on 2 cores).

    python benchmarks/hook_latency.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FILE = '''\
import argparse
import math
import os

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return x + self.fc2(F.gelu(self.fc1(self.norm(x))))


class Net(nn.Module):
    def __init__(self, dim=256, depth=4):
        super().__init__()
        self.blocks = nn.ModuleList(Block(dim, 4 * dim) for _ in range(depth))
        self.head = nn.Linear(dim, 10)

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return self.head(x.mean(dim=1))


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--local_rank", type=int, default=int(os.environ.get("LOCAL_RANK", 0)))
    return p.parse_args()


def cosine(step, total, base):
    return base * 0.5 * (1 + math.cos(math.pi * step / total))


def setup(args):
    dist.init_process_group(backend="nccl")
    torch.cuda.set_device(args.local_rank)
    torch.backends.cudnn.benchmark = True
    return torch.device("cuda", args.local_rank)


def evaluate(model, loader, device):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            pred = model(x).argmax(-1)
            correct += (pred == y).sum().item()
            total += y.numel()
    model.train()
    return correct / max(total, 1)


def train(args, model, loader, device):
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    scaler = torch.cuda.amp.GradScaler()
    steps = args.epochs * len(loader)
    step = 0
    for epoch in range(args.epochs):
        for x, y in loader:
            x = x.cuda(non_blocking=True)
            y = y.cuda(non_blocking=True)
            for g in opt.param_groups:
                g["lr"] = cosine(step, steps, args.lr)
            with torch.autocast("cuda", dtype=torch.bfloat16):
                loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            step += 1
        torch.cuda.synchronize()
        if dist.get_rank() == 0:
            print(f"epoch {epoch} loss {loss.item():.4f} mem {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB")


def main():
    args = get_args()
    device = setup(args)
    model = Net().to(device)
    model = nn.parallel.DistributedDataParallel(model, device_ids=[args.local_rank])
    loader = build_loader(args.batch_size)
    train(args, model, loader, device)


if __name__ == "__main__":
    main()
'''


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "train.py"
        path.write_text(FILE)
        lines = FILE.count("\n")
        cmd = [sys.executable, "-m", "migrate", "check", str(path)]
        subprocess.run(cmd, env=env, capture_output=True)  # warm the OS file cache
        import resource

        times, cpu = [], []
        for _ in range(args.runs):
            u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            r = subprocess.run(cmd, env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - t)
            u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(u1.ru_utime - u0.ru_utime + u1.ru_stime - u0.ru_stime)
            assert r.returncode == 1, r.stderr
        base = []
        for _ in range(args.runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], env=env)
            base.append(time.perf_counter() - t)
    findings = sum(1 for ln in r.stdout.splitlines() if ln.startswith(str(path)) or ".py:" in ln)
    print(f"migrate check on one {lines}-line file ({findings} findings): median {statistics.median(times):.3f} s, "
          f"min {min(times):.3f} s, max {max(times):.3f} s over {args.runs} runs "
          f"(bare `python -c pass`: {statistics.median(base):.3f} s); CPU time median {statistics.median(cpu):.3f} s, "
          f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
