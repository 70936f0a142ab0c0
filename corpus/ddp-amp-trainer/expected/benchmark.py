"""Measure training-step throughput of a torchvision model on one device.

    python benchmark.py --arch resnet50 --batch-size 128 --steps 50
"""
import argparse

import torch
import torch_npu
from torch_npu import npu as cuda
import torchvision.models as models


def device_summary():
    name = cuda.get_device_name(0)
    major, minor = torch.cuda.get_device_capability()
    total = torch.npu.get_device_properties(0).total_memory / 2**30
    return f"{name} (sm_{major}{minor}, {total:.1f} GiB)"


def pick_dtype():
    # bf16 needs Ampere or newer; tensor cores for fp16 need Volta or newer
    if torch.cuda.get_device_properties(0).major >= 8:
        return torch.bfloat16
    return torch.float16


def run(arch, batch_size, steps, channels_last):
    model = models.__dict__[arch]().npu()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(batch_size, 3, 224, 224, device='npu')
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.to(memory_format=torch.channels_last)
    amp_dtype = pick_dtype()

    def step():
        with torch.autocast("npu", dtype=amp_dtype):
            loss = model(x).float().mean()
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(5):  # warm-up
        step()
    cuda.synchronize()

    start = cuda.Event(enable_timing=True)
    end = cuda.Event(enable_timing=True)
    cuda.reset_peak_memory_stats()
    start.record()
    for _ in range(steps):
        step()
    end.record()
    cuda.synchronize()
    ms = start.elapsed_time(end) / steps
    peak = cuda.max_memory_allocated() / 2**20
    return ms, batch_size * 1000.0 / ms, peak


if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('--arch', default='resnet50')
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--steps', type=int, default=30)
    p.add_argument('--channels-last', action='store_true')
    a = p.parse_args()
    if not cuda.is_available():
        raise SystemExit("this benchmark needs a CUDA device")
    print(device_summary())
    ms, ips, peak = run(a.arch, a.batch_size, a.steps, a.channels_last)
    print(f"{a.arch}: {ms:.1f} ms/step, {ips:.0f} img/s, peak {peak:.0f} MiB")
    cuda.empty_cache()
