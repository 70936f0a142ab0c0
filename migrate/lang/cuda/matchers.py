"""C/C++/CUDA matchers: the code behind rules/cuda/*.yaml. Each reads its rule's `options` (the
mapping tables) and reports findings with byte-span fixes through the document's context.

A matcher has `file(doc, rule)`, called once per parsed document (the file and each macro
body), and a `priority` (lower runs first: call rewrites claim their nodes before renames).
"""

from __future__ import annotations

import re

from migrate.lang.cuda.namespaces import _norm
from migrate.lang.cuda.tsutil import call_args, text
from migrate.model import Edit, Safety, Severity
from migrate.registry import Registry

_MATCHERS = Registry("C/C++/CUDA")
register = _MATCHERS.register
get = _MATCHERS.get
names = _MATCHERS.names


def _enum(value, cls):
    return cls(value) if value is not None else None


def _entry_kw(entry: dict) -> dict:
    return {"severity": _enum(entry.get("severity"), Severity), "safety": _enum(entry.get("safety"), Safety)}


def _fmt(message, **values):
    """An entry's own message with its placeholders filled ({old}, {new}, {api}, {header}, ...)."""
    if message is None:
        return None
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), message)


def qualname(node) -> str:
    return _norm(text(node))


def outermost_qualified(node):
    while node.parent is not None and node.parent.type == "qualified_identifier":
        node = node.parent
    return node


# --------------------------------------------------------------------------------------------
# #include <cuda header> -> the torch_npu / ACL / HCCL header


@register("include")
class Include:
    priority = 10
    in_macros = False

    def file(self, doc, rule) -> None:
        headers: dict = rule.options["headers"]
        prefixes = {k: v for k, v in headers.items() if k.endswith("/")}
        emitted: set[str] = set()
        for inc in doc.nodes["preproc_include"]:
            path_node = inc.child_by_field_name("path")
            if path_node is None or path_node.type not in ("string_literal", "system_lib_string"):
                continue
            raw = text(path_node)
            name = raw[1:-1].strip()
            entry = headers.get(name)
            if entry is None:
                entry = next((v for k, v in prefixes.items() if name.startswith(k)), None)
            if entry is None:
                continue
            target = entry.get("to")
            if target is None:
                msg = entry.get("message")
                doc.ctx.report(rule, *doc.span(inc), message=msg.format(header=name) if msg else None,
                               suggestion=entry.get("suggestion"),
                               api=name, severity=_enum(entry.get("severity"), Severity), header=name)
                continue
            if target in emitted or _already_included(doc, target, inc):
                s, e = doc.span(inc)
                end = e if doc.ctx.source[e - 1:e] == b"\n" else e
                doc.ctx.report(rule, s, end, edits=[Edit(s, end, "")], api=name, header=name,
                               message=f"`{name}` -> already included `{target}`: line removed")
                continue
            emitted.add(target)
            new = raw[0] + target + raw[-1]
            doc.ctx.report(rule, *doc.span(path_node), edits=[doc.edit(path_node, new)], api=name,
                           message=_fmt(entry.get("message"), header=name, target=target, api=name),
                           header=name, target=target)


def _already_included(doc, target: str, current) -> bool:
    for inc in doc.nodes["preproc_include"]:
        if inc is current:
            continue
        p = inc.child_by_field_name("path")
        if p is not None and text(p)[1:-1].strip() == target:
            return True
    return False


# --------------------------------------------------------------------------------------------
# names: identifiers, types and qualified names (1:1 renames, or findings where none exists)


_TARGS = re.compile(r"<.*")  # template arguments to the end: `c10::optional<at::Half>` -> `c10::optional`


