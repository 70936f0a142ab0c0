"""Recognise elementwise CUDA kernels and lower their bodies to Ascend C vector calls.

A kernel is elementwise when each thread handles one index `i` (bounds-checked
`i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n)`, an early `return`, a grid-stride loop or
`CUDA_1D_KERNEL_LOOP(i, n)`), every pointer is accessed only as `p[i]`, and the statements are
locals and stores built from loads, scalar parameters, literals, + - * /, unary minus,
exp/log/sqrt/rsqrt/abs, max/min with a scalar (Maxs/Mins/Relu) or a tensor (Max/Min), the relu
conditional `v > 0 ? v : 0`, and casts. Anything else raises NotElementwise with the reason; the
kernel then gets a skeleton instead.

The result is a small program over tiles (`ops`), rendered by migrate/lang/cuda/ascendc.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from migrate.lang.cuda.tsutil import text

DTYPES = {
    "float": "float", "half": "half", "__half": "half", "at::Half": "half", "c10::Half": "half",
    "__nv_bfloat16": "bfloat16_t", "at::BFloat16": "bfloat16_t", "c10::BFloat16": "bfloat16_t",
    "int": "int32_t", "int32_t": "int32_t",
}
ELEM_BYTES = {"float": 4, "half": 2, "bfloat16_t": 2, "int32_t": 4}
_UNARY = {"exp": "Exp", "expf": "Exp", "__expf": "Exp", "log": "Ln", "logf": "Ln", "__logf": "Ln",
          "sqrt": "Sqrt", "sqrtf": "Sqrt", "rsqrt": "Rsqrt", "rsqrtf": "Rsqrt", "fabs": "Abs", "fabsf": "Abs",
          "abs": "Abs"}
_MAX = {"max", "fmax", "fmaxf", "std::max", "::max"}
_MIN = {"min", "fmin", "fminf", "std::min", "::min"}
_BIN = {"+": "Add", "-": "Sub", "*": "Mul", "/": "Div"}
_SCALAR_BIN = {"+": "Adds", "*": "Muls"}
# (from, to) -> Ascend C RoundMode matching C++/CUDA conversion semantics
CASTS = {("half", "float"): "CAST_NONE", ("bfloat16_t", "float"): "CAST_NONE", ("float", "half"): "CAST_RINT",
         ("float", "bfloat16_t"): "CAST_RINT", ("float", "int32_t"): "CAST_TRUNC", ("int32_t", "float"): "CAST_NONE",
         ("half", "int32_t"): "CAST_TRUNC", ("int32_t", "half"): "CAST_NONE"}
_INDEX_FORMS = {"blockIdx.x*blockDim.x+threadIdx.x", "blockDim.x*blockIdx.x+threadIdx.x",
                "threadIdx.x+blockIdx.x*blockDim.x", "threadIdx.x+blockDim.x*blockIdx.x"}
_CCAST = re.compile(r"\((?:const)?(?:int|int64_t|int32_t|size_t|long|longlong|unsigned|unsignedint|uint32_t|uint64_t|index_t)\)")
_LOOPS = {"CUDA_1D_KERNEL_LOOP", "CUDA_KERNEL_LOOP", "HIP_1D_KERNEL_LOOP"}


class NotElementwise(Exception):
    pass


@dataclass
class Value:
    kind: str  # "tensor" | "scalar"
    ref: str  # tensor: local name; scalar: C++ expression
    dtype: str  # Ascend dtype, a template parameter, or "lit" for a bare literal


@dataclass
class Op:
    fn: str
    dst: str
    srcs: list[str]
    scalar: str | None = None
    round: str | None = None
    dtype: str = ""


@dataclass
class Program:
    index: str
    length: str  # the bound parameter
    inputs: list[tuple[str, str]] = field(default_factory=list)  # (param, dtype) loaded
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (param, dtype) stored
    scalars: list[tuple[str, str, str]] = field(default_factory=list)  # (param, cuda type, "float"|"int64_t")
    temps: list[tuple[str, str]] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    template: str | None = None  # the template type parameter name, if any


def dtype_of(cuda_type: str, template: str | None) -> str | None:
    t = re.sub(r"\s+", " ", cuda_type.replace("const", "")).strip()
    if template and t == template:
        return template
    return DTYPES.get(t)


def lower(kernel) -> Program:
    tparams = kernel.template_params
    template = None
    if tparams:
        if len(tparams) != 1 or not re.match(r"^(typename|class)\s+\w+$", tparams[0]):
            raise NotElementwise("template parameters other than one type")
        template = tparams[0].split()[-1]
    body = kernel.node.child_by_field_name("body")
    index, length, stmts = _loop(body, kernel)
    params = {p.name: p for p in kernel.params}
    if length not in params or params[length].pointer:
        raise NotElementwise(f"bound `{length}` is not a scalar parameter")
    prog = Program(index=index, length=length, template=template)
    lw = _Lowerer(prog, params, template)
    for s in stmts:
        lw.statement(s)
    lw.finish()
    return prog


def _norm(node) -> str:
    return _CCAST.sub("", re.sub(r"\s+", "", text(node)))


def _is_index_expr(node) -> bool:
    t = _norm(node)
    while t.startswith("(") and t.endswith(")"):
        t = t[1:-1]
    return t in _INDEX_FORMS


def _stmts(node) -> list:
    if node is None:
        return []
    if node.type == "compound_statement":
        return [c for c in node.named_children if c.type != "comment"]
    return [node]


def _loop(body, kernel):
    stmts = _stmts(body)
    if len(stmts) == 1 and stmts[0].type == "function_definition":  # CUDA_1D_KERNEL_LOOP(i, n) { ... }
        d = stmts[0].child_by_field_name("declarator")
        name = text(d.child_by_field_name("declarator")) if d is not None else ""
        if name in _LOOPS:
            ps = [text(p) for p in d.child_by_field_name("parameters").named_children]
            if len(ps) == 2:
                return ps[0], ps[1], _stmts(stmts[0].child_by_field_name("body"))
    if len(stmts) == 1 and stmts[0].type == "for_statement":
        f = stmts[0]
        init, cond, upd = (f.child_by_field_name(k) for k in ("initializer", "condition", "update"))
        idx = _decl_index(init)
        if idx and cond is not None and upd is not None and _bound(cond, idx) and _grid_stride(upd, idx):
            return idx, _bound(cond, idx), _stmts(f.child_by_field_name("body"))
        raise NotElementwise("a loop that is not a grid-stride loop over one index")
    if len(stmts) >= 2:
        idx = _decl_index(stmts[0])
        if idx:
            rest = stmts[1:]
            if len(rest) == 1 and rest[0].type == "if_statement" and rest[0].child_by_field_name("alternative") is None:
                n = _bound(rest[0].child_by_field_name("condition"), idx)
                if n:
                    return idx, n, _stmts(rest[0].child_by_field_name("consequence"))
            if rest[0].type == "if_statement":
                n = _bound(rest[0].child_by_field_name("condition"), idx, negated=True)
                cons = _stmts(rest[0].child_by_field_name("consequence"))
                if n and len(cons) == 1 and cons[0].type == "return_statement" and not cons[0].named_children:
                    return idx, n, rest[1:]
    raise NotElementwise("no one-element-per-thread index with a bounds check")


def _decl_index(node) -> str | None:
    if node is None or node.type != "declaration":
        return None
    decls = [c for c in node.children if c.type == "init_declarator"]
    if len(decls) != 1:
        return None
    d = decls[0]
    name, value = d.child_by_field_name("declarator"), d.child_by_field_name("value")
    if name is not None and name.type == "identifier" and value is not None and _is_index_expr(value):
        return text(name)
    return None


def _bound(cond, idx, negated=False) -> str | None:
    if cond is None:
        return None
    if cond.type == "condition_clause":
        cond = cond.child_by_field_name("value")
    while cond is not None and cond.type == "parenthesized_expression":
        cond = cond.named_children[0]
    if cond is None or cond.type != "binary_expression":
        return None
    op = text(cond.child_by_field_name("operator"))
    left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
    want_l, want_r = (">=", "<=") if negated else ("<", ">")
    strip = lambda n: re.sub(r"[()\s]", "", text(n))  # noqa: E731
    if op == want_l and strip(left) == idx and re.match(r"^\w+$", strip(right)):
        return strip(right)
    if op == want_r and strip(right) == idx and re.match(r"^\w+$", strip(left)):
        return strip(left)
    return None


def _grid_stride(upd, idx) -> bool:
    t = re.sub(r"\s+", "", text(upd))
    return t in (f"{idx}+=blockDim.x*gridDim.x", f"{idx}+=gridDim.x*blockDim.x")


class _Lowerer:
    def __init__(self, prog: Program, params: dict, template: str | None):
        self.prog = prog
        self.params = params
        self.template = template
        self.locals: dict[str, Value] = {}
        self.current: dict[str, Value] = {}  # pointer param -> value stored (reads after a store)
        self.loaded: dict[str, Value] = {}
        self.scalars: dict[str, Value] = {}
        self.n = 0

    # -- statements
    def statement(self, s) -> None:
        if s.type == "declaration":
            ty = s.child_by_field_name("type")
            decls = [c for c in s.children if c.type == "init_declarator"]
            if not decls:
                raise NotElementwise(f"declaration without a value: `{text(s)}`")
            for d in decls:
                name, value = d.child_by_field_name("declarator"), d.child_by_field_name("value")
                if name is None or name.type != "identifier" or value is None:
                    raise NotElementwise(f"unsupported declaration `{text(d)}`")
                v = self.expr(value)
                want = None if text(ty) == "auto" else dtype_of(text(ty), self.template)
                if text(ty) != "auto" and want is None:
                    raise NotElementwise(f"local of type `{text(ty)}`")
                if want is not None:
                    v = self.cast(v, want)
                self.locals[text(name)] = v
            return
        if s.type == "expression_statement" and s.named_children:
            e = s.named_children[0]
            if e.type == "assignment_expression":
                left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
                op = text(e.child_by_field_name("operator"))
                ptr = self.subscript(left)
                if ptr is None:
                    raise NotElementwise(f"assignment to `{text(left)}`")
                v = self.expr(right)
                if op != "=":
                    if op[:-1] not in _BIN:
                        raise NotElementwise(f"compound assignment `{op}`")
                    v = self.binary(op[:-1], self.load(ptr), v)
                dt = self.ptr_dtype(ptr)
                v = self.cast(v, dt)
                self.current[ptr] = v
                if ptr not in [o[0] for o in self.prog.outputs]:
                    self.prog.outputs.append((ptr, dt))
                return
        raise NotElementwise(f"statement `{text(s)[:60]}`")

    def finish(self) -> None:
        """Make each output's final value land in the output tile."""
        for ptr, dt in self.prog.outputs:
            v = self.current[ptr]
            out = f"{ptr}Out"
            producer = next((op for op in reversed(self.prog.ops) if op.dst == v.ref), None) if v.kind == "tensor" else None
            used_later = producer is not None and any(
                v.ref in op.srcs for op in self.prog.ops[self.prog.ops.index(producer) + 1:]) or \
                sum(1 for p, _ in self.prog.outputs if self.current[p].ref == v.ref) > 1
            if producer is not None and not used_later and v.ref.startswith("t"):
                producer.dst = out
                self.prog.temps = [t for t in self.prog.temps if t[0] != v.ref]
            elif v.kind == "tensor":
                self.prog.ops.append(Op("Muls", out, [v.ref], scalar=self.scalar_as("1", dt), dtype=dt))
            else:
                self.prog.ops.append(Op("Duplicate", out, [], scalar=self.scalar_as(v.ref, dt), dtype=dt))

    # -- expressions
    def subscript(self, node) -> str | None:
        if node.type != "subscript_expression":
            return None
        arg = node.child_by_field_name("argument")
        idx = node.child_by_field_name("indices")
        if arg is None or arg.type != "identifier" or idx is None:
            return None
        inner = [c for c in idx.named_children]
        if len(inner) != 1 or text(inner[0]).strip() != self.prog.index:
            raise NotElementwise(f"access `{text(node)}` is not at the thread's own index")
        p = self.params.get(text(arg))
        if p is None or not p.pointer:
            raise NotElementwise(f"`{text(arg)}` is not a pointer parameter")
        return p.name

    def ptr_dtype(self, name: str) -> str:
        dt = dtype_of(self.params[name].type, self.template)
        if dt is None:
            raise NotElementwise(f"element type `{self.params[name].type}` of `{name}`")
        return dt

    def load(self, ptr: str) -> Value:
        if ptr in self.current:
            return self.current[ptr]
        if ptr not in self.loaded:
            dt = self.ptr_dtype(ptr)
            self.prog.inputs.append((ptr, dt))
            self.loaded[ptr] = Value("tensor", f"{ptr}Local", dt)
        return self.loaded[ptr]

    def temp(self, dtype: str) -> str:
        name = f"t{self.n}"
        self.n += 1
        self.prog.temps.append((name, dtype))
        return name

    def emit(self, fn, srcs, dtype, scalar=None, round_=None) -> Value:
        dst = self.temp(dtype)
        self.prog.ops.append(Op(fn, dst, [s.ref for s in srcs], scalar=scalar, round=round_, dtype=dtype))
        return Value("tensor", dst, dtype)

    def scalar_as(self, expr: str, dtype: str) -> str:
        return f"static_cast<{dtype}>({expr})"

    def expr(self, node) -> Value:
        t = node.type
        if t == "parenthesized_expression":
            return self.expr(node.named_children[0])
        if t == "subscript_expression":
            return self.load(self.subscript(node))
        if t == "number_literal":
            return Value("scalar", text(node), "lit")
        if t == "identifier":
            name = text(node)
            if name in self.locals:
                return self.locals[name]
            p = self.params.get(name)
            if p is not None and not p.pointer:
                if name not in self.scalars:
                    ctype = re.sub(r"\bconst\b", "", p.type).strip()
                    dt = dtype_of(ctype, self.template)
                    if dt is None and ctype not in ("int64_t", "long", "double", "unsigned", "uint32_t", "size_t"):
                        raise NotElementwise(f"scalar `{name}` of type `{p.type}`")
                    store = "int64_t" if dt == "int32_t" or dt is None and ctype != "double" else "float"
                    self.prog.scalars.append((name, ctype, store))
                    self.scalars[name] = Value("scalar", name, dt or ctype)
                return self.scalars[name]
            raise NotElementwise(f"name `{name}`")
        if t == "unary_expression":
            op = text(node.child_by_field_name("operator"))
            v = self.expr(node.child_by_field_name("argument"))
            if op == "-":
                if v.kind == "scalar":
                    return Value("scalar", f"(-{v.ref})", v.dtype)
                return self.emit("Muls", [v], v.dtype, scalar=self.scalar_as("-1", v.dtype))
            if op == "+":
                return v
            raise NotElementwise(f"unary `{op}`")
        if t == "binary_expression":
            op = text(node.child_by_field_name("operator"))
            if op not in _BIN:
                raise NotElementwise(f"operator `{op}`")
            return self.binary(op, self.expr(node.child_by_field_name("left")), self.expr(node.child_by_field_name("right")))
        if t == "cast_expression":
            ty = node.child_by_field_name("type")
            return self.cast_to(text(ty), self.expr(node.child_by_field_name("value")))
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            args = [c for c in node.child_by_field_name("arguments").named_children if c.type != "comment"]
            if fn.type == "template_function" and text(fn.child_by_field_name("name")) == "static_cast" and len(args) == 1:
                targ = fn.child_by_field_name("arguments")
                return self.cast_to(text(targ)[1:-1], self.expr(args[0]))
            name = re.sub(r"\s+", "", text(fn))
            if len(args) == 1 and (name == self.template or name in DTYPES):  # functional cast: float(x)
                return self.cast_to(name, self.expr(args[0]))
            if name in _UNARY and len(args) == 1:
                v = self.expr(args[0])
                if v.kind == "scalar":
                    return Value("scalar", f"{name}({v.ref})", v.dtype)
                return self.emit(_UNARY[name], [v], v.dtype)
            if (name in _MAX or name in _MIN) and len(args) == 2:
                a, b = self.expr(args[0]), self.expr(args[1])
                return self.minmax("Max" if name in _MAX else "Min", a, b, name)
            raise NotElementwise(f"call `{name}`")
        if t == "conditional_expression":
            return self.relu_pattern(node)
        raise NotElementwise(f"expression `{text(node)[:40]}`")

    def relu_pattern(self, node) -> Value:
        cond = node.child_by_field_name("condition")
        cons, alt = node.child_by_field_name("consequence"), node.child_by_field_name("alternative")
        while cond.type == "parenthesized_expression":
            cond = cond.named_children[0]
        if cond.type == "binary_expression":
            op = text(cond.child_by_field_name("operator"))
            l, r = cond.child_by_field_name("left"), cond.child_by_field_name("right")
            zero = lambda n: re.fullmatch(r"0(\.0*)?[fF]?|0\.|\.0+[fF]?", text(n).strip()) is not None  # noqa: E731
            same = lambda a, b: re.sub(r"\s", "", text(a)) == re.sub(r"\s", "", text(b))  # noqa: E731
            x = None
            if op in (">", ">=") and zero(r) and same(l, cons) and zero(alt):
                x = l
            elif op in ("<", "<=") and zero(r) and same(l, alt) and zero(cons):
                x = l
            if x is not None:
                v = self.expr(x)
                if v.kind == "tensor":
                    return self.emit("Relu", [v], v.dtype)
        raise NotElementwise(f"conditional `{text(node)[:40]}`")

    def minmax(self, fn, a: Value, b: Value, name) -> Value:
        if a.kind == "scalar" and b.kind == "scalar":
            return Value("scalar", f"{name}({a.ref}, {b.ref})", a.dtype)
        if a.kind == "scalar":
            a, b = b, a
        if b.kind == "scalar":
            if fn == "Max" and re.fullmatch(r"0(\.0*)?[fF]?", b.ref.strip()):
                return self.emit("Relu", [a], a.dtype)
            return self.emit(fn + "s", [a], a.dtype, scalar=self.scalar_as(b.ref, a.dtype))
        self.same(a, b)
        return self.emit(fn, [a, b], a.dtype)

    def same(self, a: Value, b: Value) -> None:
        if a.dtype != b.dtype:
            raise NotElementwise(f"mixed element types {a.dtype} and {b.dtype} without a cast")

    def binary(self, op: str, a: Value, b: Value) -> Value:
        if a.kind == "scalar" and b.kind == "scalar":
            return Value("scalar", f"({a.ref} {op} {b.ref})", a.dtype if a.dtype != "lit" else b.dtype)
        if a.kind == "tensor" and b.kind == "tensor":
            self.same(a, b)
            return self.emit(_BIN[op], [a, b], a.dtype)
        tensor, scalar = (a, b) if a.kind == "tensor" else (b, a)
        dt = tensor.dtype
        if op in _SCALAR_BIN:
            return self.emit(_SCALAR_BIN[op], [tensor], dt, scalar=self.scalar_as(scalar.ref, dt))
        if op == "-" and a.kind == "tensor":
            return self.emit("Adds", [tensor], dt, scalar=self.scalar_as(f"-({scalar.ref})", dt))
        # scalar - tensor, tensor / scalar, scalar / tensor: exact via a broadcast tile
        dup = self.emit("Duplicate", [], dt, scalar=self.scalar_as(scalar.ref, dt))
        srcs = [dup, tensor] if a.kind == "scalar" else [tensor, dup]
        return self.emit(_BIN[op], srcs, dt)

    def cast_to(self, type_text: str, v: Value) -> Value:
        dt = dtype_of(type_text, self.template)
        if dt is None:
            raise NotElementwise(f"cast to `{type_text}`")
        return self.cast(v, dt)

    def cast(self, v: Value, dt: str) -> Value:
        if v.kind == "scalar":
            return Value("scalar", v.ref, dt if v.dtype == "lit" else v.dtype) if v.dtype in ("lit", dt) else \
                Value("scalar", self.scalar_as(v.ref, dt), dt)
        if v.dtype == dt:
            return v
        if self.template in (v.dtype, dt):
            raise NotElementwise(f"cast between `{v.dtype}` and `{dt}` in a template kernel")
        mode = CASTS.get((v.dtype, dt))
        if mode is None:
            raise NotElementwise(f"cast from {v.dtype} to {dt}")
        return self.emit("Cast", [v], dt, round_=mode)
