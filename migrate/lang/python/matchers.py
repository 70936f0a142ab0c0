"""Python matchers: the code behind rules that cannot be pure data.

A rule in rules/python/*.yaml names its matcher; the matcher reads the rule's `options` (the
data: API tables, env-var maps, device keywords) and reports findings with fixes through the
file context. Matchers implement any of:
  chain(pf, rule, chain)   an attribute chain around a trigger hit (resolved through imports)
  string(pf, rule, node)   a string literal around a trigger hit
  imports(pf, rule, stmt)  each import statement
  file(pf, rule)           once per file
  cares(rule, qualname)    whether an imported name is worth scanning for
Two optional hints let the handler skip calls that would do nothing (speed only, never results):
  relevant(rule, qualname) False when chain() ignores a chain resolved to qualname
  resolved_only = True     chain() ignores chains that do not resolve through the imports
                           (or a method resolved_only(rule) when that depends on the rule)
Where a trigger word must stand for the matcher to act, so that a file whose hits all stand
elsewhere is not parsed (lang/python/live.py):
  reads = "code"           names in code only (chains, imports): no hit in a comment or string
  reads = "strings"        also string literals for which may_read(rule, content) is true
                           (content: the literal's bytes between its quotes)
  reads = "patterns"       where may_match(rule, source, where) finds a match it would report
  (no `reads`)             anywhere: the trigger word in the file is enough, as the byte prefilter says
  shim_only = True         acts only with --shim
"""

from __future__ import annotations

import re

from migrate.lang.python.index import Chain
from migrate.lang.python.tsutil import is_fstring, string_value, text, unwrap
from migrate.model import Edit, Effort, Safety, Severity
from migrate.registry import Registry

_MATCHERS = Registry("Python")
register = _MATCHERS.register
get = _MATCHERS.get
names = _MATCHERS.names


def match_pattern(qualname: str, pattern: str) -> bool:
    if pattern.endswith(".*"):
        base = pattern[:-2]
        return qualname == base or qualname.startswith(base + ".")
    return qualname == pattern


def options(rule) -> dict:
    """A rule's options, over those of the rule it names in `inherit` (sibling rules share tables)."""
    opts = rule.options
    if "inherit" in opts:
        from migrate.ruleset import rules_by_id

        opts = {**rules_by_id()[opts["inherit"]].options, **opts}
    return opts


def _replace(node, new: str) -> Edit:
    return Edit(node.start_byte, node.end_byte, new)


# --------------------------------------------------------------------------------------------
# torch.cuda.* -> torch.npu.*


def _npu_target(pf, rest: list[str], renames: dict) -> tuple[list[str], bool]:
    """Map torch.cuda.<rest> to torch_npu.npu.<rest'>; returns (rest', exists in the table)."""
    new = list(rest)
    if new and new[0] in renames:
        new[0] = renames[new[0]]
    table = pf.table
    full = "torch_npu.npu" + "".join("." + p for p in new)
    if table.has_python(full):
        return new, True
    # a member of a class or function the table knows as a leaf (e.g. Event.elapsed_time)
    for k in range(len(new) - 1, 0, -1):
        prefix = "torch_npu.npu." + ".".join(new[:k])
        if table.has_python(prefix):
            return new, not table.members(prefix) and not table.is_module(prefix)
    return new, False


