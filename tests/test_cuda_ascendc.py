"""Generated Ascend C: it parses (tree-sitter-cuda, Ascend qualifiers stripped), has the
GM -> UB -> GM pipeline, and translated elementwise kernels compute what the CUDA original does
(both expression trees evaluated on sample values)."""

from __future__ import annotations

import math
import random
import re

import pytest

from migrate.core import migrate_file
from migrate.lang.cuda.tsutil import parse, walk
from migrate.settings import Settings
from tests.cuda_eval import AscendEval, CudaEval, f16, strip_ascend

ELEMENTWISE = {
    "axpy": """
__global__ void axpy(const float* __restrict__ x, float* __restrict__ y, const float a, const int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) { y[i] = a * x[i] + y[i]; }
}""",
    "quick_gelu_bias": """
__global__ void quick_gelu_bias(const float* in, const float* bias, float* out, int64_t n) {
  for (int64_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
    const float v = in[i] + bias[i];
    out[i] = v / (1.0f + expf(-1.702f * v));
  }
}""",
    "clamp_scale": """
__global__ void clamp_scale(const float* x, float* y, float lo, float hi, float scale, int n) {
  const int idx = threadIdx.x + blockIdx.x * blockDim.x;
  if (idx >= n) return;
  y[idx] = fminf(fmaxf(x[idx] * scale, lo), hi) - 0.5f;
}""",
    "relu_cast": """
__global__ void relu_cast(const __half* x, float* y, float* mask, int n) {
  CUDA_1D_KERNEL_LOOP(i, n) {
    float v = static_cast<float>(x[i]);
    y[i] = v > 0.f ? v : 0.f;
    mask[i] = 2.0f - y[i] / (v * v + 1.0f);
  }
}""",
    "sub_scalar_first": """
__global__ void sub_scalar_first(const float* a, const float* b, float* c, float s, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) c[i] += s - a[i] * b[i] + sqrtf(fabsf(a[i])) + (float)(int)b[i];
}""",
    "templated_residual": """
template <typename scalar_t>
__global__ void templated_residual(const scalar_t* x, const scalar_t* res, scalar_t* out, scalar_t alpha, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = max(x[i] + alpha * res[i], scalar_t(0)) ;
}""",
}

SKELETONS = {
    "block_sum": """
__global__ void block_sum(const float* x, float* out, int n) {
  __shared__ float buf[256];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  buf[threadIdx.x] = i < n ? x[i] : 0.f;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) buf[threadIdx.x] += buf[threadIdx.x + s];
    __syncthreads();
  }
  if (threadIdx.x == 0) atomicAdd(out, buf[0]);
}""",
    "warp_max": """
template <typename T>
__global__ void __launch_bounds__(128) warp_max(const T* x, T* out, int64_t n) {
  T v = x[threadIdx.x];
  for (int o = 16; o > 0; o /= 2) v = max(v, __shfl_down_sync(0xffffffff, v, o));
  if ((threadIdx.x & 31) == 0) out[blockIdx.x] = v;
}""",
}


def _generate(src: str, name: str):
    r = migrate_file("csrc/ops.cu", src.encode(), Settings())
    assert r.status in ("changed", "unchanged"), r.reason
    k = next(k for k in r.kernels if k["name"] == name)
    return r, k, r.generated[f"csrc/ascendc/{name}.cpp"].decode()


