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
    # no `reads`: file() acts on any build script whose text names CUDAExtension
    def chain(self, pf, rule, chain) -> None:
        q = chain.qualname
        if q is None:
            return
        parent = chain.top.parent
        is_call = parent is not None and parent.type == "call" and parent.child_by_field_name("function") == chain.top
        if q == f"{_CPP_EXT}.CUDAExtension":
            # a call, or a reference (`extension = CUDAExtension` ... `extension(...)`)
            new = rule.options["replacement"]
            module, name = new.rsplit(".", 1)
            pf.ctx.report(rule, chain.top.start_byte, chain.top.end_byte,
                          edits=[Edit(chain.top.start_byte, chain.top.end_byte, name)],
                          requires=(f"from {module} import {name}",), api=q)
        elif q == f"{_CPP_EXT}.CUDA_HOME":
            pf.ctx.report("cuda-home", chain.top.start_byte, chain.top.end_byte, api=q)
        elif is_call and q in (f"{_CPP_EXT}.load", f"{_CPP_EXT}.load_inline"):
            kw = _kwargs(parent)
            pos = _positional(parent)
            cuda = _cuda_strings(kw.get("sources")) or _cuda_strings(pos[1] if len(pos) > 1 else None)
            if "cuda_sources" in kw or cuda or "extra_cuda_cflags" in kw:
                pf.ctx.report("cuda-jit-extension", parent.start_byte, parent.end_byte, api=q)

    def file(self, pf, rule) -> None:
        """In a build script that uses CUDAExtension: CUDA sources and nvcc flags, wherever they are
        spelled (a list literal, a glob pattern, a flags dict built step by step)."""
        if b"CUDAExtension" not in pf.ctx.source:
            return
        for node in _strings(pf.root):
            v = string_value(node)
            if v is None:
                continue
            if v.rstrip("*").endswith(_CUDA_SUFFIXES):
                pf.ctx.report("cuda-extension-source", node.start_byte, node.end_byte, api=v, source=v)
            elif v == "nvcc":
                p = node.parent
                if p is not None and p.type == "pair" and p.child_by_field_name("key") == node \
                        and p.parent is not None and p.parent.type == "dictionary":
                    self._drop_pair(pf, p, [x for x in p.parent.named_children if x.type == "pair"].index(p))
                else:
                    pf.ctx.report("cuda-nvcc-flags", node.start_byte, node.end_byte, api="nvcc",
                                  message="nvcc flags are set here: remove them (the NPU build has no nvcc)")

    def _drop_pair(self, pf, p, i) -> None:
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


def _strings(root):
    stack = [root]
    while stack:
        n = stack.pop()
        if n.type == "string":
            yield n
            continue
        stack.extend(reversed(n.named_children))


@register("reported-by-cuda-extension")
class ReportedByCudaExtension:
    """Rules whose findings the cuda-extension matcher reports."""

    reads = "code"  # none of its own: the cuda-extension rule, which reads anywhere, has the same words