@register("torch-cuda")
class TorchCuda:
    """Three roles share this matcher: `rewrite` (torch.cuda.X -> torch.npu.X when torch_npu has
    X), `unsupported` (a finding for every other X) and `caveat` (names that exist but behave
    differently)."""

    reads = "code"

    def resolved_only(self, rule) -> bool:
        """chain() ignores chains whose base is not an import, but for the `indirect` role."""
        return rule.options.get("role") != "indirect"

    def cares(self, rule, qualname: str) -> bool:
        return match_pattern(qualname, "torch.cuda.*")

    def relevant(self, rule, qualname: str) -> bool:
        """False when chain() does nothing for a chain resolved to `qualname`."""
        return rule.options.get("role") != "indirect" and match_pattern(qualname, "torch.cuda.*")

    def chain(self, pf, rule, chain: Chain) -> None:
        q = chain.qualname
        role = rule.options.get("role")
        if role == "indirect":
            return self._indirect(pf, rule, chain)
        if not q or not match_pattern(q, "torch.cuda.*"):
            return
        if chain.binding is not None and chain.binding.via_project:
            return  # the module that imports it from torch.cuda is migrated itself
        rest = q.split(".")[2:]
        bq_len = len(chain.binding.qualname.split("."))
        renames = options(rule).get("renames", {})
        if role == "caveat":
            advice = rule.options.get("caveats", {}).get(rest[0]) if rest else None
            if advice and _result_attribute(chain) not in options(rule).get("safe_attributes", {}).get(rest[0], ()):
                pf.ctx.report(rule, chain.top.start_byte, chain.top.end_byte, api=q, advice=advice, name=q)
            return
        opts = options(rule)
        absolute = opts.get("absolute", {})
        if rest and rest[0] in absolute:
            if role == "rewrite":
                expr, requires = _torch_expr(pf, absolute[rest[0]] + "".join("." + p for p in rest[1:]))
                pf.ctx.report(rule, chain.top.start_byte, chain.top.end_byte, edits=[_replace(chain.top, expr)],
                              requires=requires, api=q, old=q, new=absolute[rest[0]])
            return
        new_rest, ok = _npu_target(pf, rest, renames)
        if role == "unsupported":
            if not ok:
                hint = rule.options.get("advice", {}).get(rest[0] if rest else "", rule.options.get("default_advice", ""))
                pf.ctx.report(rule, chain.top.start_byte, chain.top.end_byte, api=q, name=q, advice=hint)
            return
        if role != "rewrite" or not ok:
            return
        if rest and (rest[0] in opts.get("no_rewrite", ())
                     or _result_attribute(chain) in opts.get("blocking_attributes", {}).get(rest[0], ())):
            return  # exists, but behaves differently here: torch-cuda-caveat asks a person
        guard = _guards_cuda_only_library(pf, chain.top, opts.get("cuda_only_libraries", ()))
        if guard:
            review = pf.ctx.rules.get(opts.get("guard_rule", ""))
            if review is not None:
                pf.ctx.report(review, chain.top.start_byte, chain.top.end_byte, api=q, name=q, library=guard)
            return
        edits = []
        cuda_idx = 1 - (bq_len - 1)  # index of the `cuda` identifier among the chain's parts
        if cuda_idx >= 1:
            edits.append(_replace(chain.parts[cuda_idx], "npu"))
        member_idx = 2 - (bq_len - 1)
        if rest and new_rest[0] != rest[0] and member_idx >= 1:
            edits.append(_replace(chain.parts[member_idx], new_rest[0]))
        if not edits:
            return  # the name comes from a from-import that the import rewrite handles
        new_q = "torch.npu" + "".join("." + p for p in new_rest)
        pf.ctx.report(rule, chain.top.start_byte, chain.top.end_byte, edits=edits, requires=("torch_npu",),
                      api=q, old=q, new=new_q)

    def _indirect(self, pf, rule, chain: Chain) -> None:
        """`self.torch.cuda.X` / `mod.cuda.X` on an unresolved base whose X is a torch.npu name."""
        if chain.qualname is not None:
            return
        names = chain.names
        for i in range(1, len(names) - 1):
            if names[i] == "cuda" and names[i - 1] in ("torch", "th"):
                rest = names[i + 1:]
                new_rest, ok = _npu_target(pf, rest, options(rule).get("renames", {}))
                if ok:
                    base = ".".join(names[:i])
                    pf.ctx.report(rule, chain.top.start_byte, chain.top.end_byte, api=".".join(names),
                                  name=".".join(names), base=base, new=f"{base}.npu." + ".".join(new_rest))
                return

    def imports(self, pf, rule, stmt) -> None:
        role = rule.options.get("role")
        if role not in ("rewrite", "unsupported"):
            return
        renames = options(rule).get("renames", {})
        items = pf.index.names_of(stmt)
        plan = {}
        for imp in items:
            q = imp.qualname
            if stmt.type == "import_statement":
                if imp.item.type != "aliased_import" or not match_pattern(q, "torch.cuda.*"):
                    continue  # `import torch.cuda` binds `torch`: nothing to change (`as tc` binds the module)
                rest = q.split(".")[2:]
            else:
                if not match_pattern(q, "torch.cuda.*"):
                    continue
                rest = q.split(".")[2:]
            absolute = options(rule).get("absolute", {})
            if len(rest) == 1 and rest[0] in absolute and stmt.type == "import_from_statement":
                plan[id(imp)] = (imp, rest, absolute[rest[0]].split("."), True)
                continue
            new_rest, ok = _npu_target(pf, rest, renames)
            plan[id(imp)] = (imp, rest, new_rest, ok)
        if not plan:
            return
        if role == "unsupported":
            for imp, rest, _new, ok in plan.values():
                if not ok:
                    hint = rule.options.get("advice", {}).get(rest[0] if rest else "", rule.options.get("default_advice", ""))
                    pf.ctx.report(rule, imp.item.start_byte, imp.item.end_byte, api=imp.qualname, name=imp.qualname, advice=hint)
            return
        if not all(ok for _i, _r, _n, ok in plan.values()):
            return  # leave the statement: the unsupported names are reported
        if stmt.type == "import_statement":
            edits = [_replace(imp.item.child_by_field_name("name"), "torch_npu.npu" + "".join("." + p for p in new))
                     for imp, _rest, new, _ok in plan.values()]
        else:
            mapping = {}
            absolute = options(rule).get("absolute", {})
            for imp, rest, new, _ok in plan.values():
                if len(rest) == 1 and rest[0] in absolute:
                    module, _, name = absolute[rest[0]].rpartition(".")
                else:
                    module = "torch_npu.npu" + "".join("." + p for p in new[:-1]) if new else "torch_npu"
                    name = new[-1] if new else "npu"
                mapping[id(imp)] = (module, name)
            edits = rewrite_from_import(pf, stmt, items, mapping)
        old = text(stmt)
        pf.ctx.report(rule, stmt.start_byte, stmt.end_byte, edits=edits, api=old.split()[1],
                      old=" ".join(old.split()), new="torch_npu.npu")


def _user_defined_method(pf, name: str) -> bool:
    # once per file and name, not per call site (a file can carry 100k `.cuda()` calls)
    cache = pf.__dict__.setdefault("_user_methods", {})
    if name not in cache:
        cache[name] = re.search(rb"^\s*def\s+" + re.escape(name.encode()) + rb"\s*\(\s*self\b",
                                pf.ctx.source, re.M) is not None
    return cache[name]


def _foreign_arguments(call, allowed) -> bool:
    """A `.cuda(...)` call with keywords that torch's Tensor/Module.cuda do not take."""
    args = call.child_by_field_name("arguments") if call is not None else None
    if args is None:
        return False
    positional = 0
    for a in args.named_children:
        if a.type == "keyword_argument":
            if text(a.child_by_field_name("name")) not in allowed:
                return True
        elif a.type in ("list_splat", "dictionary_splat", "comment"):
            continue
        else:
            positional += 1
    return positional > 1


def _result_attribute(chain: Chain) -> str | None:
    """For `torch.cuda.f(...).attr`: "attr"; else None."""
    call = chain.top.parent
    if call is None or call.type != "call" or call.child_by_field_name("function") != chain.top:
        return None
    attr = call.parent
    if attr is not None and attr.type == "attribute" and attr.child_by_field_name("object") == call:
        return text(attr.child_by_field_name("attribute"))
    return None


_CUSTOM_CUDA = re.compile(rb"\b(?!torch\b)(\w*[a-z0-9]_cuda\w*|cuda_\w+)\s*(\.\s*\w+\s*)?\(", re.I)
# a name that says CUDA or NVIDIA (`use_cuda`, `IS_NVIDIA`, `is_nvidia_gpu`), not the plain check
_CUDA_NAME = re.compile(r"\b(?!is_cuda\b|cuda\b)(\w*(?:cuda|nvidia)\w*)\b", re.I)


def path_words(path: str) -> list[str]:
    """The pieces of a file's path, split at `/`, `_`, `-` and `.`, in order: what a path "names"
    (`backends/triton_ascend/chunk.py` names ascend, `profile/nvtx.py` names nvtx)."""
    return re.split(r"[/_.-]", path)


def _enclosing(node, types):
    while node is not None and node.type not in types:
        node = node.parent
    return node


