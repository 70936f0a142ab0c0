"""Render the Ascend C port of a CUDA kernel from the jinja2 templates in templates/ascendc/:
`<dir>/ascendc/<kernel>.cpp` (kernel class: TPipe, double-buffered TQue in/out, GlobalTensor per
block, CopyIn -> Compute -> CopyOut with a tail path; `extern "C" __global__ __aicore__` entry and
a `<<<blockDim, nullptr, stream>>>` wrapper), `<kernel>_tiling.h` (tiling struct and host tiling
function) and `<kernel>_launch.h` (host launcher on c10_npu::getCurrentNPUStream(), same
parameters as the CUDA kernel)."""

from __future__ import annotations

import posixpath
import re
from functools import cache

from migrate.lang.cuda.elementwise import ELEM_BYTES, Program, dtype_of
from migrate.lang.cuda.tsutil import text

# Ascend C element types a skeleton can declare for pointers the elementwise lowering does not know
_SKELETON_TYPES = {"int64_t": "int64_t", "uint8_t": "uint8_t", "int8_t": "int8_t", "bool": "bool", "int16_t": "int16_t",
                   "uint32_t": "uint32_t", "uint64_t": "uint64_t",
                   "unsigned long long": "uint64_t", "unsigned long": "uint64_t", "unsigned int": "uint32_t",
                   "unsigned": "uint32_t", "long long": "int64_t", "long": "int64_t", "double": "double", "char": "int8_t"}
_INT_TYPES = {"int", "int32_t", "int64_t", "long", "unsigned", "uint32_t", "uint64_t", "size_t", "long long",
              "unsigned int", "index_t", "int16_t", "bool"}
_FLOAT_TYPES = {"float", "double", "half", "__half", "at::Half", "c10::Half", "at::BFloat16", "c10::BFloat16"}
_HOST_TYPES = {"float": "float", "half": "c10::Half"}


TEMPLATES = ("kernel.cpp.j2", "tiling.h.j2", "launch.h.j2", "kernels.cmake.j2")


@cache
def _env():
    import jinja2

    from migrate.templating import environment

    return environment("ascendc", "ascendc", TEMPLATES, keep_trailing_newline=True, autoescape=False,
                       undefined=jinja2.StrictUndefined)