@register("rename")
class Rename:
    priority = 60

    def file(self, doc, rule) -> None:
        names: dict = rule.options["names"]
        qualified = {k: v for k, v in names.items() if "::" in k}
        plain = {k: v for k, v in names.items() if "::" not in k}
        unknown = rule.options.get("report_unknown")
        looks_unknown = re.compile(unknown["regex"]).match if unknown else None
        ns = _namespaces(doc) if qualified else None
        seen: set[int] = set()
        reported: set[str] = set()
        if qualified or unknown:
            for top, name in doc.qualified_names():
                if top.start_byte in seen:
                    continue
                entry, node = qualified.get(name), top
                if entry is None:
                    # `at::cuda::CUDAGuard` inside `c10::optional<at::cuda::CUDAGuard>` etc.: try the
                    # name without template arguments
                    base = _TARGS.sub("", name)
                    entry = qualified.get(base) if base != name else None
                    if entry is not None:
                        node = _prefix_node(top, base)
                if entry is None and ns is not None:
                    if self._resolved(doc, rule, top, _TARGS.sub("", name), qualified, ns):
                        seen.add(top.start_byte)
                        continue
                full = _TARGS.sub("", name)
                if entry is None and unknown and ns is not None and not looks_unknown(full):
                    full = next((c for c, _ in ns.candidates(full, top) if looks_unknown(c)), full)
                if entry is None and unknown and looks_unknown(full):
                    seen.add(top.start_byte)
                    if not doc.claimed(top):
                        api = full
                        doc.ctx.report(rule, *doc.span(top), api=api, message=unknown["message"].replace("{api}", api),
                                       suggestion=unknown.get("suggestion"),
                                       severity=Severity(unknown.get("severity", "error")))
                    continue
                if entry is None or node is None:
                    continue
                seen.add(top.start_byte)
                self._hit(doc, rule, node, name if node is top else _TARGS.sub("", name), entry)
        if plain:
            # a plain name the namespaces can make a table name of: the last part of one (after
            # `using namespace at::cuda;`), or a namespace alias (Namespaces.candidates)
            resolvable = {k.rsplit("::", 1)[-1] for k in qualified} | {e[2] for e in ns.aliases} if ns is not None else set()
            for kind in ("identifier", "type_identifier", "namespace_identifier"):
                for n, name in zip(doc.nodes[kind], doc.texts(kind)):
                    entry = plain.get(name)
                    loose = entry is None and unknown is not None and kind != "namespace_identifier" and \
                        looks_unknown(name) is not None
                    if entry is None and not loose and (ns is None or kind == "namespace_identifier" or name not in resolvable):
                        continue
                    if n.parent is not None and n.parent.type == "qualified_identifier":
                        continue  # part of a qualified name: handled above (or not ours)
                    if n.parent is not None and n.parent.type in ("function_declarator", "preproc_def",
                                                                  "preproc_function_def", "enumerator",
                                                                  "using_declaration"):
                        continue  # a declaration of the same name
                    if n.parent is not None and n.parent.type == "init_declarator" and \
                            n.parent.child_by_field_name("declarator").start_byte == n.start_byte:
                        continue
                    if entry is None:
                        if ns is not None and self._resolved(doc, rule, n, name, qualified, ns):
                            continue
                        if loose and not (n.parent is not None and n.parent.type == "call_expression") \
                                and not doc.claimed(n) and name not in reported and name not in _declared(doc):
                            reported.add(name)  # once per file: a type is usually spelled many times
                            doc.ctx.report(rule, *doc.span(n), api=name, message=unknown["message"].replace("{api}", name),
                                           suggestion=unknown.get("suggestion"),
                                           severity=Severity(unknown.get("severity", "error")))
                        continue
                    self._hit(doc, rule, n, name, entry)
        if ns is not None:
            for node, space in ns.cuda_directives():
                if not doc.claimed(node):
                    what = text(node).strip().rstrip(";")
                    doc.ctx.report(rule, *doc.span(node), api=f"using namespace {space}", severity=Severity.WARNING,
                                   message=f"`{what};`: the migrated includes no longer declare "
                                           f"`{space}`; the names used through it were migrated to qualified names "
                                           f"or are reported",
                                   suggestion="delete the directive once no name in the file needs it")

    def _resolved(self, doc, rule, node, name: str, qualified: dict, ns) -> bool:
        """`getCurrentCUDAStream()` after `using namespace at::cuda;`, `cu::CUDAGuard` after
        `namespace cu = c10::cuda;`: rewritten to the full target when exactly one table name fits
        and the file does not declare the name itself; reported when unsure."""
        hits = [(full, via, qualified[full]) for full, via in ns.candidates(name, node) if full in qualified]
        if not hits:
            return False
        targets = {(e if isinstance(e, str) else e.get("to")) for _, _, e in hits}
        full, via, entry = hits[0]
        short = name.split("::")[-1]
        if len(targets) > 1 or short in ns.declared:
            why = ("the file also declares `" + short + "`" if short in ns.declared
                   else "it could mean " + " or ".join(f"`{h[0]}`" for h in hits))
            doc.ctx.report(rule, *doc.span(node), api=full, severity=Severity.WARNING,
                           message=f"`{name}` may be `{full}` (through {via}), but {why}: not rewritten",
                           suggestion=f"write the qualified name, then run migrate again")
            return True
        self._hit(doc, rule, node, full, entry, via=f"`{name}` is `{full}` through {via}")
        return True

    def _hit(self, doc, rule, node, name: str, entry, via: str | None = None) -> None:
        if doc.claimed(node):
            return
        if isinstance(entry, str):
            entry = {"to": entry}
        to = entry.get("to")
        kw = _entry_kw(entry)
        if via is not None and to is not None:
            msg = _fmt(entry.get("message") or rule.message, old=name, new=to, api=name)
            doc.ctx.report(rule, *doc.span(node), edits=[doc.edit(node, to)], api=name,
                           requires=tuple(entry.get("requires", ())), message=f"{msg} ({via})",
                           suggestion=entry.get("suggestion"), old=name, new=to, **kw)
            return
        if to is None:
            msg = entry.get("message")
            doc.ctx.report(rule, *doc.span(node), message=msg.replace("{api}", name) if msg else f"`{name}` has no Ascend equivalent",
                           suggestion=entry.get("suggestion"), api=name, effort=_enum(entry.get("effort"), _Effort()),
                           severity=kw["severity"])
            return
        doc.ctx.report(rule, *doc.span(node), edits=[doc.edit(node, to)], api=name, requires=tuple(entry.get("requires", ())),
                       message=_fmt(entry.get("message"), old=name, new=to, api=name),
                       suggestion=entry.get("suggestion"), old=name, new=to, **kw)