def _guards_cuda_only_library(pf, node, libraries, *, strict: bool = False) -> str | None:
    """Why a CUDA check at `node` guards a CUDA-only path, or None.

    On Ascend such a check must stay False (the portable path runs), so it is not rewritten:
      - the check sits in a function named after a CUDA-only library (is_flash_attn_available) or
        in one condition/statement with it (`HAS_TRITON and x.is_cuda`), or it is an `if` that
        only raises, with a message naming one (`raise ValueError("Triton attnres requires CUDA
        tensors")`), or it is a check (`is_available()`, strict ones below) in a module whose path
        names one (`backends/gluon.py`, `profile/nvtx.py`, `nn/conv/cugraph/base.py`);
      - strict (tensor checks, device-type comparisons): the condition names another CUDA or
        NVIDIA thing (`self._xielu_cuda_obj is not None and x.is_cuda`, `not IS_NVIDIA or
        x.device.type != 'cuda'`), the result is stored in a flag named so (`use_cuda =
        grad.is_cuda`, `IS_NVIDIA = platform == 'cuda'`: on Ascend it must stay False), or the
        enclosing function calls a custom CUDA kernel (`rwkv_cuda_kernel.forward(...)`).
    """
    func = _enclosing(node, ("function_definition",))
    texts = []
    if func is not None:
        texts.append(text(func.child_by_field_name("name")).lower())
    stmt = node
    while stmt.parent is not None and not (stmt.type.endswith("statement") or stmt.type.endswith("clause")
                                           or stmt.type in ("assignment", "block", "module")):
        stmt = stmt.parent
    cond = None
    if stmt.type in ("if_statement", "elif_clause", "while_statement"):
        cond = stmt.child_by_field_name("condition")
    elif stmt.type in ("expression_statement", "return_statement", "assignment", "assert_statement"):
        cond = stmt
    cond_text = text(cond) if cond is not None else ""
    texts.append(cond_text.lower())
    if stmt.type in ("if_statement", "elif_clause"):
        body = stmt.child_by_field_name("consequence")
        first = body.named_children[0] if body is not None and body.named_children else None
        if first is not None and first.type == "raise_statement":
            texts.append(text(first).lower())
    for lib in libraries:
        if any(lib in t for t in texts):
            return lib
    if strict or text(node).endswith("is_available"):  # checks, not every torch.cuda use
        parts = {w.lower() for w in path_words(pf.ctx.path)}
        lib = next((lib for lib in libraries if lib in parts), None)
        if lib is not None:  # `backends/gluon.py`, `profile/nvtx.py`: the module is that library's
            return lib
    if not strict:
        return None
    for m in _CUDA_NAME.finditer(cond_text):
        if not cond_text[:m.start()].endswith("torch.") and m.group(1) != "npu":
            return f"`{m.group(1)}`"
    if func is not None:
        body = pf.ctx.source[func.start_byte:func.end_byte]
        m = _CUSTOM_CUDA.search(body)
        if m:
            return f"the custom CUDA kernel `{m.group(1).decode()}`"
    return None


def rewrite_from_import(pf, stmt, items, mapping: dict) -> list[Edit]:
    """Edits that re-point some names of `from M import a, b as c` to new modules.

    mapping: id(ImportedName) -> (new_module, new_name). Local names never change: a renamed
    import gets `as <old local>`. When every name moves to the same module, only the module
    and the changed names are edited; otherwise the statement is split, one per module.
    """
    def item_text(imp, new_name):
        return new_name if new_name == imp.local else f"{new_name} as {imp.local}"

    modules = {mapping[id(i)][0] for i in items if id(i) in mapping}
    if len(modules) == 1 and all(id(i) in mapping for i in items):
        new_module = modules.pop()
        edits = [_replace(stmt.child_by_field_name("module_name"), new_module)]
        for imp in items:
            _m, new_name = mapping[id(imp)]
            if new_name != text(imp.item).split()[0] or imp.item.type == "dotted_name" and new_name != imp.local:
                edits.append(_replace(imp.item, item_text(imp, new_name)))
        return edits
    line_start = pf.ctx.source.rfind(b"\n", 0, stmt.start_byte) + 1
    indent = pf.ctx.source[line_start:stmt.start_byte].decode()
    indent = indent if not indent.strip() else ""
    groups: dict[str, list[str]] = {}
    keep = [text(i.item) for i in items if id(i) not in mapping]
    module = text(stmt.child_by_field_name("module_name"))
    if keep:
        groups[module] = keep
    for imp in items:
        if id(imp) in mapping:
            m, n = mapping[id(imp)]
            groups.setdefault(m, []).append(item_text(imp, n))
    stmts = [f"from {m} import {', '.join(names)}" for m, names in groups.items()]
    return [Edit(stmt.start_byte, stmt.end_byte, (pf.newline_at(stmt.start_byte) + indent).join(stmts))]


# --------------------------------------------------------------------------------------------
# .cuda() -> .npu(), .is_cuda -> .is_npu


@register("tensor-method")
class TensorMethod:
    reads = "code"

    def chain(self, pf, rule, chain: Chain) -> None:
        if len(chain.parts) < 2 and chain.top.type != "attribute":
            return  # a bare name, not a method
        last = chain.parts[-1]
        name = text(last)
        q = chain.qualname
        if q and (match_pattern(q, "torch.cuda.*") or q.split(".")[0] not in ("torch",)):
            return  # a module attribute (torch.cuda, a third-party module): not a tensor method
        parent = chain.top.parent
        called = parent is not None and parent.type == "call" and parent.child_by_field_name("function") == chain.top
        methods = rule.options.get("methods", {})
        attributes = rule.options.get("attributes", {})
        if name in methods and called:
            new = methods[name]
        elif name in attributes and not called:
            new = attributes[name]
        else:
            return
        if parent is not None and parent.type == "assignment" and parent.child_by_field_name("left") == chain.top:
            return  # someone sets .is_cuda/.cuda on their own object
        if name in attributes and chain.top.type == "attribute":
            base = pf.ctx.snippet(chain.top.start_byte, last.start_byte)  # e.g. "self."
            if re.search(rb"(^|[^\w.])" + re.escape(base.encode()) + re.escape(name.encode()) + rb"\s*=[^=]", pf.ctx.source):
                return  # the project's own attribute (`self.is_cuda = ...` in this file)

        def propose(api: str, message: str) -> None:  # the rename as an unsafe fix, with the reason
            pf.ctx.report(rule, chain.top.start_byte, chain.top.end_byte, edits=[_replace(last, new)],
                          safety=Safety.UNSAFE, api=api, message=message)

        if name in attributes:
            owner = _checked_instance_of(chain.top, pf.ctx.snippet(chain.top.start_byte, last.start_byte).rstrip(". \t"))
            if owner:
                return propose(f".{name}", f"`.{name}` of an object the same condition checks is a {owner}, not a "
                                           f"tensor: that class's own attribute; rename it to `.{new}` only if the "
                                           f"class has one")
            lib = _guards_cuda_only_library(pf, chain.top, options(rule).get("cuda_only_libraries", ()), strict=True)
            if lib:
                return propose(f".{name}", f"`.{name}` guards a CUDA-only path ({lib}): on Ascend it must stay False "
                                           f"until that path is ported; change it to `.{new}` only together with the port")
        elif _user_defined_method(pf, name) or _foreign_arguments(parent, rule.options.get("method_keywords", ())):
            return propose(f".{name}()", f"`.{name}(...)` may be a method of the project's own class (this file "
                                         f"defines `def {name}` or the call passes arguments Tensor.{name} does not "
                                         f"take); check before renaming it to `.{new}()`")
        pf.ctx.report(rule, chain.top.start_byte, chain.top.end_byte, edits=[_replace(last, new)],
                      requires=("torch_npu?",), api=f".{name}", old=f".{name}", new=f".{new}")


