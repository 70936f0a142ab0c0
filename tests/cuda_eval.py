"""Test helpers: evaluate a CUDA elementwise kernel body and the Compute() of its generated
Ascend C port on sample values, independently of migrate's own lowering code."""

from __future__ import annotations

import math
import re
import struct

from migrate.lang.cuda.tsutil import parse, walk

STRIP = re.compile(r"\b(__aicore__|__gm__|__ubuf__|__vector__|__cube__)\b|extern \"C\" ")


def strip_ascend(src: str) -> str:
    """Remove Ascend C qualifiers so tree-sitter-cuda can check the syntax."""
    return STRIP.sub("", src).replace("GM_ADDR", "uint8_t*")


def f32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def f16(x: float) -> float:
    return struct.unpack("e", struct.pack("e", x))[0]


_ROUND = {"float": f32, "half": f16, "int32_t": lambda v: int(v)}


def _t(n) -> str:
    return n.text.decode()


class CudaEval:
    """Runs the per-element statements of a CUDA kernel for one index."""

    def __init__(self, fn_node, arrays: dict, scalars: dict):
        self.fn = fn_node
        self.arrays = arrays
        self.scalars = scalars

    def run(self, n: int) -> None:
        body = self.fn.child_by_field_name("body")
        for i in range(n):
            self.locals = {}
            self.block(body, i)

    def block(self, node, i):
        kids = [c for c in node.named_children if c.type != "comment"] if node.type == "compound_statement" else [node]
        for s in kids:
            if self.stmt(s, i) == "return":
                return "return"

    def stmt(self, s, i):
        t = s.type
        if t == "compound_statement":
            return self.block(s, i)
        if t == "function_definition":  # CUDA_1D_KERNEL_LOOP(idx, n) { ... }
            d = s.child_by_field_name("declarator")
            idx = _t(d.child_by_field_name("parameters").named_children[0])
            self.locals[idx] = i
            return self.block(s.child_by_field_name("body"), i)
        if t == "for_statement":  # grid-stride loop: this thread's first index is the element
            init = s.child_by_field_name("initializer")
            name = _t(init.child_by_field_name("declarator").child_by_field_name("declarator"))
            self.locals[name] = i
            if self.expr(s.child_by_field_name("condition"), i):
                return self.block(s.child_by_field_name("body"), i)
            return None
        if t == "declaration":
            ty = _t(s.child_by_field_name("type"))
            for d in s.children:
                if d.type == "init_declarator":
                    v = self.expr(d.child_by_field_name("value"), i)
                    self.locals[_t(d.child_by_field_name("declarator"))] = self.conv(ty, v)
            return None
        if t == "if_statement":
            if self.expr(s.child_by_field_name("condition").child_by_field_name("value"), i):
                return self.stmt(s.child_by_field_name("consequence"), i)
            return None
        if t == "return_statement":
            return "return"
        if t == "expression_statement":
            e = s.named_children[0]
            left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
            op = _t(e.child_by_field_name("operator"))
            arr = _t(left.child_by_field_name("argument"))
            idx = self.expr(left.child_by_field_name("indices").named_children[0], i)
            v = self.expr(right, i)
            if op != "=":
                v = self.binop(op[:-1], self.arrays[arr][0][idx], v)
            self.arrays[arr][0][idx] = _ROUND.get(self.arrays[arr][1], float)(v)
            return None
        raise AssertionError(f"test evaluator: statement {t}")

    def conv(self, ty, v):
        ty = ty.replace("const", "").strip()
        if ty in ("int", "int64_t", "int32_t", "long"):
            return int(v)
        if ty in ("__half", "half", "at::Half"):
            return f16(v)
        if ty == "float":
            return f32(v)
        return v

    def binop(self, op, a, b):
        if op == "/" and isinstance(a, int) and isinstance(b, int):
            return int(a / b)
        return {"+": a + b, "-": a - b, "*": a * b, "<": a < b, ">": a > b, ">=": a >= b, "<=": a <= b}.get(op) \
            if op != "/" else a / b

    def expr(self, e, i):
        t = e.type
        if t == "parenthesized_expression":
            return self.expr(e.named_children[0], i)
        if t == "number_literal":
            return float(_t(e).rstrip("fF")) if re.search(r"[.eE]|f$", _t(e)) else int(_t(e))
        if t == "identifier":
            name = _t(e)
            if name in self.locals:
                return self.locals[name]
            if name == "i" or name not in self.scalars:
                raise AssertionError(name)
            return self.scalars[name]
        if t == "field_expression" or t == "binary_expression" and "threadIdx" in _t(e):
            return i  # blockIdx.x * blockDim.x + threadIdx.x
        if t == "subscript_expression":
            arr = _t(e.child_by_field_name("argument"))
            return self.arrays[arr][0][self.expr(e.child_by_field_name("indices").named_children[0], i)]
        if t == "binary_expression":
            return self.binop(_t(e.child_by_field_name("operator")), self.expr(e.child_by_field_name("left"), i),
                              self.expr(e.child_by_field_name("right"), i))
        if t == "unary_expression":
            v = self.expr(e.child_by_field_name("argument"), i)
            return -v if _t(e.child_by_field_name("operator")) == "-" else v
        if t == "conditional_expression":
            c = self.expr(e.child_by_field_name("condition"), i)
            return self.expr(e.child_by_field_name("consequence" if c else "alternative"), i)
        if t == "cast_expression":
            return self.conv(_t(e.child_by_field_name("type")), self.expr(e.child_by_field_name("value"), i))
        if t == "call_expression":
            fn = e.child_by_field_name("function")
            args = [self.expr(a, i) for a in e.child_by_field_name("arguments").named_children]
            if fn.type == "template_function":
                return self.conv(_t(fn.child_by_field_name("arguments"))[1:-1], args[0])
            name = _t(fn)
            funcs = {"expf": math.exp, "exp": math.exp, "__expf": math.exp, "logf": math.log, "sqrtf": math.sqrt,
                     "rsqrtf": lambda v: 1 / math.sqrt(v), "fabsf": abs, "fmaxf": max, "fminf": min, "max": max, "min": min,
                     "scalar_t": float, "float": f32}
            return funcs[name](*args)
        raise AssertionError(f"test evaluator: expression {t}")


