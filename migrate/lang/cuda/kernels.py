"""Kernel inventory: every `__global__` function and every `<<<...>>>` launch of a file, with the
CUDA constructs each kernel uses (the porting advice per construct is rule data:
rules/cuda/kernels.yaml, options of cuda-kernel)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from migrate.lang.cuda.tsutil import call_args, has_token, of_types, text, walk

_INDEX_VARS = {"threadIdx", "blockIdx", "blockDim", "gridDim"}
_LOOP_MACROS = {"CUDA_1D_KERNEL_LOOP", "CUDA_KERNEL_LOOP", "CUDA_1D_KERNEL_LOOP_T", "CUDA_2D_KERNEL_LOOP",
                "CUDA_KERNEL_LOOP_TYPE", "HIP_1D_KERNEL_LOOP"}
_CALL_CONSTRUCTS = [
    (re.compile(r"^__syncthreads(_count|_and|_or)?$|^__syncwarp$"), "syncthreads"),
    (re.compile(r"^__shfl"), "warp-shuffle"),
    (re.compile(r"^(__ballot(_sync)?|__all(_sync)?|__any(_sync)?|__activemask|__match_\w+_sync)$"), "warp-vote"),
    (re.compile(r"^(atomic\w+|gpuAtomic\w+|fastAtomicAdd)$"), "atomics"),
    (re.compile(r"^__threadfence"), "threadfence"),
    (re.compile(r"^(tex[123]D\w*|tex1Dfetch|texCubemap\w*|surf[123]D\w*|tex2DLayered\w*)$"), "texture-surface"),
    (re.compile(r"^printf$"), "printf"),
    (re.compile(r"^__ldg$|^__ldcs$|^__ldcg$"), "ldg"),
    (re.compile(r"^curand\w*$"), "device-rng"),
    (re.compile(r"^(this_grid|this_thread_block|tiled_partition|this_multi_grid|coalesced_threads)$"), "cooperative-groups"),
    (re.compile(r"^(__half2float|__float2half\w*|__hadd|__hmul|__hfma|__float2bfloat16|__bfloat162float)$"), "half-precision"),
    (re.compile(r"^(wmma::\w+|mma_sync|load_matrix_sync|store_matrix_sync)$"), "tensor-cores"),
]
# Helpers and macros from other files (`SHFL_DOWN_SYNC`, `atomAdd`, `Reducer<T>::atomic_write`) are
# recognised by their spelling: the construct is reported, nothing is rewritten on the strength of it.
_LOOSE_CONSTRUCTS = [
    (re.compile(r"shfl", re.I), "warp-shuffle"),
    (re.compile(r"ballot|activemask", re.I), "warp-vote"),
    (re.compile(r"atomic|^atom[A-Z]|^gpuAtom", re.I), "atomics"),
    (re.compile(r"syncthreads", re.I), "syncthreads"),
]
# Calls that are not a person's helper function: C++ casts and the CUDA math library.
_BUILTIN_CALLS = re.compile(
    r"^(static_cast|reinterpret_cast|const_cast|dynamic_cast|sizeof|alignof|decltype|assert|min|max|abs|"
    r"f?(abs|max|min|floor|ceil|round|trunc|sqrt|rsqrt|cbrt|exp|exp2|expm1|log|log2|log10|log1p|pow|sin|cos|tan|"
    r"asin|acos|atan|atan2|sinh|cosh|tanh|erf|erfc|fma|mod|rint|lrint|llrint|hypot|copysign|signbit|isnan|isinf|"
    r"isfinite|sincos|normcdf)f?|__\w+|make_\w+|std::\w+|(at|c10|torch)::\w+(::\w+)*|scalar_t|acc_t|float|double|int|"
    r"int64_t|int32_t|uint32_t|uint64_t|half|__half|bool|size_t|dim3)$")


@dataclass
class Param:
    name: str
    type: str  # base type text, e.g. "float", "scalar_t", "at::Half"
    pointer: bool
    const: bool
    text: str


@dataclass
class Launch:
    name: str  # kernel name (without template arguments)
    node: object  # call_expression
    line: int
    config: list[str]
    args: list[str]
    template_args: str | None


@dataclass
class Kernel:
    name: str
    node: object  # function_definition
    outer: object  # template_declaration or the function_definition
    line: int
    params: list[Param]
    template_params: list[str]
    constructs: list[str] = field(default_factory=list)
    construct_lines: dict = field(default_factory=dict)  # construct -> [byte offsets]
    launch_bounds: str | None = None


def _param(p) -> Param | None:
    if p.type != "parameter_declaration":
        return None
    t = p.child_by_field_name("type")
    d = p.child_by_field_name("declarator")
    const = any(c.type == "type_qualifier" and text(c).strip() == "const" for c in p.children)
    pointer = False
    name = ""
    while d is not None:
        if d.type in ("pointer_declarator", "reference_declarator"):
            pointer = pointer or d.type == "pointer_declarator"
            d = d.child_by_field_name("declarator") or next((c for c in d.named_children if c.type.endswith("declarator") or c.type == "identifier"), None)
            continue
        if d.type == "array_declarator":
            pointer = True
            d = d.child_by_field_name("declarator")
            continue
        if d.type == "identifier":
            name = text(d)
        break
    return Param(name=name, type=text(t) if t is not None else "", pointer=pointer, const=const, text=text(p))


def find_kernels(root, index: dict | None = None) -> list[Kernel]:
    """`root`: a tree's root node; `index`: the nodes of that tree by type (CuDoc.nodes), if the
    caller has it."""
    out = []
    memo: dict = {}  # the file's device functions and macros, read once for all its kernels
    for n in of_types(root, ("function_definition",), index):
        if not has_token(n, "__global__"):
            continue
        decl = n.child_by_field_name("declarator")
        while decl is not None and decl.type != "function_declarator":
            decl = decl.child_by_field_name("declarator")
        if decl is None:
            continue
        name_node = decl.child_by_field_name("declarator")
        name = text(name_node) if name_node is not None else "?"
        if not re.fullmatch(r"\w+", name):  # an explicit specialisation `k<at::Half>` or `ns::k`
            name = re.sub(r"\W+", "_", name.split("::")[-1]).strip("_")
        plist = decl.child_by_field_name("parameters")
        params = [p for p in (_param(c) for c in (plist.named_children if plist else [])) if p is not None]
        outer = n.parent if n.parent is not None and n.parent.type == "template_declaration" else n
        tparams = []
        if outer is not n:
            tl = outer.child_by_field_name("parameters")
            tparams = [text(c) for c in tl.named_children] if tl is not None else []
        lb = next((text(c) for c in n.named_children if c.type == "launch_bounds"), None)
        k = Kernel(name=name, node=n, outer=outer, line=outer.start_point[0] + 1, params=params,
                   template_params=tparams, launch_bounds=lb)
        _constructs(k, n.child_by_field_name("body"), {x.name for x in params}, memo, index)
        out.append(k)
    return out


def device_functions(root, index: dict | None = None) -> dict[str, object]:
    """The file's `__device__` functions: name -> body node."""
    out = {}
    for n in of_types(root, ("function_definition",), index):
        if has_token(n, "__device__"):
            d = n.child_by_field_name("declarator")
            while d is not None and d.type != "function_declarator":
                d = d.child_by_field_name("declarator")
            if d is not None and d.child_by_field_name("declarator") is not None:
                out.setdefault(text(d.child_by_field_name("declarator")).split("::")[-1], n.child_by_field_name("body"))
    return out


