"""Render a file's proposed changes as rich Text lines: unified, or side by side when wide.

Plain ASCII markers only (`-`, `+`, `>`, `!`, `|`), so it reads the same over ssh and in any font.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache

from rich.syntax import Syntax
from rich.text import Text

from migrate.review.model import ACCEPTED, SKIPPED, Change, FileReview, Hunk, Session

CONTEXT = 2
GENERATED_SHOWN = 40  # lines of a generated new file shown in its block (every line shown costs each redraw)
SIDE_BY_SIDE_MIN = 160  # terminal columns from which the app shows old | new side by side
_LEXERS = {"python": "python", "cuda": "cuda", "cpp": "cpp", "c": "c", "shell": "bash", "yaml": "yaml",
           "json": "json", "toml": "toml", "ini": "ini", "dockerfile": "docker", "cmake": "cmake",
           "requirements": "text", "notebook": "json"}
_THEME = "ansi_dark"
DEL_BG, ADD_BG = "on #4b1818", "on #173f1d"
CURRENT = "on #262640"
STATE_LABEL = {ACCEPTED: ("accepted", "bold green"), SKIPPED: ("skipped", "bold yellow"), None: ("pending", "bold cyan")}


def _clean(line: str) -> str:
    return line.rstrip("\r\n").replace("\t", "    ")


def highlight_lines(lines: tuple[str, ...], language: str | None) -> list[Text]:
    return list(_highlight("".join(_clean(s) + "\n" for s in lines), _LEXERS.get(language or "", "text")))


@lru_cache(maxsize=64)
def _highlight(code: str, lexer: str) -> tuple[Text, ...]:
    text = Syntax(code, lexer, theme=_THEME, background_color="default").highlight(code)
    # the theme's "default" background (base style and spans) would paint over the current-change highlight
    text.style = ""
    text.spans = [sp for sp in text.spans if str(sp.style) != "on default"]
    parts = text.split("\n", allow_blank=True)
    return tuple(parts[: code.count("\n")])


@dataclass
class Rendered:
    lines: list[Text] = field(default_factory=list)
    change_at: dict[int, int] = field(default_factory=dict)  # change index -> first line of its block


def render_file(session: Session, fr: FileReview, current: int | None, width: int,
                side: bool | None = None) -> Rendered:
    """`width`: columns of the diff view; `side`: side by side (default: when `width` is wide enough)."""
    if side is None:
        side = width >= SIDE_BY_SIDE_MIN
    out = Rendered()
    old_hl = highlight_lines(fr.source_lines, fr.language)
    if fr.proposal.status in ("skipped", "error"):
        out.lines.append(Text(f"{fr.proposal.status}: {fr.proposal.reason}", style="bold red"))
    blocks: list[tuple[int, str, object]] = []
    for i, c in enumerate(fr.changes):
        blocks.append((c.hunks[0].first if c.hunks and not c.generated else 10**9, "change", i))
    for h in fr.auto:
        blocks.append((h.first, "auto", h))
    shown = {line for c in fr.changes for h in c.hunks if not c.generated
             for line in range(h.first - CONTEXT, h.first + len(h.old) + CONTEXT)}
    for f in fr.open:
        if f.line - 1 not in shown:
            blocks.append((f.line - 1, "open", f))
            shown.update(range(f.line - 2, f.line + 1))
    blocks.sort(key=lambda b: (b[0], b[1] != "auto"))
    open_by_line: dict[int, list] = {}
    for f in fr.open:
        open_by_line.setdefault(f.line - 1, []).append(f)
    preview = None
    for _, kind, item in blocks:
        if kind == "change":
            i = item
            c = fr.changes[i]
            out.change_at[i] = len(out.lines)
            out.lines += _change_block(session, fr, c, i, i == current, old_hl, open_by_line, side, width)
        elif kind == "auto":
            if preview is None:
                preview = session.preview(fr)
            out.lines += _auto_block(fr, item, preview, old_hl, side, width)
        else:
            out.lines += _open_block(fr, item, old_hl, open_by_line, width)
        out.lines.append(Text(""))
    if not blocks:
        out.lines.append(Text("nothing to review in this file", style="dim"))
    return out


def _rule_bar(label: str, style: str, width: int) -> Text:
    t = Text(label, style=style)
    t.append(" " + "-" * max(0, width - len(label) - 1), style="dim")
    return t


def _gutter(n: int | None, mark: str, style: str = "") -> Text:
    num = f"{n:>5} " if n is not None else "      "
    return Text(f"{mark}{num}", style=style or "dim")


def _context(fr, old_hl, lo: int, hi: int, open_by_line, side: bool, width: int) -> list[Text]:
    rows = []
    for n in range(max(0, lo), min(len(fr.source_lines), hi)):
        code = old_hl[n] if n < len(old_hl) else Text("")
        if side:
            rows.append(_pair(Text.assemble(_gutter(n + 1, " "), code), Text.assemble(_gutter(None, " "), code), width))
        else:
            rows.append(Text.assemble(_gutter(n + 1, " "), code))
        rows += _open_marks(open_by_line.get(n, ()))
    return rows


def _open_marks(findings) -> list[Text]:
    return [Text.assemble(Text(" !     ", style="bold yellow"), Text(f"{f.rule}: ", style="bold yellow"),
                          Text(f.message, style="yellow")) for f in findings]


def _pair(left: Text, right: Text, width: int) -> Text:
    half = max(10, (width - 3) // 2)
    left = left.copy()
    right = right.copy()
    left.truncate(half, overflow="ellipsis", pad=True)
    right.truncate(half, overflow="ellipsis")
    return Text.assemble(left, Text(" | ", style="dim"), right)


def _diff_rows(old_rows: list[Text], new_rows: list[Text], first: int, side: bool, width: int, dim: bool) -> list[Text]:
    del_style, add_style = ("dim", "dim") if dim else (DEL_BG, ADD_BG)
    rows = []
    if side:
        for k in range(max(len(old_rows), len(new_rows))):
            left = Text.assemble(_gutter(first + k + 1, "-", "red"), old_rows[k]) if k < len(old_rows) else Text("")
            right = Text.assemble(_gutter(None, "+", "green"), new_rows[k]) if k < len(new_rows) else Text("")
            if k < len(old_rows):
                left.stylize(del_style)
            if k < len(new_rows):
                right.stylize(add_style)
            rows.append(_pair(left, right, width))
        return rows
    for k, r in enumerate(old_rows):
        t = Text.assemble(_gutter(first + k + 1, "-", "red"), r)
        t.stylize(del_style)
        rows.append(t)
    for r in new_rows:
        t = Text.assemble(_gutter(None, "+", "green"), r)
        t.stylize(add_style)
        rows.append(t)
    return rows


def _change_block(session, fr, c: Change, i: int, is_current: bool, old_hl, open_by_line, side, width) -> list[Text]:
    state = session.state(c)
    label, style = STATE_LABEL[state]
    head = f"{'>' if is_current else ' '} change {i + 1}/{len(fr.changes)}  {c.rule}  [{label}]"
    if c.line:
        head += f"  line {c.line}"
    rows = [_rule_bar(head, ("reverse " if is_current else "") + style, width)]
    for h in c.hunks:
        if c.generated:
            new = highlight_lines(h.new, _language_of(c.generated))
            rows += _diff_rows([], new[:GENERATED_SHOWN], 0, side, width, state is SKIPPED)
            if len(h.new) > GENERATED_SHOWN:
                rows.append(Text(f"      ... {len(h.new) - GENERATED_SHOWN} more line(s): the whole file with "
                                 f"`migrate diff {fr.path}`", style="dim"))
            continue
        rows += _context(fr, old_hl, h.first - CONTEXT, h.first, open_by_line, side, width)
        old = [old_hl[n] if n < len(old_hl) else Text(_clean(h.old[n - h.first])) for n in range(h.first, h.first + len(h.old))]
        new = highlight_lines(h.new, fr.language)
        rows += _diff_rows(old, new, h.first, side, width, state is SKIPPED)
        for n in range(h.first, h.first + len(h.old)):
            rows += _open_marks(open_by_line.get(n, ()))
        rows += _context(fr, old_hl, h.first + len(h.old), h.first + len(h.old) + CONTEXT, open_by_line, side, width)
    if is_current:
        for r in rows[1:]:
            r.style = CURRENT  # base style: syntax colours and +/- backgrounds stay on top of it
            r.pad_right(max(0, width - r.cell_len))
    return rows


def _auto_block(fr, h: Hunk, preview, old_hl, side, width) -> list[Text]:
    added = all(line in preview for line in h.new)
    head = "  automatic: " + ("added, an accepted change needs it" if added else "not added, no accepted change needs it")
    rows = [_rule_bar(head, "bold" if added else "dim", width)]
    rows += _context(fr, old_hl, h.first - 1, h.first, {}, side, width)
    rows += _diff_rows([], highlight_lines(h.new, fr.language), h.first, side, width, not added)
    rows += _context(fr, old_hl, h.first, h.first + 1, {}, side, width)
    return rows


def _open_block(fr, f, old_hl, open_by_line, width) -> list[Text]:
    rows = [_rule_bar(f"  open finding  {f.rule}  line {f.line}  (no fix: for a person)", "bold yellow", width)]
    n = f.line - 1
    rows += _context(fr, old_hl, n - 1, n + 2, open_by_line, False, width)
    return rows


def _language_of(path: str) -> str | None:
    from migrate import languages

    return languages.classify(path)


def _said(suggestion: str, message: str) -> bool:
    """The suggestion only repeats the message (`x` -> `y` / "use `y`")."""
    s = suggestion.strip()
    if s.lower().startswith("use "):
        s = s[4:].strip()
    return s in message


def file_counts(session: Session, fr: FileReview, short: bool = False) -> str:
    """`24 changes (2 yes, 1 no, 21 left), 7 open findings`; short: `24 changes, 21 left, 7 open`."""
    acc = sum(1 for c in fr.changes if session.state(c) is ACCEPTED)
    skip = sum(1 for c in fr.changes if session.state(c) is SKIPPED)
    left = len(fr.changes) - acc - skip
    n, o = len(fr.changes), len(fr.open)
    parts = []
    if short:
        if n:
            parts.append(f"{n} change{'s' if n != 1 else ''}, {left} left" if left else f"{n} change{'s' if n != 1 else ''}, done")
        if o:
            parts.append(f"{o} open")
    else:
        if n:
            parts.append(f"{n} change{'s' if n != 1 else ''} ({acc} yes, {skip} no, {left} left)")
        if o:
            parts.append(f"{o} open finding{'s' if o != 1 else ''}")
    return ", ".join(parts)


def details(session: Session, fr: FileReview | None, c: Change | None, width: int) -> Text:
    """The panel under the diff: what the current change is and why it is proposed."""
    from migrate.ruleset import rules_of

    if fr is None:
        return Text("nothing to review", style="dim")
    if c is None:
        t = Text(f"{fr.path}: no change to review here; {len(fr.open)} open finding(s) shown inline.\n", style="bold")
        for f in fr.open[:20]:
            t.append(f"  line {f.line}: {f.rule}: {f.message}\n")
            if f.suggestion:
                t.append(f"    use instead: {f.suggestion}\n", style="dim")
        return t
    rule = rules_of(session.settings).get(c.rule)
    label, style = STATE_LABEL[session.state(c)]
    t = Text()
    t.append(c.rule, style="bold")
    if rule is not None:
        t.append(f"  {rule.title}")
    t.append(f"\nfix: {c.safety}  severity: {c.severity}  ")
    t.append(label, style=style)
    if c.line:
        t.append(f"  {fr.path}:{c.line}")
    t.append(f"\n{c.message}\n")
    if c.finding is not None and c.finding.suggestion and not _said(c.finding.suggestion, c.message):
        t.append(f"Use instead: {c.finding.suggestion}\n", style="dim")
    if rule is not None:
        t.append("Why: ", style="bold")
        t.append(" ".join(rule.why.split()) + "\n")
        ex = next((e for e in rule.examples if e.after and e.after != e.before), None)
        if ex is not None:
            t.append(f"Example ({ex.name}):\n", style="bold")
            for line in difflib.unified_diff(ex.before.splitlines(), ex.after.splitlines(), n=0, lineterm=""):
                if line.startswith(("---", "+++", "@@")):
                    continue
                t.append("  " + line + "\n", style="red" if line.startswith("-") else "green")
        t.append(f"Docs: migrate explain {c.rule}\n", style="dim")
    return t