_TENSOR_TYPES = {"Tensor", "Parameter", "Module", "UntypedStorage", "TypedStorage"}


def _checked_instance_of(node, obj: str) -> str | None:
    """`isinstance(data, (Data, HeteroData)) and data.is_cuda`: the class names when the condition
    around `node` tests `obj` against classes none of which is a torch tensor, parameter or module
    (PyG's Data has its own `is_cuda` and no `is_npu`), else None."""
    if not obj:
        return None
    stmt = _enclosing(node, ("if_statement", "elif_clause", "while_statement", "conditional_expression",
                             "boolean_operator", "block", "module"))
    while stmt.parent is not None and stmt.parent.type == "boolean_operator":
        stmt = stmt.parent
    if stmt.type in ("block", "module"):
        return None
    cond = stmt.child_by_field_name("condition") if stmt.type in ("if_statement", "elif_clause", "while_statement") else stmt
    m = re.search(r"\bisinstance\(\s*" + re.escape(obj) + r"\s*,\s*\(?([\w.,\s]+?)\)?\s*\)", text(cond) if cond else "")
    if m is None:
        return None
    names = [n.strip() for n in m.group(1).split(",") if n.strip()]
    if not names or any(n.rsplit(".", 1)[-1] in _TENSOR_TYPES for n in names):
        return None
    return "/".join(n.rsplit(".", 1)[-1] for n in names)


# --------------------------------------------------------------------------------------------
# Strings that are devices, backends or environment variables, decided by where they stand


def _last_name(node) -> str | None:
    """The identifier a value is read from: `device`, `args.device` -> device, cfg['device'] -> device."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "identifier":
        return text(node)
    if node.type == "attribute":
        return text(node.child_by_field_name("attribute"))
    if node.type == "subscript":
        key = string_value(unwrap(node.child_by_field_name("subscript")))
        return key
    if node.type == "call":
        fn = node.child_by_field_name("function")
        name = _last_name(fn)
        if name == "str":  # str(x.device)
            args = node.child_by_field_name("arguments")
            if args is not None and args.named_child_count == 1:
                return _last_name(args.named_children[0])
        return name
    return None


def _callee(pf, call):
    """(qualname or None, last attribute name) of a call's function."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return None, None
    if fn.type == "identifier":
        b = pf.index.binding(text(fn), fn)
        return (b.qualname if b else None), text(fn)
    if fn.type == "attribute":
        ident = fn.child_by_field_name("attribute")
        chain = pf.index.chain_at(ident)
        return (chain.qualname if chain else None), text(ident)
    return None, None


def _value_position(node):
    """Climb from a string to the node whose context decides what it is: through parentheses,
    the branches of `a if c else b`, `x or "cuda"`, and list/tuple elements (choices=[...])."""
    cur = node
    while cur.parent is not None:
        p = cur.parent
        if p.type == "parenthesized_expression":
            cur = p
        elif p.type == "conditional_expression" and p.named_children and p.named_children[1] != cur:
            cur = p
        elif p.type == "boolean_operator":
            cur = p
        elif p.type in ("list", "tuple", "set"):
            cur = p
        else:
            break
    return cur


def string_role(pf, node, names_rx: re.Pattern, options: dict) -> str | None:
    """Why this string literal is a device/backend (a short reason), or None if it is not known to be."""
    cur = _value_position(node)
    p = cur.parent
    if p is None:
        return None
    if p.type == "keyword_argument":
        kw = text(p.child_by_field_name("name"))
        if kw in options.get("keywords", ()):
            return f"keyword {kw}="
        call = p.parent.parent if p.parent is not None else None
        if kw in ("default", "choices", "const") and call is not None and call.type == "call":
            q, last = _callee(pf, call)
            if last == "add_argument":
                args = call.child_by_field_name("arguments")
                flags = [string_value(a) for a in args.named_children if a.type == "string"]
                if any(f and names_rx.search(f.lstrip("-").replace("-", "_")) for f in flags):
                    return "argparse option"
        return None
    if p.type == "argument_list":
        call = p.parent
        q, last = _callee(pf, call)
        positional = [a for a in p.named_children if a.type not in ("keyword_argument", "comment")]
        pos = positional.index(cur) if cur in positional else -1
        if q and q in options.get("calls", {}) and pos == options["calls"][q]:
            return f"argument of {q}"
        if last in options.get("methods", ()) and pos == 0 and (q is None or not q.startswith("torch.cuda")):
            return f"argument of .{last}()"
        if last == "startswith" and call.child_by_field_name("function").type == "attribute":
            recv = call.child_by_field_name("function").child_by_field_name("object")
            if names_rx.search(_last_name(recv) or ""):
                return "startswith on a device"
        return None
    if p.type == "comparison_operator":
        others = [c for c in p.named_children if c != cur]
        for o in others:
            name = _last_name(o)
            if name and (names_rx.search(name) or (name == "type" and options.get("type_attr"))):
                return "comparison"
            if o.type == "call":
                q, last = _callee(pf, o)
                if last in options.get("getters", ()):
                    return "comparison"
        return None
    if p.type in ("assignment", "augmented_assignment"):
        if p.child_by_field_name("right") == cur:
            left = p.child_by_field_name("left")
            name = _last_name(left)
            if name and names_rx.search(name):
                return "assignment"
            if left.type == "identifier" and _used_as_device(pf, p, name, options):
                return "assignment to a name used as a device"
        return None
    if p.type in ("default_parameter", "typed_default_parameter"):
        name = text(p.child_by_field_name("name"))
        return "parameter default" if names_rx.search(name) else None
    if p.type == "pair" and p.child_by_field_name("value") == cur:
        key = string_value(unwrap(p.child_by_field_name("key")))
        return "config value" if key and names_rx.search(key) else None
    return None