def _callee_constructs(name: str, devfns: dict, macros: dict, seen: set) -> set[str]:
    """What a device helper of this file uses (and the helpers it calls), e.g. the warp shuffles
    inside `warp_reduce_sum`: the kernel calling it needs the same porting work."""
    if name in seen or devfns.get(name) is None:
        return set()
    seen.add(name)
    out: set[str] = set()
    for n in walk(devfns[name]):
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            if fn is None:
                continue
            short = _strip_targs(text(fn)).split("::")[-1]
            c = _call_construct(short, text(fn)) or next((c for rx, c in _LOOSE_CONSTRUCTS if rx.search(short)), None)
            if c is not None:
                out.add(c)
            elif short in devfns:
                out |= _callee_constructs(short, devfns, macros, seen)
        elif n.type == "gnu_asm_expression":
            out.add("inline-asm")
        elif n.type == "declaration" and any(text(c).strip() == "__shared__" for c in n.children if c.type == "type_qualifier"):
            out.add("shared-memory")
    return out


def _constructs(k: Kernel, body, param_names, memo: dict | None = None, index: dict | None = None) -> None:
    if body is None:
        return
    found: dict[str, list[int]] = {}

    def add(c, node):
        found.setdefault(c, []).append(node.start_byte)

    if k.template_params:
        add("templates", k.outer)
    root = body
    while root.parent is not None:
        root = root.parent
    key = (root.start_byte, root.end_byte, root.type)
    if memo is None or key not in memo:
        found_in_root = (device_functions(root, index), macro_bodies(root, index))
        if memo is not None:
            memo[key] = found_in_root
    else:
        found_in_root = memo[key]
    devfns, macros = found_in_root
    for n in walk(body):
        t = n.type
        if t == "field_expression":
            arg = n.child_by_field_name("argument")
            if arg is not None and arg.type == "identifier" and text(arg) in _INDEX_VARS:
                add("thread-indexing", n)
                if text(arg) == "gridDim" and _inside_for_update(n):
                    add("grid-stride-loop", n)
        elif t == "declaration":
            quals = [text(c).strip() for c in n.children if c.type == "type_qualifier"]
            if "__shared__" in quals:
                extern = any(c.type == "storage_class_specifier" and text(c) == "extern" for c in n.children)
                add("dynamic-shared-memory" if extern else "shared-memory", n)
        elif t == "gnu_asm_expression" or (t == "call_expression" and text(n.child_by_field_name("function") or n).startswith("asm")):
            add("inline-asm", n)
        elif t == "kernel_call_syntax":
            add("dynamic-parallelism", n)
        elif t == "call_expression":
            fn = n.child_by_field_name("function")
            if fn is None:
                continue
            name = _strip_targs(text(fn))
            short = name.split("::")[-1]
            if name in _LOOP_MACROS:
                add("grid-stride-loop", n)
                continue
            c = _call_construct(short, name)
            if c is None and short in macros:  # a macro of this file: look at what it expands to
                for word in re.findall(r"[A-Za-z_]\w*", macros[short]):
                    c = _call_construct(word, word)
                    if c is not None:
                        break
            if c is None:
                c = next((c for rx, c in _LOOSE_CONSTRUCTS if rx.search(short)), None)
            if c is not None:
                add(c, n)
            elif short in devfns:
                add("device-functions", n)
                for c in _callee_constructs(short, devfns, macros, set()):
                    add(c, n)
            elif (short not in macros and fn.type != "field_expression"
                  and ("::cuda::" in name or not (_BUILTIN_CALLS.match(name) or _BUILTIN_CALLS.match(short)))):
                add("device-functions", n)  # a helper of this file, or of a header (`Reducer<T>::update`)
        elif t == "function_definition":  # CUDA_1D_KERNEL_LOOP(i, n) { ... } parses as a nested definition
            d = n.child_by_field_name("declarator")
            if d is not None and text(d).split("(")[0].strip() in _LOOP_MACROS:
                add("grid-stride-loop", n)
        elif t in ("namespace_identifier", "identifier", "type_identifier"):
            v = text(n)
            if v in ("cooperative_groups", "cg") and n.parent is not None and n.parent.type == "qualified_identifier":
                add("cooperative-groups", n)
            elif v in ("__half", "half", "__nv_bfloat16", "__half2", "at::Half"):
                add("half-precision", n)
        elif t in ("for_statement", "while_statement", "do_statement") and "grid-stride-loop" not in found:
            if not _is_grid_stride(n):
                add("loops", n)
    k.constructs = sorted(found)
    k.construct_lines = found