class AscendEval:
    """Interprets the Compute() of a generated Ascend C kernel on whole tiles."""

    def __init__(self, src: str, dtype_of_template: str = "float"):
        self.root = parse(strip_ascend(src).encode()).root_node
        assert not self.root.has_error
        self.tdt = dtype_of_template

    def compute(self, inputs: dict, scalars: dict, n: int) -> dict:
        fn = next(x for x in walk(self.root) if x.type == "function_definition"
                  and _t(x.child_by_field_name("declarator")).startswith("Compute("))
        env: dict = {}
        outs: dict = {}
        dtypes: dict = {}
        for s in fn.child_by_field_name("body").named_children:
            txt = _t(s)
            m = re.match(r"AscendC::LocalTensor<(\w+)> (\w+) = (\w+)\.template (DeQue|AllocTensor|Get)<\w+>\(\);", txt)
            if m:
                dt, name, q, how = m.groups()
                dtypes[name] = self.tdt if dt == "scalar_t" or dt == "T" else dt
                env[name] = list(inputs[q.removeprefix("inQueue_")]) if how == "DeQue" else [0.0] * n
                continue
            m = re.match(r"outQueue_(\w+)\.EnQue\((\w+)\);", txt)
            if m:
                outs[m.group(1)] = env[m.group(2)]
                continue
            m = re.match(r"AscendC::(\w+)\((.*)\);$", txt)
            if m:
                self.call(m.group(1), [a.strip() for a in _split(m.group(2))], env, dtypes, scalars, n)
        return outs

    def scalar(self, expr, scalars):
        e = re.sub(r"static_cast<\w+>", "", expr)
        e = re.sub(r"(\d)[fF]\b", r"\1", e)
        return eval(e, {"__builtins__": {}, "max": max, "min": min}, dict(scalars))  # noqa: S307

    def call(self, fn, args, env, dtypes, scalars, n):
        dst = args[0]
        r = _ROUND.get(dtypes[dst], float)
        if fn in ("Add", "Sub", "Mul", "Div", "Max", "Min"):
            a, b = env[args[1]], env[args[2]]
            op = {"Add": lambda x, y: x + y, "Sub": lambda x, y: x - y, "Mul": lambda x, y: x * y,
                  "Div": lambda x, y: x / y, "Max": max, "Min": min}[fn]
            env[dst] = [r(op(a[k], b[k])) for k in range(n)]
        elif fn in ("Adds", "Muls", "Maxs", "Mins"):
            a, s = env[args[1]], self.scalar(args[2], scalars)
            op = {"Adds": lambda x: x + s, "Muls": lambda x: x * s, "Maxs": lambda x: max(x, s), "Mins": lambda x: min(x, s)}[fn]
            env[dst] = [r(op(a[k])) for k in range(n)]
        elif fn == "Duplicate":
            s = self.scalar(args[1], scalars)
            env[dst] = [r(s)] * n
        elif fn == "Cast":
            a = env[args[1]]
            mode = args[2].rsplit("::", 1)[-1]
            conv = {"CAST_TRUNC": math.trunc, "CAST_NONE": lambda v: v, "CAST_RINT": lambda v: v}[mode]
            env[dst] = [r(conv(a[k])) for k in range(n)]
        else:
            a = env[args[1]]
            op = {"Exp": math.exp, "Ln": math.log, "Sqrt": math.sqrt, "Rsqrt": lambda v: 1 / math.sqrt(v),
                  "Abs": abs, "Relu": lambda v: max(v, 0.0)}[fn]
            env[dst] = [r(op(a[k])) for k in range(n)]


def _split(s: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "(<" and not cur.endswith(" "):
            depth += 1
        elif ch in ")>" and depth:
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out
