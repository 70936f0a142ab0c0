"""Build-file matchers (setup.py and friends): CUDAExtension -> torch_npu's NpuExtension, and what
the NPU build cannot take over (.cu sources, nvcc flags, JIT builds of CUDA sources)."""

from __future__ import annotations

from migrate.lang.python.matchers import register
from migrate.lang.python.tsutil import string_value, text
from migrate.model import Edit

_CPP_EXT = "torch.utils.cpp_extension"
_CUDA_SUFFIXES = (".cu", ".cuh")


def _kwargs(call) -> dict:
    args = call.child_by_field_name("arguments")
    out = {}
    for a in args.named_children if args is not None else []:
        if a.type == "keyword_argument":
            out[text(a.child_by_field_name("name"))] = a.child_by_field_name("value")
    return out


def _positional(call) -> list:
    args = call.child_by_field_name("arguments")
    return [a for a in (args.named_children if args is not None else [])
            if a.type not in ("keyword_argument", "comment", "list_splat", "dictionary_splat")]


def _cuda_strings(node) -> list:
    """String literals naming CUDA sources inside a list/tuple expression (also `glob` patterns)."""
    out = []
    if node is None:
        return out
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "string":
            v = string_value(n)
            if v is not None and v.rstrip("*").endswith(_CUDA_SUFFIXES):
                out.append((n, v))
            continue
        stack.extend(n.named_children)
    return sorted(out, key=lambda x: x[0].start_byte)


@register("cuda-extension")
class CudaExtension:
    def chain(self, pf, rule, chain) -> None:
        q = chain.qualname
        call = chain.top.parent
        if q is None or call is None or call.type != "call" or call.child_by_field_name("function") != chain.top:
            return
        opts = rule.options
        if q == f"{_CPP_EXT}.CUDAExtension":
            new = opts["replacement"]
            pf.ctx.report(rule, chain.top.start_byte, chain.top.end_byte,
                          edits=[Edit(chain.top.start_byte, chain.top.end_byte, new.rsplit(".", 1)[1])],
                          requires=(f"from {new.rsplit('.', 1)[0]} import {new.rsplit('.', 1)[1]}",), api=q)
            self._sources(pf, call)
            self._flags(pf, call)
        elif q in (f"{_CPP_EXT}.load", f"{_CPP_EXT}.load_inline"):
            kw = _kwargs(call)
            cuda = _cuda_strings(kw.get("sources")) or _cuda_strings(_positional(call)[1] if len(_positional(call)) > 1 else None)
            if "cuda_sources" in kw or cuda or "extra_cuda_cflags" in kw:
                pf.ctx.report("cuda-jit-extension", call.start_byte, call.end_byte, api=q)

    def _sources(self, pf, call) -> None:
        kw = _kwargs(call)
        src = kw.get("sources")
        if src is None:
            pos = _positional(call)
            src = pos[1] if len(pos) > 1 else None
        for node, value in _cuda_strings(src):
            pf.ctx.report("cuda-extension-source", node.start_byte, node.end_byte, api=value, source=value)

    def _flags(self, pf, call) -> None:
        eca = _kwargs(call).get("extra_compile_args")
        if eca is None:
            return
        if eca.type != "dictionary":
            if eca.type == "identifier":
                pf.ctx.report("cuda-nvcc-flags", eca.start_byte, eca.end_byte, api="nvcc",
                              message=f"`extra_compile_args={text(eca)}`: drop its 'nvcc' entry (the NPU build has no nvcc)")
            return
        pairs = [p for p in eca.named_children if p.type == "pair"]
        for i, p in enumerate(pairs):
            if string_value(p.child_by_field_name("key")) != "nvcc":
                continue
            # remove the pair with the comma that separates it from its neighbour
            src = pf.ctx.source
            start, end = p.start_byte, p.end_byte
            j = end
            while j < len(src) and src[j:j + 1] in b" \t":
                j += 1
            if src[j:j + 1] == b",":
                end = j + 1
                while end < len(src) and src[end:end + 1] in b" \t":
                    end += 1
            elif i > 0:
                k = start - 1
                while k > 0 and src[k:k + 1] in b" \t\r\n":
                    k -= 1
                if src[k:k + 1] == b",":
                    start = k
            ls = src.rfind(b"\n", 0, p.start_byte) + 1
            le = src.find(b"\n", end)
            le = len(src) if le == -1 else le
            if src[ls:p.start_byte].strip() == b"" and src[end:le].strip() == b"" and start == p.start_byte:
                start, end = ls, min(le + 1, len(src))  # the pair is alone on its line(s): cut them
            pf.ctx.report("cuda-nvcc-flags", p.start_byte, p.end_byte, edits=[Edit(start, end, "")], api="nvcc")


@register("reported-by-cuda-extension")
class ReportedByCudaExtension:
    """Rules whose findings the cuda-extension matcher reports."""