def _used_as_device(pf, assignment, name: str, options: dict) -> bool:
    """`loc = "cuda:0"` and later `torch.load(f, map_location=loc)` in the same function."""
    scope = assignment
    while scope.parent is not None and scope.type not in ("function_definition", "module"):
        scope = scope.parent
    body = pf.ctx.source[assignment.end_byte:scope.end_byte]
    n = re.escape(name.encode())
    kws = b"|".join(re.escape(k.encode()) for k in options.get("keywords", ()))
    methods = b"|".join(re.escape(m.encode()) for m in options.get("methods", ()))
    pats = []
    if kws:
        pats.append(rb"\b(?:" + kws + rb")\s*=\s*" + n + rb"\b")
    if methods:
        pats.append(rb"\.(?:" + methods + rb")\(\s*" + n + rb"\s*[,)]")
    pats.append(rb"\btorch\.device\(\s*" + n + rb"\s*[,)]")
    return re.search(b"|".join(pats), body) is not None


_DEVICE_VALUE = re.compile(r"^cuda(:\d+)?$")
_DEVICE_TEMPLATE = re.compile(r"^cuda:(\{\w*\}|%d|%s|%i)?$")


def _template_position(node):
    """For "cuda:{}".format(i) or "cuda:%d" % i: the expression that produces the device."""
    p = node.parent
    if p is not None and p.type == "attribute" and text(p.child_by_field_name("attribute")) == "format" \
            and p.parent is not None and p.parent.type == "call":
        return p.parent
    if p is not None and p.type == "binary_operator" and p.child_by_field_name("left") == node \
            and text(p.child_by_field_name("operator")) in ("%", "+"):
        return p
    return None


def _lists_npu_already(node) -> bool:
    p = node.parent
    if p is None or p.type not in ("list", "tuple", "set"):
        return False
    return any((string_value(c) or "").startswith("npu") for c in p.named_children)


@register("device-string")
class DeviceString:
    """"cuda"/"cuda:N"/f"cuda:{i}" -> npu where the string stands as a device."""

    reads = "strings"

    def may_read(self, rule, content: bytes) -> bool:
        return content.startswith(b"cuda")  # every device value below starts so

    def string(self, pf, rule, node) -> None:
        opts = rule.options
        if opts.get("role") == "review":
            return  # device-string reports it through _unclear
        rx = _names_rx(opts)
        if node.parent is not None and node.parent.type == "concatenated_string":
            return  # a piece of `"..." f"on cuda:{i}, ..."`: the value is the whole text, a message
        if is_fstring(node):
            parts = [c for c in node.children if c.type not in ("string_start", "string_end")]
            if len(parts) != 2 or parts[0].type != "string_content" or parts[1].type != "interpolation":
                return  # a device f-string is f"cuda:{i}" and nothing more; f"on cuda:{i}, ..." is prose
            first = parts[0]
            if text(first) != "cuda:":
                return  # f"cuda:0-{x}" and the like: not a device we understand
            if string_role(pf, node, rx, opts) is None and not opts.get("fstring_anywhere"):
                return self._unclear(pf, rule, node, text(node))
            pf.ctx.report(rule, node.start_byte, node.end_byte,
                          edits=[Edit(first.start_byte, first.start_byte + 4, "npu")],
                          requires=("torch_npu?",), api=text(node), old=text(node), new=text(node).replace("cuda:", "npu:", 1))
            return
        value = string_value(node)
        if value is not None and _DEVICE_TEMPLATE.match(value):
            expr = _template_position(node)
            if expr is not None and string_role(pf, expr, rx, opts):
                content = [c for c in node.children if c.type == "string_content"][0]
                new = "npu" + value[4:]
                pf.ctx.report(rule, node.start_byte, node.end_byte,
                              edits=[Edit(content.start_byte, content.start_byte + 4, "npu")],
                              requires=("torch_npu?",), api=value, old=value, new=new)
            return
        if value is None or not _DEVICE_VALUE.match(value):
            if value is not None and value.startswith("cuda") and string_role(pf, node, rx, opts):
                pf.ctx.report(rule, node.start_byte, node.end_byte, api=value, old=value, new="npu",
                              message=f"device string {value!r} is not a plain CUDA device; migrate it by hand")
            return
        role = string_role(pf, node, rx, opts)
        if role is None:
            return self._unclear(pf, rule, node, value)
        if _lists_npu_already(node):
            return  # ["cuda", "xpu", "npu"]: the code already accepts NPU devices
        content = [c for c in node.children if c.type == "string_content"][0]
        new = "npu" + value[4:]
        edits = [Edit(content.start_byte, content.start_byte + 4, "npu")]
        if role == "comparison":
            guard = _guards_cuda_only_library(pf, node, options(rule).get("cuda_only_libraries", ()), strict=True)
            if guard:
                pf.ctx.report(rule, node.start_byte, node.end_byte, edits=edits, safety=Safety.UNSAFE, api=value,
                              message=f"device check `{value}` guards a CUDA-only path ({guard}): on Ascend it must stay "
                                      f"False until that path is ported; change it to {new!r} only together with the port")
                return
        pf.ctx.report(rule, node.start_byte, node.end_byte, edits=edits,
                      requires=("torch_npu?",), api=value, old=value, new=new)

    def _unclear(self, pf, rule, node, value):
        review = pf.ctx.rules.get(rule.options.get("review_rule", ""))
        if review is not None:
            pf.ctx.report(review, node.start_byte, node.end_byte, api=value, value=value)


