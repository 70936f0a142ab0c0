"""The review session: proposed changes per file, the user's decisions, and writing what was accepted.

No UI here (the Textual app in migrate/review/app.py drives a Session), so every rule of what gets
written is testable without a terminal. One source of truth: the bytes written for a file are
exactly `migrate_file(path, data, settings, accept=...)` for the accepted changes; this module never
applies edits to write a file (it applies one change's edits to a few lines only to *show* it).
"""

from __future__ import annotations

import difflib
import hashlib
import os
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from migrate import engine
from migrate.core import migrate_file
from migrate.model import Edit, FileResult, Finding
from migrate.settings import Settings
from migrate.textio import UndecodableError, decode

ACCEPTED, SKIPPED = True, False  # decisions; a change with no decision is pending (not written)


def change_key(path: str, f: Finding) -> tuple:
    """Stable identity of a proposed change: same file, rule, span and edits on every re-run."""
    return (path, f.rule, f.start, f.end, tuple((e.start, e.end, e.text) for e in f.edits))


@dataclass(frozen=True)
class Hunk:
    """Lines [first, first + len(old)) of the original (0-based) and what one change makes of them."""

    first: int
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass
class Change:
    path: str
    key: tuple
    rule: str
    message: str
    safety: str
    severity: str
    line: int  # 1-based, in the original file
    hunks: tuple[Hunk, ...]
    finding: Finding | None = None
    generated: str | None = None  # for a new file the migration creates: its path


@dataclass
class FileReview:
    path: str
    language: str | None
    data: bytes  # the original bytes, as read when the review started
    mode: int
    proposal: FileResult  # every fix applied (what `migrate run` would write)
    source_lines: tuple[str, ...]  # decoded original, one entry per line, line ends kept
    changes: list[Change] = field(default_factory=list)
    open: list[Finding] = field(default_factory=list)  # open findings of the proposal (no fix to review)
    auto: list[Hunk] = field(default_factory=list)  # lines added when accepted changes need them (imports)


@dataclass
class WriteOutcome:
    written: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    results: dict[str, FileResult] = field(default_factory=dict)  # path -> result with the decisions


def _split(source: bytes) -> tuple[str, ...]:
    return tuple(source.decode("utf-8", "replace").splitlines(keepends=True))


def _line_starts(source: bytes) -> list[int]:
    starts = [0]
    i = source.find(b"\n")
    while i != -1:
        starts.append(i + 1)
        i = source.find(b"\n", i + 1)
    if starts[-1] == len(source) and len(starts) > 1:
        starts.pop()
    return starts


def _hunks(source: bytes, edits: tuple[Edit, ...], starts: list[int]) -> tuple[Hunk, ...]:
    """Group a change's edits by the lines they touch; show each group with only these edits applied."""

    def line_of(offset: int) -> int:
        return bisect_right(starts, offset) - 1

    spans = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        first = line_of(e.start)
        last = line_of(max(e.start, e.end - 1))
        if spans and first <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], last)
            spans[-1][2].append(e)
        else:
            spans.append([first, last, [e]])
    out = []
    for first, last, group in spans:
        a = starts[first] if first < len(starts) else len(source)
        b = starts[last + 1] if last + 1 < len(starts) else len(source)
        new = engine.apply_edits(source[a:b], [Edit(e.start - a, e.end - a, e.text) for e in group])
        out.append(Hunk(first, _split(source[a:b]), _split(new)))
    return tuple(out)