def _structure(code: str, name: str, template: bool):
    root = parse(strip_ascend(code).encode()).root_node
    assert not root.has_error, code
    funcs = {n.child_by_field_name("declarator").text.decode().split("(")[0]: n
             for n in walk(root) if n.type == "function_definition"}
    for f in ("Init", "Process", "CopyIn", "Compute", "CopyOut"):
        assert f in funcs, f
    copy_in, copy_out, init = (funcs[f].text.decode() for f in ("CopyIn", "CopyOut", "Init"))
    assert re.search(r"DataCopy\(\w+Local, \w+Gm\[offset\]", copy_in)  # GM -> UB
    assert re.search(r"DataCopy\(\w+Gm\[offset\], \w+Out", copy_out)  # UB -> GM
    assert "DataCopyPad" in copy_in and "DataCopyPad" in copy_out  # tail not 32-byte aligned
    assert "GetBlockIdx()" in init and "SetGlobalBuffer" in init
    assert "constexpr int32_t BUFFER_NUM = 2" in code and "TPipe pipe" in code
    assert "TQue<AscendC::TPosition::VECIN, BUFFER_NUM>" in code and "TQue<AscendC::TPosition::VECOUT, BUFFER_NUM>" in code
    assert "if (tail > 0)" in funcs["Process"].text.decode()
    entries = [n for n in funcs if n.startswith(name)]
    entry = re.search(r'extern "C" __global__ __aicore__ void (\w+)\(([^)]*)\)', code)
    assert entry and entry.group(2).endswith("GM_ADDR workspace, GM_ADDR tiling")
    assert ("<<<blockDim, nullptr, stream>>>" in code)
    assert len([e for e in entries if e.endswith("_do")]) == (2 if template else 1)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_kernel_is_complete_and_well_formed(name):
    r, k, code = _generate(ELEMENTWISE[name], name)
    assert k["complete"] is True, k["reason"]
    assert k["generated"] == f"csrc/ascendc/{name}.cpp"
    assert "TODO" not in code
    _structure(code, name, template="template" in ELEMENTWISE[name])
    tiling = r.generated[f"csrc/ascendc/{name}_tiling.h"].decode()
    launch = r.generated[f"csrc/ascendc/{name}_launch.h"].decode()
    for extra in (tiling, launch):
        assert not parse(extra.encode()).root_node.has_error
    assert "c10_npu::getCurrentNPUStream()" in launch and f"inline void launch_{name}(" in launch


def _sample(dtype, n, rng):
    vals = [rng.uniform(-3, 3) for _ in range(n)]
    return [f16(v) if dtype == "half" else v for v in vals]


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_translation_computes_what_cuda_computes(name):
    """Evaluate the CUDA body per element and the Ascend C Compute() per tile; compare."""
    src = ELEMENTWISE[name]
    _, k, code = _generate(src, name)
    fn = next(n for n in walk(parse(src.encode()).root_node) if n.type == "function_definition")
    rng = random.Random(7)
    n = 37
    params = k["params"]
    arrays, scalars = {}, {}
    for p in params:
        m = re.match(r"(?:const\s+)?([\w:]+)\s*(\*?)\s*(?:__restrict__\s*)?(\w+)$", p.replace("const ", "").strip())
        ty, ptr, pname = m.groups()
        ty = "float" if ty in ("scalar_t",) else ("half" if ty == "__half" else ty)
        if ptr:
            arrays[pname] = (_sample(ty, n, rng), ty)
        elif re.search(r"\bn$", pname):
            scalars[pname] = n
        else:
            scalars[pname] = rng.uniform(-2, 2) if pname not in ("lo", "hi") else (-1.0 if pname == "lo" else 1.5)
    inputs = {a: list(v[0]) for a, v in arrays.items()}
    CudaEval(fn, arrays, scalars).run(n)
    outs = AscendEval(code).compute(inputs, scalars, n)
    assert outs, "no outputs"
    for arr, got in outs.items():
        want = arrays[arr][0]
        for g, w in zip(got, want):
            assert math.isclose(g, w, rel_tol=1e-5, abs_tol=1e-5), (arr, g, w)


def test_the_equivalence_check_can_fail():
    """A wrong translation (Adds instead of Muls) is caught by the evaluator."""
    src = ELEMENTWISE["axpy"]
    _, _, code = _generate(src, "axpy")
    broken = code.replace("AscendC::Muls(", "AscendC::Adds(")
    fn = next(n for n in walk(parse(src.encode()).root_node) if n.type == "function_definition")
    x, y = [1.5, -2.0, 3.0], [0.5, 0.25, -1.0]
    arrays = {"x": (list(x), "float"), "y": (list(y), "float")}
    CudaEval(fn, arrays, {"a": 3.0, "n": 3}).run(3)
    outs = AscendEval(broken).compute({"x": x, "y": y}, {"a": 3.0, "n": 3}, 3)
    assert outs["y"] != arrays["y"][0]