def _namespaces(doc, active_only: bool = True):
    ns = getattr(doc, "namespaces", None)
    if ns is None:
        from migrate.lang.cuda.namespaces import Namespaces

        ns = doc.namespaces = Namespaces(doc.root, doc.nodes)
    return ns if ns.active and not doc.macro or not active_only else None


def _declared(doc) -> set[str]:
    """Names the document (for a macro body: the file) declares: `cudaError_t cudaStatus = ...`."""
    return _namespaces(doc.cf.main, active_only=False).declared


def _Effort():
    from migrate.model import Effort

    return Effort


def _prefix_node(top, base: str):
    """The qualified_identifier child chain of `top` spanning exactly `base` (before template args)."""
    stack = [top]
    while stack:
        n = stack.pop()
        if n.type in ("qualified_identifier", "template_type", "template_function") and qualname(n) == base:
            return n
        stack.extend(n.named_children)
    return None


# --------------------------------------------------------------------------------------------
# calls with argument changes: cudaMemcpy -> aclrtMemcpy (destMax), ncclCommInitRank -> ...


_SLOT = re.compile(r"\{(\d+)\}")


def _fill(template: str, args: list[str]) -> str:
    return _SLOT.sub(lambda m: args[int(m.group(1))], template)


@register("call")
class Call:
    """options.calls: name -> {to, insert: {i: text}, append: text, prepend: text, cast: {i: text},
    drop: [i], order: [template...], nargs: n, requires: [...], message, safety, severity}.
    `{k}` in a text is the source of argument k. `to: null` reports the call (no equivalent)."""

    priority = 20

    def file(self, doc, rule) -> None:
        calls: dict = rule.options["calls"]
        unknown = rule.options.get("report_unknown")
        for call in doc.nodes["call_expression"]:
            fn = call.child_by_field_name("function")
            if fn is None or fn.type not in ("identifier", "qualified_identifier"):
                continue
            name = qualname(fn)
            entry = calls.get(name)
            if entry is None:
                if unknown and re.match(unknown["regex"], name):
                    doc.ctx.report(rule, *doc.span(call), api=name,
                                   message=unknown["message"].replace("{api}", name),
                                   suggestion=unknown.get("suggestion"), severity=Severity(unknown.get("severity", "error")))
                continue
            doc.claim(fn)
            self._rewrite(doc, rule, call, fn, name, entry)

    def _rewrite(self, doc, rule, call, fn, name, entry) -> None:
        kw = _entry_kw(entry)
        to = entry.get("to")
        args = call_args(call)
        arg_texts = [text(a) for a in args]
        if to is None:
            msg = entry.get("message")
            doc.ctx.report(rule, *doc.span(call), message=msg.replace("{api}", name) if msg else f"`{name}` has no Ascend equivalent",
                           suggestion=_fill(entry["suggestion"], arg_texts) if entry.get("suggestion") and _fits(entry["suggestion"], arg_texts) else entry.get("suggestion"),
                           api=name, severity=kw["severity"], effort=_enum(entry.get("effort"), _Effort()))
            return
        nargs = entry.get("nargs")
        if nargs is not None and len(args) != nargs or not _fits_entry(entry, arg_texts):
            doc.ctx.report(rule, *doc.span(call), api=name,
                           message=f"`{name}` with {len(args)} arguments: rewrite to `{to}` by hand",
                           suggestion=entry.get("message"), severity=kw["severity"])
            return
        edits = [doc.edit(fn, to)]
        arglist = call.child_by_field_name("arguments")
        if "order" in entry:
            self._reorder(doc, rule, call, fn, name, entry, args, arglist, kw)
            return
        for i, t in (entry.get("cast") or {}).items():
            a = args[int(i)]
            if not re.match(r"\s*(\(\s*void\s*\*\s*\*\s*\)|reinterpret_cast\s*<\s*void\s*\*\s*\*\s*>|static_cast\s*<\s*void\s*\*\s*\*\s*>)", text(a)):
                edits.append(doc.insert(a.start_byte, t))
        for i, t in (entry.get("insert") or {}).items():
            edits.append(doc.insert(args[int(i)].start_byte, _fill(t, arg_texts)))
        if "prepend" in entry:
            sep = "" if not args else ", "
            edits.append(doc.insert(arglist.start_byte + 1, _fill(entry["prepend"], arg_texts) + sep))
        if "append" in entry:
            t = _fill(entry["append"], arg_texts)
            edits.append(doc.insert(arglist.end_byte - 1, (", " + t) if args else t))
        for i in sorted(entry.get("drop") or (), reverse=True):
            i = int(i)
            start = args[i - 1].end_byte if i > 0 else args[i].start_byte
            end = args[i].end_byte if i > 0 else args[i + 1].start_byte
            s, e = start + doc.offset, end + doc.offset
            edits.append(Edit(s, e, ""))
        doc.ctx.report(rule, *doc.span(call), edits=edits, api=name, requires=tuple(entry.get("requires", ())),
                       message=_fmt(entry.get("message"), old=name, new=to, api=name),
                       suggestion=entry.get("suggestion"), old=name, new=to, **kw)

    def _reorder(self, doc, rule, call, fn, name, entry, args, arglist, kw) -> None:
        """Arguments move: the whole argument list is rewritten, with the fixes other rules
        proposed inside it folded in (their findings are dropped: this one covers them)."""
        doc.cf.reorders.append((rule, call, fn, name, entry, args, arglist, kw, doc))