def _auto_hunks(source: bytes, changes: list[Change], new: tuple[str, ...]) -> list[Hunk]:
    """Lines the proposal adds that no change explains: what finalize() adds (e.g. `import torch_npu`).

    Found by comparing the proposal with the change edits alone applied (for display only; the
    bytes written always come from migrate_file). finalize() only inserts lines, so one linear
    walk finds them."""
    edits = [e for c in changes if c.finding is not None for e in c.finding.edits]
    rules_only = _split(engine.apply_edits(source, edits))
    old = _split(source)
    if len(rules_only) == len(old):
        to_orig = None
    else:  # a change added or removed lines: map positions through a line diff
        to_orig = difflib.SequenceMatcher(None, old, rules_only).get_opcodes()

    def orig_line(j: int) -> int:
        if to_orig is None:
            return j
        for tag, i1, i2, j1, j2 in to_orig:
            if j1 <= j < j2 or (j == j2 == len(rules_only)):
                return i1 + (j - j1) if tag == "equal" else i1
        return len(old)

    out: list[Hunk] = []
    i = 0
    run: list[str] = []
    for line in new:
        if i < len(rules_only) and line == rules_only[i]:
            if run:
                out.append(Hunk(orig_line(i), (), tuple(run)))
                run = []
            i += 1
        else:
            run.append(line)
    if run:
        out.append(Hunk(orig_line(i), (), tuple(run)))
    if i < len(rules_only):  # not a pure insertion: show nothing rather than something wrong
        return []
    return out


def _decode(data: bytes, language: str | None) -> bytes:
    try:
        return decode(data, python=(language == "python")).source
    except UndecodableError:
        return data


class Session:
    """Every reviewable file of one root, the decisions taken, and an undo history."""

    def __init__(self, root: Path, files: list[FileReview], settings: Settings, project=None):
        self.root = root
        self.project = project
        self.files = files
        self.settings = settings
        self.decisions: dict[tuple, bool] = {}
        self.history: list[tuple[tuple[int, int], dict[tuple, bool | None]]] = []
        self.written = False
        self.written_to: Path | None = None  # the folder write() wrote into
        self.first_pass: list[FileResult] = []  # every candidate file's result before review (for reports)
        self._results: dict[str, tuple[frozenset, FileResult]] = {}  # path -> (accepted keys, result)

    # --- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, root: Path, settings: Settings, paths: list[str] | None = None, jobs: int = 1,
             progress=None) -> "Session":
        """Migrate every candidate under `root` (or just `paths`, relative to root) and keep the files
        that have a change to review or an open finding."""
        from migrate import discover, runner

        if paths is None:
            walk = discover.walk(root, settings.exclude)
            entries = runner.candidates(walk, root)
        else:
            entries = [discover.Entry(rel=p, kind="file", size=0, mode=0) for p in paths]
        files = []
        first_pass = []
        project = runner.project_index(root, entries, settings)  # the same names `migrate run` resolves
        for first in runner.iter_results(root, entries, settings, jobs, project):
            first_pass.append(first)
            if progress:
                progress(first.path)
            if first.status not in ("changed",) and not first.findings and not first.generated:
                continue
            fr = review_file(root, first.path, settings, project)
            if fr is not None and (fr.changes or fr.open):
                files.append(fr)
        files.sort(key=lambda f: f.path)
        session = cls(root, files, settings, project)
        session.first_pass = first_pass
        return session

    # --- decisions -----------------------------------------------------------------------------
    def state(self, change: Change) -> bool | None:
        return self.decisions.get(change.key)

    def decide(self, keys, value: bool, cursor: tuple[int, int]) -> int:
        """Record one user action (it may decide many changes); one undo step. Returns how many changed."""
        before = {}
        for k in keys:
            if self.decisions.get(k) is not value:
                before[k] = self.decisions.get(k)
                self.decisions[k] = value
        if before:
            self.history.append((cursor, before))
        return len(before)

    def undo(self) -> tuple[int, int] | None:
        """Revert the last action; returns the cursor it was taken at (file index, change index)."""
        if not self.history:
            return None
        cursor, before = self.history.pop()
        for k, v in before.items():
            if v is None:
                self.decisions.pop(k, None)
            else:
                self.decisions[k] = v
        return cursor

    def accepted_keys(self, fr: FileReview) -> set[tuple]:
        return {c.key for c in fr.changes if self.decisions.get(c.key) is ACCEPTED}

    def counts(self) -> tuple[int, int, int]:
        """(accepted, skipped, pending) over all files."""
        acc = sum(1 for v in self.decisions.values() if v is ACCEPTED)
        skip = sum(1 for v in self.decisions.values() if v is SKIPPED)
        total = sum(len(f.changes) for f in self.files)
        return acc, skip, total - acc - skip

    # --- results -------------------------------------------------------------------------------
    def result_for(self, fr: FileReview) -> FileResult:
        """What the file becomes with the decisions so far (pending = not accepted)."""
        keys = frozenset(self.accepted_keys(fr))
        cached = self._results.get(fr.path)
        if cached is None or cached[0] != keys:
            r = migrate_file(fr.path, fr.data, self.settings, language=fr.language, project=self.project,
                             accept=lambda f: change_key(fr.path, f) in keys)
            cached = self._results[fr.path] = (keys, r)
        return cached[1]

    def preview(self, fr: FileReview) -> tuple[str, ...]:
        r = self.result_for(fr)
        return _split(_decode(r.new_data, fr.language)) if r.status == "changed" else fr.source_lines

    def write(self, target: Path | None = None) -> WriteOutcome:
        """Write every file with at least one accepted change, atomically, keeping mode bits.

        A file whose bytes on disk changed since the review started is not written (reported), and
        neither is a file whose accepted subset would not be valid (the core refuses it)."""
        from migrate.runner import _safe_rel
        from migrate.writer import atomic_write

        out = WriteOutcome()
        base = self.written_to = target or self.root
        for fr in self.files:
            keys = self.accepted_keys(fr)
            r = self.result_for(fr)
            out.results[fr.path] = r
            if keys and r.status == "changed" and r.new_data is not None:
                try:
                    if (self.root / fr.path).read_bytes() != fr.data:
                        out.failed.append((fr.path, "changed on disk during the review; not written"))
                        continue
                    atomic_write(base / fr.path, r.new_data, fr.mode, root=base)
                    out.written.append(fr.path)
                except OSError as e:
                    out.failed.append((fr.path, f"cannot write: {e.strerror or e}"))
            elif keys and r.status == "error":
                out.failed.append((fr.path, r.reason or "the accepted changes cannot be applied"))
            for c in fr.changes:
                if c.generated and self.decisions.get(c.key) is ACCEPTED and c.generated in r.generated:
                    rel = _safe_rel(c.generated)
                    try:
                        atomic_write(base / rel, r.generated[c.generated], 0o644, root=base)
                        out.written.append(rel)
                    except OSError as e:
                        out.failed.append((rel, f"cannot write: {e.strerror or e}"))
        self.written = True
        return out


