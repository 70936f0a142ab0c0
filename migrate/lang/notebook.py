"""Jupyter notebooks: code cells go through the Python rules, `!cmd` lines, `%env` and
`%%bash` cells through the shell rules; markdown, outputs and metadata are never touched.

The notebook is not re-serialised. Each cell's `source` strings are located in the original
JSON text (tree-sitter-json), decoded, migrated as one Python text per cell (IPython magics
masked to same-length comments first), and every edit is mapped back to a byte span inside the
JSON string it came from, re-escaped in the file's own style (ensure_ascii or not). So the diff
shows only the changed source lines, and the engine's conflict, review and suppression logic
works on the notebook as on any file. A finding says `cell N, line L:` and points at the JSON
line of that source line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from migrate import engine, ruleset
from migrate.context import FileContext, SkipFile
from migrate.lang.common import parse
from migrate.model import Edit, Finding, Safety

_MAGIC_LINE = re.compile(r"^[ \t]*(?:[!%]|[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*[ \t]*=[ \t]*[!%])|^[ \t]*[\w.]+\?\??[ \t]*$")
_ENV_MAGIC = re.compile(r"^[ \t]*%env[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_SHELL_CELL = re.compile(r"^%%(?:bash|sh|script[ \t]+(?:ba)?sh)\b")


@dataclass
class Token:
    node: object  # the JSON string node
    start: int  # offset of its decoded value in the cell text (UTF-8 bytes)
    end: int
    offsets: list[int]  # decoded byte offset -> raw byte offset in the notebook (char starts + end)


@dataclass
class Cell:
    number: int  # 1-based, counting all cells as Jupyter shows them
    text: bytes  # the decoded source, UTF-8
    tokens: list[Token]
    array: object | None  # the `source` array node (None when source is one string)
    findings: list[Finding] = field(default_factory=list)


def _decode_map(raw: bytes, base: int) -> tuple[bytes, list[int]]:
    """Decode a JSON string token; return (value as UTF-8, {decoded offset: raw offset})."""
    out = bytearray()
    offsets: dict[int, int] = {}
    i = 1
    n = len(raw) - 1
    simple = {ord('"'): b'"', ord("\\"): b"\\", ord("/"): b"/", ord("b"): b"\b", ord("f"): b"\f",
              ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t"}
    while i < n:
        offsets[len(out)] = base + i
        c = raw[i]
        if c == 0x5C:  # backslash
            e = raw[i + 1]
            if e == ord("u"):
                cp = int(raw[i + 2:i + 6], 16)
                step = 6
                if 0xD800 <= cp < 0xDC00 and raw[i + 6:i + 8] == b"\\u":
                    low = int(raw[i + 8:i + 12], 16)
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)
                    step = 12
                out += chr(cp).encode("utf-8", "surrogatepass")
                i += step
            else:
                out += simple[e]
                i += 2
        else:
            length = 1 if c < 0x80 else 2 if c < 0xE0 else 3 if c < 0xF0 else 4
            out += raw[i:i + length]
            i += length
    offsets[len(out)] = base + n
    table = [-1] * (len(out) + 1)
    for k, v in offsets.items():
        table[k] = v
    return bytes(out), table


def _cells(ctx: FileContext) -> list[tuple[int, str, list, object]]:
    root = parse("json", ctx.source).root_node
    if root.has_error:
        raise SkipFile("does not parse as JSON; copied unchanged")
    top = next((c for c in root.named_children if c.type == "object"), None)
    out = []
    cells = _member(top, "cells")
    if cells is None or cells.type != "array":
        raise SkipFile("not a Jupyter notebook (no `cells` list); copied unchanged")
    for number, cell in enumerate((c for c in cells.named_children if c.type == "object"), 1):
        kind = _member(cell, "cell_type")
        source = _member(cell, "source")
        if kind is None or source is None:
            continue
        kind_value = json.loads(kind.text)
        if source.type == "string":
            out.append((number, kind_value, [source], None))
        elif source.type == "array":
            out.append((number, kind_value, [s for s in source.named_children if s.type == "string"], source))
    return out


def _member(obj, name: str):
    if obj is None:
        return None
    for pair in obj.named_children:
        if pair.type == "pair":
            key = pair.child_by_field_name("key")
            if key is not None and key.text == f'"{name}"'.encode():
                return pair.child_by_field_name("value")
    return None


def _mask(text: bytes) -> tuple[bytes, list[tuple[int, int]]]:
    """Turn IPython magic lines into same-length comments; returns the masked text and the
    (start, end) of each magic line."""
    out = bytearray(text)
    magics = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip(b"\r\n")
        if _MAGIC_LINE.match(body.decode("utf-8", "replace")):
            first = len(body) - len(body.lstrip())
            out[pos + first] = ord("#")
            magics.append((pos, pos + len(body)))
        pos += len(line)
    return bytes(out), magics


def _sub_rules(ctx: FileContext, language: str):
    return ruleset.select(ruleset.rules_for(language), ctx.settings.select, ctx.settings.ignore)


def migrate(ctx: FileContext) -> None:
    """Cells run in one kernel, in order: the code cells are migrated as ONE Python text (each
    cell's masked source followed by a newline), so `import torch` in cell 1 resolves
    `torch.cuda` in cell 5. A cell that does not parse on its own is left out and reported."""
    from migrate.lang import python as py
    from migrate.lang.python.tsutil import parser

    try:
        json.loads(ctx.source)
    except ValueError as e:
        raise SkipFile(f"does not parse as JSON ({e}); copied unchanged") from None
    py_rules = _sub_rules(ctx, "python")
    sh_rules = _sub_rules(ctx, "shell")
    ctx.rules.update({r.id: r for r in py_rules + sh_rules})
    ctx.cells = []
    program = bytearray()
    segments: list[tuple[Cell, int, int]] = []  # (cell, offset in program, first line in program - 1)
    for number, kind, nodes, array in _cells(ctx):
        if kind != "code":
            continue
        text = b""
        tokens = []
        for node in nodes:
            value, offsets = _decode_map(node.text, node.start_byte)
            tokens.append(Token(node, len(text), len(text) + len(value), offsets))
            text += value
        cell = Cell(number, text, tokens, array)
        ctx.cells.append(cell)
        head = text.split(b"\n", 1)[0].decode("utf-8", "replace")
        sh = FileContext(ctx.path, text, "shell", ctx.settings, sh_rules)
        if head.startswith("%%"):
            if _SHELL_CELL.match(head):
                from migrate.lang import shell

                shell.scan(sh, len(head) + 1, len(text))
            _forward(ctx, [(cell, 0, 0)], sh)
            continue
        masked, magics = _mask(text)
        _magics(sh, text, magics)
        _forward(ctx, [(cell, 0, 0)], sh)
        root = parser().parse(masked).root_node
        problem = _unparsed(root)
        if problem:
            if tokens:
                ctx.report("notebook-cell-unparsed", tokens[0].node.start_byte, tokens[0].node.end_byte, cell=number,
                           reason=problem)
            continue
        segments.append((cell, len(program), program.count(b"\n")))
        program += masked + b"\n"
    ctx.program = bytes(program)
    ctx.segments = segments
    if not segments:
        return
    pc = FileContext(ctx.path, ctx.program, "python", ctx.settings, py_rules)
    try:
        py.migrate(pc)
    except SkipFile as e:
        first = segments[0][0].tokens[0].node
        ctx.report("notebook-cell-unparsed", first.start_byte, first.end_byte, cell=segments[0][0].number,
                   reason="the code cells together " + e.reason.split(";")[0])
        return
    _forward(ctx, segments, pc)


def _unparsed(root) -> str | None:
    from migrate.lang.common import first_error_line, walk

    if root.has_error:
        return f"it does not parse as Python 3 (near line {first_error_line(root)}) even with its magics masked"
    for n in walk(root):
        if n.type in ("print_statement", "exec_statement"):
            return f"Python 2 syntax (line {n.start_point[0] + 1})"
    return None


def _magics(sh: FileContext, text: bytes, magics) -> None:
    from migrate.lang import shell
    from migrate.lang.common import report_env_name

    for s, e in magics:
        line = text[s:e]
        stripped = line.lstrip()
        lead = s + len(line) - len(stripped)
        if stripped.startswith(b"!") or re.match(rb"[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*!", stripped):
            bang = lead + stripped.index(b"!")
            shell.scan(sh, bang + 1, e)
        elif re.match(rb"%(?:pip|conda|mamba|uv)\s", stripped):  # `%pip install ...`: the command after the %
            shell.scan(sh, lead + 1, e)
        elif stripped.startswith((b"%sx", b"%system")):
            cmd = re.match(rb"%(?:sx|system)\s+", stripped)
            if cmd:
                shell.scan(sh, lead + cmd.end(), e)
        m = _ENV_MAGIC.match(line.decode("utf-8", "replace"))
        if m:
            name_start = s + len(line[:m.start(1)])
            report_env_name(sh, m.group(1), name_start, name_start + len(m.group(1)))


def _segment(segments, pos: int):
    for seg in reversed(segments):
        if pos >= seg[1]:
            return seg
    return segments[0]


def _forward(ctx: FileContext, segments, sub: FileContext) -> None:
    """Position the sub-context's findings (suppression comments in the cell apply) and report
    them on the notebook with their edits mapped into the JSON text."""
    engine.locate(sub)
    kept = [f for f in sub.findings if not engine._suppressed(sub, f)]
    for f in sorted(kept, key=lambda f: (f.start, f.end)):
        cell, base, first_line = _segment(segments, f.start)
        start = f.start - base
        raw_start = _raw(cell, start)
        raw_end = max(raw_start, _raw(cell, min(f.end - base, _line_end(cell.text, start))))
        edits = []
        for e in f.edits:
            mapped = _map_edit(ctx, cell, Edit(e.start - base, e.end - base, e.text))
            if mapped is None:
                edits = []
                break
            edits.append(mapped)
        rule = ctx.rules.get(f.rule)
        if rule is None:
            continue
        g = ctx.report(rule, raw_start, raw_end, f"cell {cell.number}, line {f.line - first_line}: {f.message}",
                       edits=edits, suggestion=f.suggestion or (engine.describe_edits(sub, f.edits) if f.edits and not edits else None),
                       api=f.api, requires=f.requires, severity=f.severity,
                       safety=f.safety if edits else Safety.MANUAL, effort=f.effort)
        if g is not None:
            cell.findings.append(g)


def _line_end(text: bytes, pos: int) -> int:
    nl = text.find(b"\n", pos)
    return len(text) if nl == -1 else nl


def _token_at(cell: Cell, pos: int) -> Token | None:
    for t in cell.tokens:
        if t.start <= pos < t.end or (pos == t.end and t is cell.tokens[-1]):
            return t
    return None


def _raw(cell: Cell, pos: int) -> int:
    t = _token_at(cell, pos)
    if t is None:
        return cell.tokens[0].node.start_byte if cell.tokens else 0
    raw = t.offsets[pos - t.start]
    return raw if raw >= 0 else t.node.start_byte


def _encode(ctx: FileContext, text: str) -> str:
    if not hasattr(ctx, "ensure_ascii"):
        ctx.ensure_ascii = not any(b >= 0x80 for b in ctx.source)
    return json.dumps(text, ensure_ascii=ctx.ensure_ascii)[1:-1]


def _separator(ctx: FileContext, cell: Cell) -> str:
    """What separates two source strings in this notebook (",\\n    " in nbformat's style)."""
    toks = cell.tokens
    if len(toks) >= 2:
        return ctx.source[toks[0].node.end_byte:toks[1].node.start_byte].decode()
    first = toks[0].node
    line_start = ctx.source.rfind(b"\n", 0, first.start_byte) + 1
    indent = ctx.source[line_start:first.start_byte]
    if indent.strip() == b"":
        nl = "\r\n" if b"\r\n" in ctx.source else "\n"
        return "," + nl + indent.decode()
    return ", "


def _map_edit(ctx: FileContext, cell: Cell, e: Edit) -> Edit | None:
    if not cell.tokens:
        return None
    if cell.array is None:  # one string holds the whole cell: escape newlines inside it
        return Edit(_raw(cell, e.start), _raw(cell, e.end), _encode(ctx, e.text))
    t = _token_at(cell, e.start)
    if t is None:
        return None
    if e.end <= t.end and "\n" not in e.text and b"\n" not in cell.text[e.start:e.end]:
        s, end = t.offsets[e.start - t.start], t.offsets[e.end - t.start]
        if s < 0 or end < 0:
            return None
        return Edit(s, end, _encode(ctx, e.text))
    sep = _separator(ctx, cell)
    if e.start == e.end and e.start == t.start and e.text.endswith("\n"):  # new lines before a line
        lines = e.text.splitlines(keepends=True)
        return Edit(t.node.start_byte, t.node.start_byte, "".join(f'"{_encode(ctx, ln)}"{sep}' for ln in lines))
    # anything else: rewrite the source strings the edit touches, one string per line as before
    last = _token_at(cell, max(e.start, e.end - 1)) if e.end > e.start else t
    i, j = cell.tokens.index(t), cell.tokens.index(last)
    old = cell.text[cell.tokens[i].start:cell.tokens[j].end]
    rel_s, rel_e = e.start - cell.tokens[i].start, e.end - cell.tokens[i].start
    new = (old[:rel_s] + e.text.encode() + old[rel_e:]).decode()
    lines = new.splitlines(keepends=True) or [""]
    return Edit(cell.tokens[i].node.start_byte, cell.tokens[j].node.end_byte,
                sep.join(f'"{_encode(ctx, ln)}"' for ln in lines))


def finalize(ctx: FileContext) -> list[Edit]:
    """`import torch_npu` once per notebook (after the first `import torch`, as in a .py file),
    when an applied fix needs it; the Python handler decides where, over the joined cells."""
    from migrate.lang import python as py

    cells = getattr(ctx, "cells", [])
    segments = getattr(ctx, "segments", [])
    wanted = {req for c in cells for f in c.findings if f.fixed for req in f.requires}
    if not wanted or not segments:
        return []
    # a notebook is what runs (an entry point): where it imports torch, torch_npu must be loaded
    # too, so soft requirements (`torch_npu?`: a device string, a .npu() call) count as well
    from migrate.lang.python.index import Index
    from migrate.lang.python.tsutil import parser

    idx = Index.build(parser().parse(ctx.program).root_node)
    imports_torch = any(c.qualname.split(".")[0] == "torch" for cs in idx.imports.values() for c in cs)
    wanted = tuple(sorted({r.rstrip("?") for r in wanted if not r.endswith("?") or imports_torch}))
    if not wanted:
        return []
    pc = FileContext(ctx.path, ctx.program, "python", ctx.settings, ())
    pc.findings = [Finding("notebook", 0, 0, "", None, Safety.SAFE, None, requires=wanted, fixed=True)]
    out = []
    for e in py.finalize(pc):
        # an insertion at the very end of a cell belongs to that cell, not the next one
        cell, base, _ = _segment(segments, e.start - 1 if e.start > 0 else 0)
        local = e.start - base
        if local > len(cell.text):  # after the newline that joins this cell to the next
            edit = Edit(len(cell.text), len(cell.text), "\n" + e.text.rstrip("\r\n"))
        else:
            edit = Edit(local, e.end - base, e.text)
        mapped = _map_edit(ctx, cell, edit)
        if mapped is not None:
            out.append(mapped)
    return out


def validate(ctx: FileContext, new_source: bytes) -> str | None:
    try:
        json.loads(new_source)
    except ValueError as e:
        return f"the notebook would not be valid JSON: {e}"
    return None
