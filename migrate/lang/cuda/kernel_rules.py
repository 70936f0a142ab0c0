"""Matchers for CUDA kernels: inventory + Ascend C generation (cuda-kernel) and launch sites
(cuda-kernel-launch). The advice per construct is rule data (options of cuda-kernel)."""

from __future__ import annotations

import re

from migrate.lang.cuda import ascendc, elementwise, kernels
from migrate.lang.cuda.matchers import register
from migrate.lang.cuda.tsutil import text
from migrate.model import Edit, Effort, Severity

_ORDER = ["low", "medium", "high"]


def _inventory(doc):
    cf = doc.cf
    if getattr(cf, "kernel_info", None) is None:
        cf.kernel_info = {k.name: k for k in kernels.find_kernels(doc.root, doc.nodes)}
        cf.kernel_programs = {}
    return cf.kernel_info


@register("kernel")
class Kernel:
    priority = 80
    in_macros = False

    def file(self, doc, rule) -> None:
        ctx = doc.ctx
        table: dict = rule.options["constructs"]
        generated_names = []
        for k in _inventory(doc).values():
            try:
                prog = elementwise.lower(k)
                reason = None
            except elementwise.NotElementwise as e:
                prog, reason = None, str(e)
            doc.cf.kernel_programs[k.name] = prog
            advice = [{"construct": c, **table.get(c, table["other"])} for c in k.constructs]
            if prog is not None:
                effort = "low"
            else:
                effort = max([a["effort"] for a in advice] + ["medium"], key=_ORDER.index)
            marks: dict[int, list[str]] = {}
            for c in k.constructs:
                entry = table.get(c, table["other"])
                offsets = k.construct_lines.get(c, [])
                if c in ("thread-indexing", "templates", "half-precision"):
                    offsets = offsets[:1]  # everywhere in the body: one marker is enough
                for b in offsets:
                    line = ctx.lines.position(b)[0] - 1
                    todo = f"{c}: {entry['a2a3']}"
                    if todo not in marks.setdefault(line, []):
                        marks[line].append(todo)
            files = ascendc.render(k, ctx.path, prog, marks, ctx.source)
            ctx.generated.update(files)
            generated_names.append(k.name)
            gen = ascendc.paths(ctx.path, k.name)
            s, e = doc.span(k.outer)
            ctx.kernels.append({
                "path": ctx.path, "line": k.line, "name": k.name, "constructs": k.constructs, "effort": effort,
                "generated": gen["kernel"], "complete": prog is not None,
                "template_params": k.template_params, "params": [p.text for p in k.params],
                "launch_bounds": k.launch_bounds, "launches": [], "advice": advice,
                "reason": reason, "launcher": gen["launch"],
            })
            if prog is not None:
                msg = (f"CUDA kernel `{k.name}` is elementwise: translated completely to Ascend C in {gen['kernel']} "
                       f"(launcher `launch_{k.name}` in {gen['launch']}); build it with {gen['cmake']} and remove the CUDA kernel")
                ctx.report(rule, s, s + len(text(k.outer).split("\n")[0].encode()), message=msg, severity=Severity.WARNING,
                           effort=Effort.LOW, api="__global__ " + k.name,
                           suggestion="review the generated file, then delete this kernel from the CUDA source")
            else:
                parts = ", ".join(k.constructs) or "no special constructs"
                msg = (f"CUDA kernel `{k.name}` ({parts}) needs porting to Ascend C: skeleton in {gen['kernel']} "
                       f"with TODOs ({reason})")
                ctx.report(rule, s, s + len(text(k.outer).split("\n")[0].encode()), message=msg,
                           effort=Effort(effort), api="__global__ " + k.name,
                           suggestion="; ".join(f"{a['construct']}: {a['a2a3']}" for a in advice[:4]) or None)
        if generated_names:
            path, data = ascendc.render_cmake(ctx.path, generated_names)
            ctx.generated[path] = data