def camel(name: str) -> str:
    parts = [p for p in re.split(r"_+", name) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or "Kernel"


def out_dir(src_path: str) -> str:
    d = posixpath.dirname(src_path)
    return posixpath.join(d, "ascendc") if d else "ascendc"


def paths(src_path: str, name: str) -> dict[str, str]:
    d = out_dir(src_path)
    return {"kernel": f"{d}/{name}.cpp", "tiling": f"{d}/{name}_tiling.h", "launch": f"{d}/{name}_launch.h",
            "cmake": f"{d}/{posixpath.basename(src_path).replace('.', '_')}_kernels.cmake"}


def _template_name(kernel) -> str | None:
    for tp in kernel.template_params:
        m = re.match(r"^(typename|class)\s+(\w+)$", tp)
        if m:
            return m.group(2)
    return None


def _elem(cuda_type: str, template: str | None) -> str:
    t = re.sub(r"\s+", " ", re.sub(r"\b(const|__restrict__|__restrict|restrict)\b", "", cuda_type)).strip()
    return dtype_of(t, template) or _SKELETON_TYPES.get(t) or "uint8_t"


def _store(ctype: str) -> str | None:
    t = re.sub(r"\bconst\b", "", ctype).strip()
    if t in _INT_TYPES:
        return "int64_t"
    if t in _FLOAT_TYPES:
        return "float"
    return None


def context(kernel, src_path: str, prog: Program | None, compute: list[str], reference: list[str],
            cmake_path: str) -> dict:
    template = _template_name(kernel)
    if prog is not None:
        template = prog.template
    p = paths(src_path, kernel.name)
    gm = [{"name": x.name, "dtype": _elem(x.type, template), "const": x.const} for x in kernel.params if x.pointer]
    if prog is not None:
        inputs = [{"name": n, "dtype": d} for n, d in prog.inputs]
        outputs = [{"name": n, "dtype": d} for n, d in prog.outputs]
        scalars = [{"name": n, "ctype": c, "store": s} for n, c, s in prog.scalars]
        temps = [{"name": n, "dtype": d} for n, d in prog.temps]
        length = prog.length
    else:
        inputs = [g for g in gm if g["const"]]
        outputs = [g for g in gm if not g["const"]]
        scalars = [{"name": x.name, "ctype": x.type, "store": _store(x.type)} for x in kernel.params
                   if not x.pointer and _store(x.type)]
        temps = []
        ints = [x.name for x in kernel.params if not x.pointer and _store(x.type) == "int64_t"]
        length = ints[0] if ints else "totalLength"
    sizes = [ELEM_BYTES.get(x["dtype"], 4 if x["dtype"] == template else 8) for x in inputs + outputs + temps] or [4]
    narrow = min(sizes)
    bytes_per_elem = sum(2 * ELEM_BYTES.get(x["dtype"], 4) for x in inputs + outputs) + \
        sum(ELEM_BYTES.get(x["dtype"], 4) for x in temps)
    if template:
        instances = [{"entry": f"{kernel.name}_{d}", "dtype": d, "host_type": _HOST_TYPES[d]} for d in ("float", "half")]
        narrow = 2
    else:
        instances = [{"entry": kernel.name, "dtype": None, "host_type": None}]
    lparams = []
    for x in kernel.params:
        if x.pointer:
            lparams.append(f"{'const ' if x.const else ''}void* {x.name}")
        else:
            lparams.append(re.sub(r"\s+", " ", x.text).strip())
    if length == "totalLength":
        lparams.append("int64_t totalLength")
    return {
        "name": kernel.name, "camel": camel(kernel.name), "src": src_path, "line": kernel.line,
        "template": template, "instances": instances, "gm": gm, "inputs": inputs, "outputs": outputs,
        "scalars": scalars, "temps": temps, "length": length, "complete": prog is not None,
        "compute": compute, "reference": reference, "align": 32 // max(1, min(narrow, 4)),
        "bytes_per_elem": max(bytes_per_elem, 1), "guard": re.sub(r"\W", "_", kernel.name).upper() + "_TILING_H",
        "launcher_params": ", ".join(lparams), "launch_header": posixpath.basename(p["launch"]),
        "cmake": posixpath.basename(cmake_path),
    }


def compute_lines(prog: Program) -> list[str]:
    out = []
    for op in prog.ops:
        if op.fn in ("Add", "Sub", "Mul", "Div", "Max", "Min"):
            out.append(f"AscendC::{op.fn}({op.dst}, {op.srcs[0]}, {op.srcs[1]}, len);")
        elif op.fn in ("Adds", "Muls", "Maxs", "Mins"):
            out.append(f"AscendC::{op.fn}({op.dst}, {op.srcs[0]}, {op.scalar}, len);")
        elif op.fn == "Duplicate":
            out.append(f"AscendC::Duplicate({op.dst}, {op.scalar}, len);")
        elif op.fn == "Cast":
            out.append(f"AscendC::Cast({op.dst}, {op.srcs[0]}, AscendC::RoundMode::{op.round}, len);")
        else:
            out.append(f"AscendC::{op.fn}({op.dst}, {op.srcs[0]}, len);")
    return out


def reference_lines(kernel, source: bytes, marks: dict[int, list[str]]) -> list[str]:
    """The kernel's CUDA text as comment lines, with a TODO after each line that uses a construct.
    `marks` maps a 0-based line (of the file) to TODO texts."""
    outer = kernel.outer
    first = outer.start_point[0]
    lines = text(outer).split("\n")
    col = outer.start_point[1]
    out = []
    for i, line in enumerate(lines):
        if i == 0:
            line = " " * col + line
        out.append((" " + line.rstrip()) if line.strip() else "")
        for todo in marks.get(first + i, []):
            out.append(f" TODO(migrate): {todo}")
    return out


def render(kernel, src_path: str, prog: Program | None, marks: dict[int, list[str]], source: bytes) -> dict[str, bytes]:
    p = paths(src_path, kernel.name)
    compute = compute_lines(prog) if prog is not None else []
    reference = reference_lines(kernel, source, marks) if prog is None else []
    k = context(kernel, src_path, prog, compute, reference, p["cmake"])
    env = _env()
    return {
        p["kernel"]: env.get_template("kernel.cpp.j2").render(k=k).encode(),
        p["tiling"]: env.get_template("tiling.h.j2").render(k=k).encode(),
        p["launch"]: env.get_template("launch.h.j2").render(k=k).encode(),
    }


def render_cmake(src_path: str, kernel_names: list[str]) -> tuple[str, bytes]:
    p = paths(src_path, "x")["cmake"]
    target = re.sub(r"\W", "_", posixpath.basename(src_path)) + "_ascendc"
    data = _env().get_template("kernels.cmake.j2").render(src=src_path, target=target,
                                                          files=[f"{n}.cpp" for n in kernel_names]).encode()
    return p, data
