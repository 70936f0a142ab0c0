"""From per-file results to what `check` prints: one Item per finding, with the paths a person
and a CI system need, a fingerprint that survives lines moving (baselines, SARIF), and the
finding's proposed fix as line/column replacements (SARIF `fixes`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from migrate import baseline as baseline_
from migrate.model import FileResult, Finding, Safety
from migrate.scan import Source, Targets, display


@dataclass
class Replacement:
    start: tuple[int, int]  # (line, column), 1-based, columns in characters
    end: tuple[int, int]
    text: str


@dataclass
class Item:
    finding: Finding
    path: str  # relative to the scan base (git work tree): SARIF uri, diff path
    shown: str  # relative to the current folder: what a person reads
    fingerprint: str
    line_text: str
    fix: list[Replacement] = field(default_factory=list)  # the proposed change, if any

    @property
    def fixable(self) -> bool:
        """`migrate run`/`diff`/`check --fix` would apply it with the current settings."""
        return self.finding.fixed

    @property
    def unsafe_fixable(self) -> bool:
        return not self.finding.fixed and bool(self.finding.edits) and self.finding.safety is Safety.UNSAFE


@dataclass
class Checked:
    items: list[Item]
    skipped: list[tuple[str, str]]  # (shown path, reason): not checked, e.g. does not parse
    errors: list[tuple[str, str]]  # (shown path, reason): could not be read, internal errors
    files: int  # files checked
    baselined: int = 0  # findings hidden because the baseline records them


def build(targets: Targets, results: list[FileResult]) -> Checked:
    items: list[Item] = []
    skipped, errors = [], []
    for r in sorted(results, key=lambda r: r.path):
        shown = display(targets.base, r.path)
        if r.status == "skipped":
            reason = r.reason or "skipped"
            if reason.endswith("; copied unchanged"):  # how `run` words it; check copies nothing
                reason = reason[: -len("; copied unchanged")]
            skipped.append((shown, reason))
        elif r.status == "error":
            errors.append((shown, r.reason or "error"))
        if not r.findings:
            continue
        src = Source.read(targets.base, r.path, r.language)
        texts = [src.line_text(f.line) if src else "" for f in r.findings]
        fps = baseline_.fingerprints([(f.rule, r.path, t, f.line, f.column) for f, t in zip(r.findings, texts)])
        for f, text, fp in zip(r.findings, texts, fps):
            fix = []
            if src is not None and f.edits and f.safety is not Safety.MANUAL:
                edits = list(f.edits)
                if f.fixed and f.requires:
                    edits += [e for e in r.extra_edits if e not in edits]
                fix = [Replacement(src.position(e.start), src.position(e.end), e.text)
                       for e in sorted(edits, key=lambda e: (e.start, e.end))]
            items.append(Item(f, r.path, shown, fp, text, fix))
    items.sort(key=lambda i: (i.path, i.finding.line, i.finding.column, i.finding.rule))
    errors.extend(targets.problems)
    skipped.extend(targets.passed_over)
    return Checked(items, skipped, errors, sum(1 for r in results if r.status not in ("skipped", "error")))


def apply_baseline(checked: Checked, keys: set[tuple[str, str, str]], baseline_file: Path, base: Path) -> None:
    """Drop findings the baseline records (keys are (path relative to the baseline's folder, rule, fingerprint))."""
    cache: dict[str, str] = {}
    kept = []
    for it in checked.items:
        rel = cache.get(it.path)
        if rel is None:
            rel = cache[it.path] = baseline_.rel_to(baseline_file, base / it.path)
        if (rel, it.finding.rule, _rehash(it, rel)) in keys:
            checked.baselined += 1
        else:
            kept.append(it)
    checked.items = kept


def _rehash(it: Item, rel: str) -> str:
    """The item's fingerprint computed with the path as the baseline stores it."""
    if rel == it.path:
        return it.fingerprint
    idx = it.fingerprint.rsplit(":", 1)[1]
    return f"{baseline_.line_hash(it.finding.rule, rel, it.line_text)}:{idx}"


def baseline_entries(checked: Checked, baseline_file: Path, base: Path) -> list[dict]:
    out = []
    for it in checked.items:
        rel = baseline_.rel_to(baseline_file, base / it.path)
        out.append({"path": rel, "rule": it.finding.rule, "fingerprint": _rehash(it, rel),
                    "line": it.finding.line, "message": it.finding.message})
    return out
