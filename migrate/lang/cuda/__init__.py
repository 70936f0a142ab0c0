"""The C/C++/CUDA handler: parse with tree-sitter-cuda, let each enabled rule's matcher report
findings with byte-span fixes, inventory kernels and generate their Ascend C ports.

Never edit inside or across an ERROR node: a fix that touches one is kept as an open finding
(`cuda-unparsed-region` says where the parser gave up). Macro bodies (`#define`) are parsed as
their own small documents so that `x.is_cuda()` in a CHECK macro is migrated too; a fix there
is subject to the same ERROR-node rule within the body.
"""

from __future__ import annotations

import re
from functools import cached_property

from migrate.context import FileContext, SkipFile
from migrate.lang.cuda import matchers, namespaces
from migrate.lang.cuda.tsutil import error_spans, parse, text, walk
from migrate.model import Edit, Safety

_INDEXED = {"preproc_include", "call_expression", "qualified_identifier", "identifier", "type_identifier",
            "function_definition", "field_expression", "function_declarator", "namespace_identifier",
            "preproc_arg", "preproc_def", "preproc_function_def", *namespaces.READ}


class CuDoc:
    """One parsed document: the file, or a macro body (then `offset` maps it into the file)."""

    def __init__(self, cf: "CuFile", source: bytes, offset: int = 0, macro: bool = False):
        self.cf = cf
        self.ctx = cf.ctx
        self.source = source
        self.offset = offset
        self.macro = macro
        self.parsed = _unstringify(source) if macro else _blank_qualifier_macros(source)  # what the parser read
        self.tree = parse(self.parsed)
        self.root = self.tree.root_node
        self.errors = error_spans(self.root)
        self.nodes: dict[str, list] = {t: [] for t in _INDEXED}
        self._texts: dict[str, list[str]] = {}
        self._qualified: list[tuple[object, str]] | None = None
        for n in walk(self.root):
            lst = self.nodes.get(n.type)
            if lst is not None:
                lst.append(n)

    def qualified_names(self) -> list[tuple[object, str]]:
        """(outermost qualified name node, its name without spaces) for each qualified_identifier
        node, in document order, worked out once for all the rules that read them."""
        if self._qualified is None:
            from migrate.lang.cuda.matchers import outermost_qualified, qualname

            names: dict[int, str] = {}  # by start: one outermost name per position
            self._qualified = []
            for q in self.nodes["qualified_identifier"]:
                top = outermost_qualified(q)
                name = names.get(top.start_byte)
                if name is None:
                    name = names[top.start_byte] = qualname(top)
                self._qualified.append((top, name))
        return self._qualified

    def texts(self, kind: str) -> list[str]:
        """The text of each node in `nodes[kind]`, decoded once for all the rules that read them."""
        got = self._texts.get(kind)
        if got is None:
            got = self._texts[kind] = [text(n) for n in self.nodes[kind]]
        return got

    def span(self, node) -> tuple[int, int]:
        return node.start_byte + self.offset, node.end_byte + self.offset

    def edit(self, node, new: str) -> Edit:
        s, e = self.span(node)
        return Edit(s, e, new)

    def insert(self, pos: int, new: str) -> Edit:
        return Edit(pos + self.offset, pos + self.offset, new)

    def text(self, node) -> str:
        return text(node)

    def claimed(self, node) -> bool:
        s, e = self.span(node)
        return any(a <= s and e <= b for a, b in self.cf.claims)

    def claim(self, node) -> None:
        self.cf.claims.append(self.span(node))


_STRINGIFY = re.compile(rb"(?<![#\w])#\s*([A-Za-z_]\w*)")


def _unstringify(body: bytes) -> bytes:
    """Make a macro body parse as C++ without moving a byte: `#x` -> `""` padded, `a##b` -> `a__b`."""
    body = body.replace(b"##", b"__")
    body = _STRINGIFY.sub(lambda m: b'"' + b" " * (len(m.group(0)) - 2) + b'"', body)
    return body + b"\n;"  # a body is usually an expression without its `;` (added past the end)


# Macros that expand to function qualifiers (`#define HOST_DEVICE_INLINE __host__ __device__ inline`):
# tree-sitter sees an unknown identifier before a declaration and gives up on it. They are blanked
# (same length, so offsets hold) in the text given to the parser, never in the file.
_QUALIFIER_MACROS = {b"HOST_DEVICE_INLINE", b"HOST_DEVICE", b"DEVICE_INLINE", b"HOST_INLINE", b"C10_HOST_DEVICE",
                     b"C10_DEVICE", b"C10_HOST", b"CUDA_CALLABLE", b"CUDA_HOSTDEV", b"__HOSTDEVICE__",
                     b"C10_ALWAYS_INLINE", b"TV_HOST_DEVICE_INLINE", b"TV_DEVICE_INLINE", b"TV_HOST_DEVICE",
                     b"TV_INLINE", b"FORCE_INLINE", b"C10_LAUNCH_BOUNDS_1", b"__HOST_DEVICE__"}
