"""Triton code as kernel libraries write it (flash-linear-attention, Liger, unsloth): autotuned and
heuristic kernels behind several decorators, host wrappers that launch them, and backends written
for triton-ascend next to the CUDA ones."""

from migrate.core import migrate_file
from migrate.settings import Settings

# the shape of fla/modules/activations/ops.py (flash-linear-attention 0.6.0), cut down
OPS = '''\
import torch
import triton
import triton.language as tl

from fla.utils import input_guard


@triton.autotune(
    configs=[triton.Config({}, num_warps=num_warps) for num_warps in [1, 2, 4, 8, 16, 32]],
    key=['D'],
)
@triton.heuristics({'HAS_BIAS': lambda args: args['b'] is not None})
@triton.jit
def sigmoid_fwd_kernel(x, y, b, T, D: tl.constexpr, B: tl.constexpr, HAS_BIAS: tl.constexpr):
    i = tl.program_id(0)
    o_i = i * B + tl.arange(0, B)
    b_x = tl.load(x + o_i, mask=o_i < T, other=0.).to(tl.float32)
    tl.store(y + o_i, tl.sigmoid(b_x).to(y.dtype.element_ty), mask=o_i < T)


@triton.jit
def swish_bwd_kernel(x, dy, dx, T, B: tl.constexpr):
    i = tl.program_id(0)
    o_i = i * B + tl.arange(0, B)
    b_x = tl.load(x + o_i, mask=o_i < T, other=0.)
    tl.store(dx + o_i, b_x, mask=o_i < T)


def _plain_helper(x):
    return x * 2


@input_guard
def sigmoid_fwd(x: torch.Tensor) -> torch.Tensor:
    T, D = x.numel(), x.shape[-1]
    y = torch.empty_like(x)
    B = 1024
    sigmoid_fwd_kernel[(triton.cdiv(T, B),)](x, y, None, T, D, B)
    return y


def swish_bwd(x, dy):
    T = x.numel()
    dx = torch.empty_like(x)
    swish_bwd_kernel[(triton.cdiv(T, 1024),)](x, dy, dx, T, 1024)
    return dx
'''


def _open(path: str):
    r = migrate_file(path, OPS.encode(), Settings())
    assert r.status == "unchanged", r.reason  # nothing here is rewritten: kernels are a person's call
    return [(f.rule, f.line, f.effort.value, f.message) for f in r.findings if not f.fixed]


def test_one_finding_per_kernel_whatever_its_decorators():
    got = _open("fla/modules/activations/ops.py")
    kernels = [(line, msg) for rule, line, _effort, msg in got if rule == "triton-kernels" and "kernel `" in msg]
    # at the first decorator of each stack: autotune (line 8) for the first kernel, jit for the second
    assert [line for line, _ in kernels] == [8, 21]
    assert "`sigmoid_fwd_kernel` (`triton.autotune`)" in kernels[0][1]
    assert "`swish_bwd_kernel` (`triton.jit`)" in kernels[1][1]
    # `import triton` is listed (the file needs triton-ascend) but costs nothing by itself
    assert [(line, effort) for rule, line, effort, msg in got if rule == "triton-kernels" and "install" in msg] == [(2, "trivial")]
    # each launch: its grid is re-tuned for the AI cores
    assert [(rule, line, effort) for rule, line, effort, _m in got if rule == "triton-launch"] == [
        ("triton-launch", 38, "low"), ("triton-launch", 45, "low")]
    assert {rule for rule, *_ in got} == {"triton-kernels", "triton-launch"}


def test_kernels_in_a_backend_written_for_triton_ascend_are_already_npu_aware():
    for path in ("fla/modules/activations/triton_ascend.py", "fla/ops/gla/backends/triton_ascend/chunk.py",
                 "fla/utils/ascend_ub_manager.py", "mylib/ops/npu.py"):
        got = _open(path)
        assert [(rule, line) for rule, line, *_ in got] == [
            ("already-npu-aware", 2), ("already-npu-aware", 8), ("already-npu-aware", 21),
            ("already-npu-aware", 38), ("already-npu-aware", 45)], path
        assert {effort for _r, _l, effort, _m in got} == {"trivial"}
        assert all("in a file written for Ascend (its path says `" in msg for *_x, msg in got)
    # a name that only contains the word is not such a file
    for path in ("fla/ops/ascending_sort.py", "fla/ops/snpu_tools.py"):
        assert {rule for rule, *_ in _open(path)} == {"triton-kernels", "triton-launch"}, path


def test_a_kernel_made_without_a_decorator_is_still_reported():
    src = b"import triton\n\ndef _add(x, y):\n    pass\n\nadd_kernel = triton.jit(_add)\n"
    r = migrate_file("k.py", src, Settings())
    assert [(f.rule, f.line) for f in r.findings] == [("triton-kernels", 1), ("triton-kernels", 6)]
    assert "Triton kernel `add_kernel` (`triton.jit`)" in r.findings[1].message