def _fits(template: str, args: list[str]) -> bool:
    return all(int(m.group(1)) < len(args) for m in _SLOT.finditer(template))


def _fits_entry(entry: dict, args: list[str]) -> bool:
    idx = [int(i) for key in ("cast", "insert") for i in (entry.get(key) or {})]
    idx += [int(i) for i in entry.get("drop") or ()]
    texts = [t for key in ("insert",) for t in (entry.get(key) or {}).values()]
    texts += [entry[k] for k in ("append", "prepend") if k in entry] + [str(t) for t in entry.get("order", ())]
    return all(i < len(args) for i in idx) and all(_fits(t, args) for t in texts)


def finish_reorders(cf) -> None:
    """After every matcher ran: write the argument lists that `call` reorders."""
    from migrate.engine import apply_edits

    for (crule, call, fn, name, entry, args, arglist, kw, d) in getattr(cf, "reorders", []):
        s, e = d.span(arglist)
        inner = [f for f in cf.ctx.findings if f.edits and all(s <= x.start and x.end <= e for x in f.edits)]
        local = [Edit(x.start - s, x.end - s, x.text) for f in inner for x in f.edits]
        new_list = apply_edits(cf.ctx.source[s:e], local).decode("utf-8")
        new_args = _split_args(new_list, [(a.start_byte - arglist.start_byte, a.end_byte - arglist.start_byte) for a in args], local)
        body = ", ".join(_fill(str(t), new_args) for t in entry["order"])
        for f in inner:
            cf.ctx.findings.remove(f)
        cf.ctx.report(crule, *d.span(call), edits=[d.edit(fn, entry["to"]), Edit(s, e, "(" + body + ")")], api=name,
                      requires=tuple(entry.get("requires", ())),
                      message=_fmt(entry.get("message"), old=name, new=entry["to"], api=name),
                      suggestion=entry.get("suggestion"), old=name, new=entry["to"], **kw)
    cf.reorders = []