_BACKEND_VALUE = r"(nccl|(cuda|cpu):(nccl|gloo)(,(cuda|cpu):(nccl|gloo))*)"
_BACKEND_BYTES = re.compile(_BACKEND_VALUE.encode())


@register("backend-string")
class BackendString:
    """"nccl" -> "hccl" where the string is a process-group backend."""

    resolved_only = True  # chain() ignores chains whose base is not an import (qualname None)
    reads = "strings"

    def may_read(self, rule, content: bytes) -> bool:
        return _BACKEND_BYTES.fullmatch(content) is not None

    def string(self, pf, rule, node) -> None:
        value = string_value(node)
        if value is None or "nccl" not in value:
            return
        opts = rule.options
        if opts.get("role") == "review":
            return  # nccl-backend reports it when it cannot tell
        if not re.fullmatch(_BACKEND_VALUE, value):
            return
        role = string_role(pf, node, _names_rx(opts), opts)
        if role is None:
            if value == "nccl":
                review = pf.ctx.rules.get(opts.get("review_rule", ""))
                if review is not None:
                    pf.ctx.report(review, node.start_byte, node.end_byte, api=value, value=value)
            return
        new = value.replace("cuda:", "npu:").replace("nccl", "hccl")
        content = [c for c in node.children if c.type == "string_content"][0]
        pf.ctx.report(rule, node.start_byte, node.end_byte, edits=[_replace(content, new)],
                      requires=("torch_npu?",), api=value, old=value, new=new)

    def relevant(self, rule, qualname: str) -> bool:
        return qualname in rule.options.get("constants", {})

    def chain(self, pf, rule, chain: Chain) -> None:
        q = chain.qualname
        if q in rule.options.get("constants", {}):
            new = rule.options["constants"][q]
            pf.ctx.report(rule, chain.top.start_byte, chain.top.end_byte, edits=[_replace(chain.top, new)],
                          requires=("torch_npu?",), api=q, old=text(chain.top), new=new)


_NAMES_CACHE: dict[str, re.Pattern] = {}


def _names_rx(opts) -> re.Pattern:
    src = opts.get("names", r"^$")
    rx = _NAMES_CACHE.get(src)
    if rx is None:
        rx = _NAMES_CACHE[src] = re.compile(src, re.I)
    return rx


def _env_names(opts) -> tuple[frozenset, tuple]:
    """The names an env-var rule acts on, and the prefixes of those it may act on (EnvVar.string)."""
    names = frozenset(opts.get("renames", {})) | frozenset(opts.get("advice", {}))
    return names, tuple(opts.get("prefix_renames", {})) + tuple(opts.get("prefixes", ()))


@register("env-var")
class EnvVar:
    """Environment variable names in string literals: renamed where Ascend has a twin, else a finding."""

    reads = "strings"

    def may_read(self, rule, content: bytes) -> bool:
        names, prefixes = _memo(rule, "env")
        value = content.decode("utf-8", "replace")
        return value in names or value.startswith(prefixes)

    def string(self, pf, rule, node) -> None:
        value = string_value(node)
        if value is None:
            return
        opts = options(rule)
        renames = opts.get("renames", {})
        new = renames.get(value)
        if new is None:
            for old_prefix, new_prefix in opts.get("prefix_renames", {}).items():
                suffix = value[len(old_prefix):]
                if value.startswith(old_prefix) and suffix in opts.get("prefix_suffixes", {}).get(old_prefix, ()):
                    new = new_prefix + suffix
        if _is_docstring(node):
            return
        if new is not None and opts.get("role") == "rename":
            content = [c for c in node.children if c.type == "string_content"][0]
            pf.ctx.report(rule, node.start_byte, node.end_byte, edits=[_replace(content, new)], api=value, old=value, new=new)
        elif new is None and opts.get("role") == "unsupported":
            advice = opts.get("advice", {}).get(value)
            if advice is None and any(value.startswith(p) for p in opts.get("prefixes", ())) and re.fullmatch(r"[A-Z0-9_]+", value):
                advice = opts.get("default_advice")
            if advice and pf.ctx.first_time((rule.id, value)):  # once per file, at its first use, as in scripts
                pf.ctx.report(rule, node.start_byte, node.end_byte, api=value, name=value, advice=advice)


def _is_docstring(node) -> bool:
    p = node.parent
    return p is not None and p.type == "expression_statement" and p.named_child_count == 1


# --------------------------------------------------------------------------------------------
# Generic API rules: data-only entries {match, message, suggestion, replace}


# id(rule) -> (rule, {qualname: answer}): the same names recur across a repo's files; the rule is
# kept alive with its memo so its id cannot be reused
_MEMO: dict[int, tuple[object, dict]] = {}


def _memo(rule, kind: str):
    """The rule's memo of `kind` (_MEMO_KINDS), made at the first ask."""
    got = _MEMO.get(id(rule))
    if got is None or got[0] is not rule:
        got = _MEMO[id(rule)] = (rule, {})
    memo = got[1]
    value = memo.get(kind)
    if value is None:
        value = memo[kind] = _MEMO_KINDS[kind](rule)
    return value


_MEMO_KINDS = {
    "entry": lambda rule: {},  # qualname -> (entry, pattern) of an api rule
    "cares": lambda rule: {},  # qualname -> whether an api rule cares about it
    # the first parts of an api rule's patterns
    "roots": lambda rule: frozenset(pat.split(".", 1)[0] for entry in rule.options.get("apis", ()) for pat in entry["match"]),
    "env": lambda rule: _env_names(options(rule)),  # (names, prefixes) an env-var rule may act on
}


def _outside_patterns(rule, qualname: str) -> bool:
    """`qualname` starts none of the rule's api patterns' first parts (transformers.x, the project's
    own): a pattern matches names under its own first part only (`torch.cuda.*`: torch...), and a
    pattern's base that starts with `qualname.` starts with its first part too, so no entry matches
    it and no entry cares about it, without the scan."""
    return qualname.split(".", 1)[0] not in _memo(rule, "roots")


def _entry_for(rule, qualname: str):
    memo = _memo(rule, "entry")
    got = memo.get(qualname)
    if got is None:
        got = memo[qualname] = _find_entry(rule, qualname)
    return got


def _find_entry(rule, qualname: str):
    if _outside_patterns(rule, qualname):
        return None, None
    for entry in rule.options.get("apis", ()):
        for pat in entry["match"]:
            if match_pattern(qualname, pat):
                return entry, pat
    return None, None