def _strip_targs(name: str) -> str:
    """`Reducer<scalar_t, R>::atomic_write` -> `Reducer::atomic_write` (nested arguments too)."""
    name = re.sub(r"\s+", "", name)
    while True:
        new = re.sub(r"<[^<>]*>", "", name)
        if new == name:
            return name
        name = new


def _call_construct(short: str, name: str) -> str | None:
    for rx, c in _CALL_CONSTRUCTS:
        if rx.search(short) or rx.search(name):
            return c
    return None


def macro_bodies(root, index: dict | None = None) -> dict[str, str]:
    """`#define NAME(...) body` and `#define NAME body` of the file: name -> body text."""
    out = {}
    for n in of_types(root, ("preproc_function_def", "preproc_def"), index):
        name, value = n.child_by_field_name("name"), n.child_by_field_name("value")
        if name is not None:
            out[text(name)] = text(value) if value is not None else ""
    return out


def _inside_for_update(n) -> bool:
    p = n
    while p is not None and p.type != "for_statement":
        p = p.parent
    if p is None:
        return False
    upd = p.child_by_field_name("update")
    return upd is not None and upd.start_byte <= n.start_byte and n.end_byte <= upd.end_byte


def _is_grid_stride(loop) -> bool:
    if loop.type != "for_statement":
        return False
    upd = loop.child_by_field_name("update")
    return upd is not None and "gridDim" in text(upd)


def find_launches(root, index: dict | None = None) -> list[Launch]:
    out = []
    for n in of_types(root, ("call_expression",), index):
        ks = next((c for c in n.children if c.type == "kernel_call_syntax"), None)
        if ks is None:
            continue
        fn = n.child_by_field_name("function")
        targs = None
        if fn is not None and fn.type == "template_function":
            name = text(fn.child_by_field_name("name"))
            ta = fn.child_by_field_name("arguments")
            targs = text(ta) if ta is not None else None
        else:
            name = text(fn) if fn is not None else "?"
        config = [text(c) for c in ks.named_children if c.type != "comment"]
        out.append(Launch(name=name.split("::")[-1], node=n, line=n.start_point[0] + 1, config=config,
                          args=[text(a) for a in call_args(n)], template_args=targs))
    return out