def review_file(root: Path, rel: str, settings: Settings, project=None) -> FileReview | None:
    """Read one file and build its reviewable changes from the full proposal."""
    path = root / rel
    try:
        data = path.read_bytes()
        mode = os.stat(path, follow_symlinks=False).st_mode
    except OSError:
        return None
    return build_file(rel, data, mode, settings, project)


def build_file(rel: str, data: bytes, mode: int, settings: Settings, project=None) -> FileReview:
    proposal = migrate_file(rel, data, settings, project=project)
    source = _decode(data, proposal.language)
    fr = FileReview(rel, proposal.language, data, mode, proposal, _split(source))
    starts = _line_starts(source)
    if proposal.status not in ("changed", "unchanged"):
        fr.open = list(proposal.findings)
        return fr
    for f in proposal.findings:
        if f.fixed and f.edits:
            fr.changes.append(Change(rel, change_key(rel, f), f.rule, f.message, str(f.safety), str(f.severity),
                                     f.line, _hunks(source, f.edits, starts), finding=f))
        elif not f.fixed:
            fr.open.append(f)
    fr.changes.sort(key=lambda c: (c.finding.start, c.finding.end, c.rule))
    for gen_rel, gen in sorted(proposal.generated.items()):
        fr.changes.append(Change(rel, ("generated", rel, gen_rel, hashlib.sha256(gen).hexdigest()), "new-file",
                                 f"new file {gen_rel}", "safe", "info", 0,
                                 (Hunk(0, (), _split(gen)),), generated=gen_rel))
    if proposal.status == "changed":
        fr.auto = _auto_hunks(source, fr.changes, _split(_decode(proposal.new_data, proposal.language)))
    return fr