def _decorated_by(node):
    """The decorated_definition whose decorator is `node` (`@x.y` or `@x.y(...)`), else None."""
    p = node.parent
    if p is not None and p.type == "call" and p.child_by_field_name("function") == node:
        p = p.parent
    if p is None or p.type != "decorator" or p.parent is None or p.parent.type != "decorated_definition":
        return None
    return p.parent


def _wrapped_name(node) -> str | None:
    """`k = triton.jit(k)` / `k = triton.heuristics({...})(k)` at `triton.jit`: "k" (the name the
    wrapped function is bound to), else None."""
    call = node
    while call.parent is not None and call.parent.type == "call" and call.parent.child_by_field_name("function") == call:
        call = call.parent
    p = call.parent
    if call is node or p is None or p.type != "assignment" or p.child_by_field_name("right") != call:
        return None
    left = p.child_by_field_name("left")
    return text(left) if left is not None and left.type == "identifier" else None


def _is_assignment_target(node) -> bool:
    p = node.parent
    while p is not None and p.type in ("pattern_list", "tuple_pattern", "list_pattern"):
        node, p = p, p.parent
    return p is not None and p.type in ("assignment", "augmented_assignment") and p.child_by_field_name("left") == node


def _torch_expr(pf, qualname: str) -> tuple[str, tuple[str, ...]]:
    """How to spell `qualname` in this file, and the import it needs."""
    head, _, rest = qualname.partition(".")
    if head == "torch_npu":
        return qualname, ("torch_npu",)
    if match_pattern(qualname, "torch.npu.*"):
        aliases = pf.index.aliases_of("torch")
        return (f"{aliases[0]}.{rest}" if aliases else qualname), ("torch_npu",) if aliases else ("torch", "torch_npu")
    aliases = pf.index.aliases_of(head)
    if aliases:
        return f"{aliases[0]}.{rest}" if rest else aliases[0], ()
    return qualname, (head,)


@register("api")
class Api:
    resolved_only = True  # chain() ignores chains whose base is not an import (qualname None)
    reads = "code"

    def cares(self, rule, qualname: str) -> bool:
        memo = _memo(rule, "cares")
        got = memo.get(qualname)
        if got is None:
            got = memo[qualname] = self._cares(rule, qualname)
        return got

    def relevant(self, rule, qualname: str) -> bool:
        return _entry_for(rule, qualname)[0] is not None

    def _cares(self, rule, qualname: str) -> bool:
        if _outside_patterns(rule, qualname):
            return False
        for entry in rule.options.get("apis", ()):
            for pat in entry["match"]:
                base = pat[:-2] if pat.endswith(".*") else pat
                if match_pattern(qualname, pat) or base.startswith(qualname + "."):
                    return True
        return False

    def _report(self, pf, rule, node, qualname, entry, edits=(), requires=(), definition=None):
        fmt = {"api": qualname, "replace": entry.get("replace", ""), "definition": definition or qualname}
        msg = entry.get("message")
        sugg = entry.get("suggestion")
        enum = lambda cls, key: cls(entry[key]) if key in entry else None  # noqa: E731
        pf.ctx.report(rule, node.start_byte, node.end_byte,
                      message=msg.format(**fmt) if msg else None,
                      suggestion=sugg.format(**fmt) if sugg else None,
                      edits=edits, requires=requires, api=qualname,
                      severity=enum(Severity, "severity"), safety=enum(Safety, "safety"), effort=enum(Effort, "effort"),
                      replace=fmt["replace"])

    def chain(self, pf, rule, chain: Chain) -> None:
        q = chain.qualname
        if not q:
            return
        entry, pat = _entry_for(rule, q)
        if entry is None or entry.get("skip"):
            return
        if len(chain.parts) == 1 and _is_assignment_target(chain.top):
            return  # `cp = None` in an ImportError fallback rebinds the name; it is not a use
        b = chain.binding
        if b.via_project:
            self._report(pf, rule, chain.top, q, entry)  # re-exported: report the use, fix the source module
            return
        if b.from_module is not None and entry.get("replace") and _entry_for(rule, b.qualname)[0] is entry:
            # rewritten at the import, the local name stays: the use carries the import's fix,
            # so it is fixed exactly when the import is (the engine applies identical edits once)
            self._report(pf, rule, chain.top, q, entry, self._import_edits(pf, rule, b.stmt))
            return
        definition = None
        if entry.get("once_per_definition"):
            # a decorator stack (`@triton.autotune(...)`, `@triton.heuristics(...)`, `@triton.jit`)
            # is one kernel: one finding, at its first decorator this rule reports
            # (or `k = triton.jit(k)`, `k = triton.heuristics({...})(k)`: one kernel, named by `k`)
            decorated = _decorated_by(chain.top)
            if decorated is not None:
                name = decorated.child_by_field_name("definition")
                name = name.child_by_field_name("name") if name is not None else None
                definition = text(name) if name is not None else None
                key = decorated.start_byte
            else:
                definition = _wrapped_name(chain.top)
                key = definition
            if key is not None:
                seen = pf.__dict__.setdefault("_once_per_definition", set())
                if (rule.id, key) in seen:
                    return
                seen.add((rule.id, key))
        edits, requires = (), ()
        target = entry.get("replace")
        if target and q == pat:
            expr, requires = _torch_expr(pf, target)
            top = chain.top
            if entry.get("replace_calls_only") and not (top.parent and top.parent.type == "call"):
                target = None
            else:
                edits = [_replace(top, expr)]
        self._report(pf, rule, chain.top, q, entry, edits, requires, definition)

    def _import_edits(self, pf, rule, stmt) -> list[Edit]:
        items = pf.index.names_of(stmt)
        mapping = {}
        for imp in items:
            entry, pat = _entry_for(rule, imp.qualname)
            if entry is not None and entry.get("replace") and imp.qualname == pat and stmt.type == "import_from_statement":
                mod, _, name = entry["replace"].rpartition(".")
                mapping[id(imp)] = (mod, name)
        return rewrite_from_import(pf, stmt, items, mapping) if mapping else []

    def imports(self, pf, rule, stmt) -> None:
        items = pf.index.names_of(stmt)
        mapping, reported = {}, []
        for imp in items:
            entry, pat = _entry_for(rule, imp.qualname)
            if entry is None or entry.get("skip") or not entry.get("at_import", True):
                continue
            reported.append((imp, entry))
            target = entry.get("replace")
            if target and imp.qualname == pat and stmt.type == "import_from_statement":
                mod, _, name = target.rpartition(".")
                mapping[id(imp)] = (mod, name)
        if not reported:
            return
        edits = rewrite_from_import(pf, stmt, items, mapping) if mapping else []
        for imp, entry in reported:
            # every replaced name carries the statement's one combined fix (the engine dedupes it)
            self._report(pf, rule, imp.item, imp.qualname, entry, edits if id(imp) in mapping else ())