def _split_args(new_list: str, old_spans, local_edits) -> list[str]:
    """The argument texts after the folded-in edits (spans shift by the edits before them)."""
    out = []
    for a, b in old_spans:
        shift_a = sum(len(x.text) - (x.end - x.start) for x in local_edits if x.end <= a)
        shift_b = sum(len(x.text) - (x.end - x.start) for x in local_edits if x.end <= b)
        out.append(new_list[a + shift_a:b + shift_b])
    return out


# --------------------------------------------------------------------------------------------
# x.is_cuda() -> torch_npu::utils::is_npu(x)


@register("method-to-function")
class MethodToFunction:
    priority = 30

    def file(self, doc, rule) -> None:
        methods: dict = rule.options["methods"]
        for call in doc.nodes["call_expression"]:
            fn = call.child_by_field_name("function")
            if fn is None or fn.type != "field_expression":
                continue
            field = fn.child_by_field_name("field")
            obj = fn.child_by_field_name("argument")
            if field is None or obj is None or call_args(call):
                continue
            entry = methods.get(text(field))
            if entry is None:
                continue
            op = fn.child_by_field_name("operator")
            deref = "*" if op is not None and text(op) == "->" else ""
            edits = [doc.insert(call.start_byte, entry["to"] + "(" + deref),
                     Edit(obj.end_byte + doc.offset, call.end_byte + doc.offset, ")")]
            doc.ctx.report(rule, *doc.span(call), edits=edits, api="." + text(field) + "()",
                           requires=tuple(entry.get("requires", ())), old=text(field), new=entry["to"])


# --------------------------------------------------------------------------------------------
# TORCH_LIBRARY_IMPL(ns, CUDA, m) -> TORCH_LIBRARY_IMPL(ns, PrivateUse1, m)


@register("macro-argument")
class MacroArgument:
    priority = 40

    def file(self, doc, rule) -> None:
        macros: dict = rule.options["macros"]
        for kind, list_field in (("call_expression", "arguments"), ("function_declarator", "parameters")):
            for n in doc.nodes[kind]:
                fn = n.child_by_field_name("function" if kind == "call_expression" else "declarator")
                if fn is None:
                    continue
                entry = macros.get(text(fn))
                if entry is None:
                    continue
                lst = n.child_by_field_name(list_field)
                items = [c for c in lst.named_children if c.type != "comment"] if lst is not None else []
                i = entry["index"]
                if len(items) <= i or text(items[i]).strip() not in entry["values"]:
                    continue
                old = text(items[i]).strip()
                doc.claim(items[i])
                doc.ctx.report(rule, *doc.span(items[i]), edits=[doc.edit(items[i], entry["values"][old])],
                               api=f"{text(fn)}(..., {old}, ...)", macro=text(fn), old=old, new=entry["values"][old])


# --------------------------------------------------------------------------------------------
# cuBLAS / cuDNN / cuRAND / Thrust / CUB / cutlass: findings with the nearest Ascend route


@register("library-use")
class LibraryUse:
    priority = 70

    def file(self, doc, rule) -> None:
        libs = rule.options["libraries"]
        # one test for all libraries first: most names belong to none
        prefixes = tuple(p for lib in libs for p in lib["prefixes"])
        spaces = {x for lib in libs for x in lib.get("namespaces", ())}
        seen: set[tuple[str, int]] = set()
        for kind in ("identifier", "type_identifier", "namespace_identifier"):
            for n, name in zip(doc.nodes[kind], doc.texts(kind)):
                if not name.startswith(prefixes) and name not in spaces:
                    continue
                for lib in libs:
                    if any(name.startswith(p) for p in lib["prefixes"]) or name in lib.get("namespaces", ()):
                        if kind == "namespace_identifier" and name not in lib.get("namespaces", ()):
                            continue
                        if kind != "namespace_identifier" and name in lib.get("namespaces", ()) and not any(name.startswith(p) for p in lib["prefixes"]):
                            continue
                        key = (lib["name"], doc.ctx.lines.position(doc.span(n)[0])[0])
                        if key in seen:
                            break
                        seen.add(key)
                        doc.ctx.report(rule, *doc.span(n), message=lib["message"], suggestion=lib.get("suggestion"),
                                       api=name, library=lib["name"])
                        break


@register("none")
class NoMatcher:
    """For rules the handler itself reports (e.g. cuda-unparsed-region)."""

    priority = 0

    def file(self, doc, rule) -> None:
        return None
from migrate.lang.cuda import kernel_rules  # noqa: E402,F401  (registers the kernel matchers)