_QUAL_WORDS = {b"__host__", b"__device__", b"__forceinline__", b"inline", b"static", b"constexpr", b"__inline__",
               b"__noinline__", b"__global__"}
_DEFINE = re.compile(rb"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n]*)$", re.M)


# Export/visibility macros defined in another header (`SCATTER_API torch::Tensor f(...)`, `C10_API`,
# `FOO_INLINE_VARIABLE int x`): at the start of a line, before a declaration, by their usual spelling.
_EXPORT_MACRO = re.compile(rb"^([ \t]*)([A-Z][A-Z0-9_]*_(?:API|EXPORT|IMPORT|INLINE_VARIABLE|VISIBLE|HIDDEN))(?=[ \t]+[A-Za-z_])", re.M)


def _blank_qualifier_macros(source: bytes) -> bytes:
    if b"_API" in source or b"_EXPORT" in source or b"_IMPORT" in source or b"_INLINE_VARIABLE" in source \
            or b"_VISIBLE" in source or b"_HIDDEN" in source:
        source = _EXPORT_MACRO.sub(lambda m: m.group(1) + b" " * len(m.group(2)), source)
    names = set(_QUALIFIER_MACROS)
    for m in _DEFINE.finditer(source):
        words = m.group(2).split()
        if words and all(w in _QUAL_WORDS for w in words):
            names.add(m.group(1))
    present = [n for n in names if n in source]
    if not present:
        return source
    rx = re.compile(rb"(?<![\w#])(" + b"|".join(re.escape(n) for n in sorted(present, key=len, reverse=True)) + rb")\b(?![ \t]*\()")
    # not in the #define line itself
    out = bytearray(source)
    for m in rx.finditer(source):
        line_start = source.rfind(b"\n", 0, m.start()) + 1
        if re.match(rb"[ \t]*#", source[line_start:m.start()]):
            continue
        out[m.start():m.end()] = b" " * (m.end() - m.start())
    return bytes(out)


class CuFile:
    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        self.claims: list[tuple[int, int]] = []
        self.reorders: list = []
        self.main = CuDoc(self, ctx.source)
        self.docs = [self.main]
        for arg in self.main.nodes["preproc_arg"]:
            body = ctx.source[arg.start_byte:arg.end_byte]
            if body.strip():
                self.docs.append(CuDoc(self, body, arg.start_byte, macro=True))

    @cached_property
    def table(self):
        from migrate import tables

        return tables.load(self.ctx.settings.target)

    @property
    def newline(self) -> str:
        return "\r\n" if b"\r\n" in self.ctx.source else "\n"


def migrate(ctx: FileContext) -> None:
    if b"\0" in ctx.source:
        raise SkipFile("binary data in a C/C++ source; copied unchanged")
    if b"__aicore__" in ctx.source and b"kernel_operator.h" in ctx.source:
        return  # Ascend C already (e.g. files migrate generated on an earlier run)
    cf = ctx._cufile = CuFile(ctx)  # validate() reuses its parse of the unchanged source
    active = sorted(((r, matchers.get(r.matcher)) for r in ctx.rules.values()),
                    key=lambda rm: getattr(rm[1], "priority", 50))
    for r, m in active:
        for doc in cf.docs:
            if doc.macro and not getattr(m, "in_macros", True):
                continue
            m.file(doc, r)
    matchers.finish_reorders(cf)
    _guard_errors(cf)


def _guard_errors(cf: CuFile) -> None:
    """Fixes that touch an ERROR node (of the file or of a macro body) become open findings."""
    spans = [(a + d.offset, b + d.offset) for d in cf.docs for a, b in d.errors]
    if not spans:
        return
    for f in cf.ctx.findings:
        for e in f.edits:
            for a, b in spans:
                if e.start < b and a < e.end or (e.start == e.end and a < e.start < b):
                    f.edits = ()
                    f.safety = Safety.MANUAL
                    f.note = "touches code the C++/CUDA parser could not read; not rewritten"
                    break
            if not f.edits:
                break
    errors = cf.main.errors
    if errors:
        # once per file, at the first region: template-heavy headers (CUTLASS/CuTe) have thousands
        # (flashinfer's cute/arch/mma_sm90.hpp: 3,684), one finding each was noise, not work
        a, b = errors[0]
        if len(errors) == 1:
            cf.ctx.report("cuda-unparsed-region", a, max(b, a + 1))
        else:
            lines = [cf.ctx.lines.line_of(x) for x, _y in errors[:5]]
            where = ", ".join(map(str, lines)) + (", ..." if len(errors) > 5 else "")
            cf.ctx.report("cuda-unparsed-region", a, max(b, a + 1),
                          message=f"the C++/CUDA parser could not read {len(errors):,} regions of this file "
                                  f"(from lines {where}); nothing in them was rewritten")