_TORCH_INCLUDE = re.compile(rb'^[ \t]*#[ \t]*include[ \t]*[<"](torch/|ATen/|c10/)', re.M)
_CURRENT = re.compile(r"getCurrent\w*Stream|getCurrentNPUStream")


@register("kernel-launch")
class KernelLaunch:
    priority = 85
    in_macros = False

    def file(self, doc, rule) -> None:
        ctx = doc.ctx
        info = _inventory(doc)
        progs = getattr(doc.cf, "kernel_programs", {})
        for launch in kernels.find_launches(doc.root, doc.nodes):
            k = info.get(launch.name)
            entry = next((d for d in ctx.kernels if d["name"] == launch.name and d["path"] == ctx.path), None)
            s, e = doc.span(launch.node)
            if entry is not None:
                entry["launches"].append({"path": ctx.path, "line": launch.line, "config": launch.config,
                                          "args": launch.args, "template_args": launch.template_args})
            why = None
            if k is None:
                why = f"kernel `{launch.name}` is defined in another file: call its generated launcher `launch_{launch.name}` (see the report)"
            elif progs.get(launch.name) is None:
                why = f"the Ascend C port of `{launch.name}` is a skeleton: launch it once it is complete"
            elif not self._stream_ok(launch, ctx):
                why = "the launch uses a stream other than the current one; the generated launcher runs on the current NPU stream"
            elif len(launch.args) != len(k.params):
                why = "argument count differs from the kernel's parameters"
            elif not _TORCH_INCLUDE.search(ctx.source):
                why = (f"not a PyTorch extension (no torch/ATen/c10 include): the generated launcher runs on torch_npu's "
                       f"current stream; call `{launch.name}_do(blockDim, stream, ...)` with a tiling from "
                       f"`{ascendc.camel(launch.name)}ComputeTiling` instead")
            if why is not None:
                ctx.report(rule, s, e, message=f"`{launch.name}<<<...>>>` launch not rewritten: {why}",
                           api=f"{launch.name}<<<>>>")
                continue
            ks = next(c for c in launch.node.children if c.type == "kernel_call_syntax")
            start, end = launch.node.start_byte + doc.offset, ks.end_byte + doc.offset
            targs = launch.template_args or ""
            # fixes other rules proposed inside the launch configuration go away with it
            ctx.findings[:] = [f for f in ctx.findings
                               if not (f.edits and all(start <= x.start and x.end <= end for x in f.edits))]
            rel = f"ascendc/{launch.name}_launch.h"  # next to the source: ascendc.out_dir
            ctx.report(rule, s, e, edits=[Edit(start, end, f"launch_{launch.name}{targs}")],
                       requires=(rel,), api=f"{launch.name}<<<>>>",
                       message=f"`{launch.name}<<<{', '.join(launch.config)}>>>` -> `launch_{launch.name}{targs}(...)` (generated Ascend C launcher)")

    @staticmethod
    def _stream_ok(launch, ctx) -> bool:
        if len(launch.config) < 4:
            return True
        st = launch.config[3].strip()
        if st in ("0", "nullptr", "NULL") or _CURRENT.search(st):
            return True
        if re.fullmatch(r"\w+", st):
            fn = launch.node
            while fn is not None and fn.type != "function_definition":
                fn = fn.parent
            if fn is not None:
                body = text(fn)
                if re.search(rf"\b{st}\s*(=|\(|\{{)[^;]*(getCurrent\w*Stream)", body):
                    return True
        return False



@register("acl-init")
class AclInit:
    """A standalone program (has `main`) that uses the CUDA runtime needs aclInit/aclFinalize."""

    priority = 90
    in_macros = False

    def file(self, doc, rule) -> None:
        src = doc.ctx.source
        if b"aclInit" in src or not re.search(rb"\bcuda(SetDevice|Malloc|StreamCreate|Memcpy)\b", src):
            return
        for fn in doc.nodes["function_definition"]:
            d = fn.child_by_field_name("declarator")
            if d is not None and d.type == "function_declarator" and text(d.child_by_field_name("declarator")) == "main":
                doc.ctx.report(rule, *doc.span(d))