# --------------------------------------------------------------------------------------------
# Source patterns (performance advice for hand-written ops)


def _literal_lines(src: bytes, literals) -> list[tuple[int, int]]:
    """Byte ranges to search for a pattern whose matches start on a line holding one of
    `literals`: each such line and the next one (a match may run on, e.g. `\\s*\\(`), merged."""
    starts = set()
    for lit in literals:
        lit = lit.encode()
        i = src.find(lit)
        while i != -1:
            ls = src.rfind(b"\n", 0, i) + 1
            starts.add(ls)
            nl = src.find(b"\n", i)
            if nl == -1:
                break
            i = src.find(lit, nl)  # the rest of this line is covered
    out: list[tuple[int, int]] = []
    for ls in sorted(starts):
        le = src.find(b"\n", ls)
        le = len(src) if le == -1 else src.find(b"\n", le + 1)
        le = len(src) if le == -1 else le
        if out and ls <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], le))
        else:
            out.append((ls, le))
    return out


_PATTERNS: dict[str, re.Pattern] = {}


@register("pattern")
class Pattern:
    """Regexes over the source, reported where a match does not start in a comment, nor in a
    string literal unless the entry says `in_strings`. An entry's optional `literals` (strings
    every match contains on the line where it starts) limit the search to those lines: same
    matches, far less work."""

    reads = "patterns"

    def file(self, pf, rule) -> None:
        root = pf.root
        for entry, m in _pattern_matches(rule, pf.ctx.source):
            node = root.descendant_for_byte_range(m.start(), m.start())
            if node is None or node.type == "comment":
                continue
            if node.type in _IN_STRING and not entry.get("in_strings"):
                continue
            pf.ctx.report(rule, m.start(), m.end(), message=entry.get("message"),
                          suggestion=entry.get("suggestion"), api=entry.get("api"))

    def may_match(self, rule, src: bytes, where) -> bool:
        """Whether file() may report in `src`, told by `where(offset)` whether an offset is in
        "code", a "comment" or a "string" (lang/python/live.py, before a parse)."""
        for entry, m in _pattern_matches(rule, src):
            at = where(m.start())
            if at == "code" or (at == "string" and entry.get("in_strings")):
                return True
        return False


# the nodes of a plain string literal's own text (not those of an f-string's braces)
_IN_STRING = frozenset({"string_start", "string_content", "escape_sequence", "string_end"})


def _pattern_matches(rule, src: bytes):
    for entry in rule.options.get("patterns", ()):
        rx = _PATTERNS.get(entry["regex"])
        if rx is None:
            rx = _PATTERNS[entry["regex"]] = re.compile(entry["regex"].encode(), re.M)
        literals = entry.get("literals")
        for start, end in _literal_lines(src, literals) if literals else [(0, len(src))]:
            for m in rx.finditer(src, start, end):
                yield entry, m


# --------------------------------------------------------------------------------------------
# --shim: Huawei's runtime shim in entry scripts


@register("shim-entry")
class ShimEntry:
    shim_only = True  # reads the raw text (no `reads`), with --shim only

    def file(self, pf, rule) -> None:
        if not pf.ctx.settings.shim:
            return
        src = pf.ctx.source
        m = re.search(rb"^if\s+__name__\s*==\s*['\"]__main__['\"]\s*:", src, re.M)
        if m is None:
            return
        if b"transfer_to_npu" in src:
            return
        pf.ctx.report(rule, m.start(), m.end(), edits=[Edit(m.start(), m.start(), "")],
                      requires=("from torch_npu.contrib import transfer_to_npu",), safety=Safety.SAFE)


@register("handler")
class Handler:
    """Rules whose findings the Python handler itself produces (see lang/python/__init__.py)."""

    reads = "code"  # it turns other rules' findings into its own


# --------------------------------------------------------------------------------------------
# Triton kernel launches: `kernel[grid](...)` of a function decorated with @triton.jit


@register("triton-launch")
class TritonLaunch:
    reads = "code"  # kernels decorated through an import of triton, launched in code

    def file(self, pf, rule) -> None:
        from migrate.lang.python.tsutil import captures

        decorators = rule.options.get("decorators", ())
        # a decorator resolves to one of these only through an import of it or of a module above it
        if not any(d == c.qualname or d.startswith(c.qualname + ".")
                   for cands in pf.index.imports.values() for c in cands for d in decorators):
            return
        kernels = set()
        for deco in captures("(decorated_definition (decorator) @d)", pf.root).get("d", []):
            expr = deco.named_children[0] if deco.named_children else None
            if expr is not None and expr.type == "call":
                expr = expr.child_by_field_name("function")
            if expr is None:
                continue
            ident = expr.child_by_field_name("attribute") if expr.type == "attribute" else expr
            chain = pf.index.chain_at(ident) if ident is not None and ident.type == "identifier" else None
            if chain and chain.qualname in decorators:
                definition = deco.parent.child_by_field_name("definition")
                if definition is not None:
                    kernels.add(text(definition.child_by_field_name("name")))
        if not kernels:
            return
        rx = re.compile(rb"\b(" + b"|".join(re.escape(k.encode()) for k in sorted(kernels)) + rb")\s*\[")
        for m in rx.finditer(pf.ctx.source):
            node = pf.root.descendant_for_byte_range(m.start(1), m.end(1))
            sub = node.parent if node is not None else None
            if sub is None or sub.type != "subscript" or sub.parent is None or sub.parent.type != "call":
                continue
            call = sub.parent
            pf.ctx.report(rule, call.start_byte, call.end_byte, api=m.group(1).decode(), kernel=m.group(1).decode())


from migrate.lang.python import build_matchers  # noqa: E402,F401  (registers build-file matchers)