@pytest.mark.parametrize("name", sorted(SKELETONS))
def test_other_kernels_get_a_skeleton_with_todos(name):
    src = SKELETONS[name]
    r, k, code = _generate(src, name)
    assert k["complete"] is False and k["reason"]
    _structure(code, name, template="template" in src)
    assert "TODO(migrate): port the body" in code
    for c in k["constructs"]:
        if c in ("thread-indexing", "templates", "loops"):
            continue
        assert f"TODO(migrate): {c}:" in code, c
    assert k["effort"] == "high"
    kinds = {"block_sum": {"shared-memory", "syncthreads", "atomics", "thread-indexing", "loops"},
             "warp_max": {"warp-shuffle", "templates", "thread-indexing", "loops"}}
    assert set(k["constructs"]) == kinds[name]
    # the original body is kept as a commented reference
    assert "//   __syncthreads();" in code or "__shfl_down_sync" in code


EDGE = """
#include <cooperative_groups.h>
namespace cg = cooperative_groups;
#define SHFL_DOWN(v, d) __shfl_down_sync(0xffffffff, v, d)

__device__ float warp_sum(float v) {
  for (int o = 16; o > 0; o /= 2) v += SHFL_DOWN(v, o);
  return v;
}
__global__ void child(float* x) { x[threadIdx.x] = 0.f; }

template <typename scalar_t>
__global__ void edge(cudaTextureObject_t tex, scalar_t* out, int n) {
  cg::grid_group grid = cg::this_grid();
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = tex1Dfetch<float>(tex, i);
  unsigned lane;
  asm volatile("mov.u32 %0, %%laneid;" : "=r"(lane));
  if (i == 0) { printf("n=%d\\n", n); child<<<1, 32>>>(out); }
  Reducer<scalar_t, SUM>::atomic_write(out + i, warp_sum(v));
  grid.sync();
}

__global__ void from_headers(float* out, const float* x, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = SHFL_DOWN_SYNC(FULL_MASK, x[i], 1);  // macros of another header
  atomAdd(out, at::cuda::detail::IndexToOffset<float, int, -1>::get(i, v));
}
"""


def test_every_construct_is_inventoried_with_advice_for_both_targets():
    r = migrate_file("csrc/edge.cu", EDGE.encode(), Settings())
    ks = {k["name"]: k for k in r.kernels}
    assert set(ks["edge"]["constructs"]) == {
        "cooperative-groups", "texture-surface", "inline-asm", "dynamic-parallelism", "printf", "thread-indexing",
        "templates", "atomics", "device-functions", "warp-shuffle"}  # shuffles via warp_sum -> SHFL_DOWN
    assert set(ks["from_headers"]["constructs"]) == {"thread-indexing", "warp-shuffle", "atomics", "device-functions"}
    assert ks["edge"]["effort"] == "high" and ks["edge"]["complete"] is False
    for a in ks["edge"]["advice"]:
        assert a["a2a3"] and a["simt"] and a["effort"] in ("low", "medium", "high"), a
    advice = {a["construct"]: a for a in ks["edge"]["advice"]}
    assert "SyncAll" in advice["cooperative-groups"]["a2a3"] and "cooperative_groups" in advice["cooperative-groups"]["simt"]
    assert "not supported" in advice["dynamic-parallelism"]["simt"]
    code = r.generated["csrc/ascendc/edge.cpp"].decode()
    assert not parse(strip_ascend(code).encode()).root_node.has_error
    for c in ("cooperative-groups", "texture-surface", "inline-asm", "dynamic-parallelism", "printf", "atomics"):
        assert f"TODO(migrate): {c}:" in code, c
    assert [f.rule for f in r.findings if f.line == 19] == ["cuda-kernel-launch"]  # the device-side launch