_INCLUDE = re.compile(rb'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]', re.M)


def finalize(ctx: FileContext) -> list[Edit]:
    """Add each header the applied fixes need, once, after the last top-level #include."""
    wanted: list[str] = []
    for f in ctx.findings:
        if f.fixed:
            for req in f.requires:
                if req not in wanted:
                    wanted.append(req)
    if not wanted:
        return []
    present = {m.group(1).decode("utf-8", "replace") for m in _INCLUDE.finditer(ctx.source)}
    for f in ctx.findings:
        if f.fixed:
            for e in f.edits:
                for m in _INCLUDE.finditer(e.text.encode()):
                    present.add(m.group(1).decode())
                if f.rule == "cuda-include":
                    present.add(e.text.strip('<>"'))
    missing = [h for h in wanted if h not in present]
    if not missing:
        return []
    nl = "\r\n" if b"\r\n" in ctx.source else "\n"
    block = "".join(f'#include "{h}"{nl}' for h in missing)
    last = None
    for m in _INCLUDE.finditer(ctx.source):
        if _top_level(ctx.source, m.start()):
            last = m
    root = parse(_blank_qualifier_macros(ctx.source)).root_node  # the handler's own view (same byte offsets)
    if last is not None:
        end = ctx.source.find(b"\n", last.end())
        pos = len(ctx.source) if end == -1 else end + 1
        if _clean_spot(root, pos):
            return [Edit(pos, pos, (nl + block) if end == -1 else block)]
    pos = _after_leading_comments(ctx.source)
    if _clean_spot(root, pos):
        return [Edit(pos, pos, block)]
    # An `#include` line inside a comment or an unreadable region is no place for ours.
    line = ctx.source.count(b"\n", 0, pos) + 1
    raise SkipFile(f"the headers the fixes need ({', '.join(missing)}) have no safe place: the code near line {line} "
                   "is a comment or could not be parsed; copied unchanged")


def _clean_spot(root, pos: int) -> bool:
    """Between top-level constructs (or directly inside an include guard), outside every region
    the parser could not read: where an #include line can go without landing in a comment, a
    declaration or an ERROR node."""
    if any(a < pos < b for a, b in error_spans(root)):
        return False
    cur = root
    while True:
        inner = next((c for c in cur.children if c.start_byte < pos < c.end_byte), None)
        if inner is None:
            return True
        if inner.type not in ("preproc_ifdef", "preproc_if") or cur is not root:
            return False
        cur = inner


def _top_level(source: bytes, pos: int) -> bool:
    """Not inside an #if block (a guarded include is somebody's configuration choice)."""
    depth = 0
    for m in re.finditer(rb"^[ \t]*#[ \t]*(if|ifdef|ifndef|endif)\b", source[:pos], re.M):
        depth += -1 if m.group(1) == b"endif" else 1
    guard = re.match(rb"\s*(?://[^\n]*\n\s*|/\*.*?\*/\s*)*#\s*ifndef\s+(\w+)\s*\n\s*#\s*define\s+\1\b", source, re.S)
    return depth == 0 or (guard is not None and depth == 1)


def _after_leading_comments(source: bytes) -> int:
    m = re.match(rb"(?:\s*(?://[^\n]*|/\*.*?\*/))*[ \t]*\n?", source, re.S)
    pos = m.end() if m else 0
    m2 = re.match(rb"[ \t]*#[ \t]*pragma[ \t]+once[^\n]*\n", source[pos:])
    return pos + (m2.end() if m2 else 0)


def validate(ctx: FileContext, new_source: bytes) -> str | None:
    cf = getattr(ctx, "_cufile", None)
    if cf is not None and cf.main.parsed == ctx.source:  # no qualifier macro blanked: the same parse
        before = len(cf.main.errors)
    else:
        before = len(error_spans(parse(ctx.source).root_node))
    after = error_spans(parse(new_source).root_node)
    if len(after) > before:
        if before:  # the input already had unreadable code: the rewrite moved how the parser recovers
            line = ctx.source.count(b"\n", 0, after[0][0]) + 1
            raise SkipFile(f"code the C++/CUDA parser cannot read (near line {line}) makes the rewrite unsafe; "
                           "copied unchanged")
        return f"the C++/CUDA parser finds new errors near byte {after[0][0]}"
    return None
