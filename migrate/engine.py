"""The engine applies fixes; rules only propose them (Fixit style).

`resolve` decides, for every finding that carries edits, whether its fix is applied: safe fixes
always, unsafe ones with --unsafe-fixes, none that a `migrate: ignore` comment suppresses, and
none whose edits overlap an edit already accepted (a conflict is reported, never merged).
"""

from __future__ import annotations

import bisect
import re

from migrate.context import FileContext
from migrate.model import Edit, Finding, Safety

NOT_ACCEPTED = "not accepted in review"  # the note on a fix the review vetoed

_SUPPRESS = re.compile(rb"migrate:\s*ignore(?:\[([A-Za-z0-9_,\- ]*)\])?")


def _suppressed(ctx: FileContext, finding: Finding, cache: dict[int, object] | None = None) -> bool:
    if cache is None:
        cache = {}
    for line in range(finding.line, max(finding.line, finding.end_line) + 1):
        m = cache.get(line, False)
        if m is False:  # one regex search per line, not per finding (a 1 MB line can carry 100k)
            m = cache[line] = _SUPPRESS.search(ctx.lines.line_text(line))
        if m:
            if m.group(1) is None:
                return True
            ids = {s.strip() for s in m.group(1).decode().split(",")}
            if finding.rule in ids:
                return True
    return False


def _overlaps(a: Edit, b: Edit) -> bool:
    if a == b:
        return False
    if a.start == a.end and b.start == b.end:  # two insertions: both apply, in a stable order
        return False
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


class _Spans:
    """Accepted edits sorted by (start, end). They never overlap, so their ends are sorted too and
    a new edit only needs checking against its neighbours: O(log n) per edit, not O(n) (a
    60,000-line file can carry tens of thousands of fixes)."""

    def __init__(self):
        self.keys: list[tuple[int, int]] = []
        self.edits: list[Edit] = []
        self.seen: set[Edit] = set()

    def conflicts(self, e: Edit) -> bool:
        i = bisect.bisect_left(self.keys, (e.start, e.end))
        j = i - 1
        while j >= 0 and self.edits[j].end > e.start:
            if _overlaps(e, self.edits[j]):
                return True
            j -= 1
        j = i
        while j < len(self.edits) and (self.edits[j].start < e.end or self.edits[j].start == e.start):
            if _overlaps(e, self.edits[j]):
                return True
            j += 1
        return False

    def add(self, e: Edit) -> bool:
        if e in self.seen:
            return False
        self.seen.add(e)
        i = bisect.bisect_right(self.keys, (e.start, e.end))
        self.keys.insert(i, (e.start, e.end))
        self.edits.insert(i, e)
        return True


def locate(ctx: FileContext) -> None:
    for f in ctx.findings:
        f.path = ctx.path
        f.line, f.column = ctx.lines.position(f.start)
        f.end_line, f.end_column = ctx.lines.position(max(f.start, f.end))


def resolve(ctx: FileContext, accept=None) -> list[Edit]:
    """Position findings, drop suppressed ones, choose fixes; returns the accepted edits."""
    locate(ctx)
    cache: dict[int, object] = {}
    kept = [f for f in ctx.findings if not _suppressed(ctx, f, cache)]
    accepted: list[Edit] = []
    spans = _Spans()
    for f in sorted(kept, key=lambda f: (f.start, f.end)):
        if not f.edits:
            continue
        if f.safety is Safety.UNSAFE and not ctx.settings.unsafe_fixes:
            f.note = "unsafe fix: not applied; run with --unsafe-fixes to apply it"
            if f.suggestion is None:
                f.suggestion = describe_edits(ctx, f.edits)
            continue
        if f.safety is Safety.MANUAL:
            continue
        if accept is not None and not accept(f):
            f.note = NOT_ACCEPTED
            continue
        if any(spans.conflicts(e) for e in f.edits):
            f.note = "conflicts with another fix on the same code; not applied"
            continue
        for e in f.edits:
            if spans.add(e):
                accepted.append(e)
        f.fixed = True
    ctx.findings = sorted(kept, key=lambda f: (f.line, f.column, f.rule))
    return accepted


def describe_edits(ctx: FileContext, edits) -> str:
    parts = []
    for e in edits:
        old = ctx.snippet(e.start, e.end)
        parts.append(f"insert `{e.text.strip()}`" if not old else f"`{old}` -> `{e.text}`")
    return "; ".join(parts)


def apply_edits(source: bytes, edits) -> bytes:
    out = []
    pos = 0
    for e in sorted(set(edits), key=lambda e: (e.start, e.end, e.text)):
        if e.start < pos:
            raise ValueError(f"overlapping edits at byte {e.start}")
        out.append(source[pos:e.start])
        out.append(e.text.encode("utf-8"))
        pos = e.end
    out.append(source[pos:])
    return b"".join(out)
