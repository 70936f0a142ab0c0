"""What `check`, `diff` and `baseline` share: turn PATH arguments (files or folders) into the
files to migrate, run them through the same per-file core as `migrate run`, and locate things
in the original text.

Paths inside results are relative to a *base*: the git work tree that holds the paths (so a
diff has the paths `git diff` would print and `git apply` accepts anywhere in that repo), or,
outside git, the folder the paths have in common. What a person reads is relative to the
current folder instead (`display`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from migrate import discover, languages


@dataclass
class Targets:
    base: Path  # results' paths are relative to this folder
    config_root: Path  # where pyproject.toml ([tool.migrate]) is read from
    entries: list[discover.Entry] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (display path, reason): errors
    passed_over: list[tuple[str, str]] = field(default_factory=list)  # (display path, reason): not looked at


def _git_top(start: Path) -> Path | None:
    for d in (start, *start.parents):
        if (d / ".git").exists():
            return d
    return None


def locate(paths: list[Path]) -> Targets:
    """Find the base and the config folder for PATHs; raises UsageError for a missing path."""
    from migrate.runner import UsageError

    absolute = []
    for p in paths:
        if not os.path.lexists(p):
            raise UsageError(f"{p}: no such file or folder")
        absolute.append(Path(os.path.abspath(p)))
    common = Path(os.path.commonpath([str(p) for p in absolute]))
    if not common.is_dir() or common.is_symlink():
        common = common.parent
    base = _git_top(common) or common
    config_root = base
    for d in (common, *common.parents):
        if (d / "pyproject.toml").is_file():
            config_root = d
            break
        if d == base:
            break
    return Targets(base=base, config_root=config_root)


def collect(targets: Targets, paths: list[Path], exclude: tuple[str, ...] = ()) -> Targets:
    """Fill targets.entries: folders are walked like `migrate run` walks them (.gitignore, no
    symlinks); a file named explicitly is taken unless [tool.migrate] exclude matches it."""
    base = targets.base
    spec = None
    if exclude:
        import pathspec

        spec = pathspec.GitIgnoreSpec.from_lines(exclude)
    seen: set[str] = set()

    def add(rel: str, st: os.stat_result) -> None:
        if rel not in seen:
            seen.add(rel)
            targets.entries.append(discover.Entry(rel, "file", st.st_size, st.st_mode))

    for p in paths:
        ap = Path(os.path.abspath(p))
        rel_dir = ap.relative_to(base).as_posix() if ap != base else ""
        st = os.lstat(ap)
        if stat.S_ISLNK(st.st_mode):
            targets.passed_over.append((display(base, rel_dir), "symbolic link: not followed"))
            continue
        if stat.S_ISDIR(st.st_mode):
            walk = discover.walk(ap, exclude)
            for rel, reason in walk.problems:
                targets.problems.append((display(base, _join(rel_dir, rel)), reason))
            for e in _candidates(walk.entries, ap):
                add(_join(rel_dir, e.rel), os.lstat(ap / e.rel))
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        if spec is not None and spec.match_file(rel_dir):
            continue
        if _wanted(ap, rel_dir, st.st_size):
            add(rel_dir, st)
    targets.entries.sort(key=lambda e: e.rel)
    return targets


def _join(prefix: str, rel: str) -> str:
    if rel in ("", "."):
        return prefix
    return f"{prefix}/{rel}" if prefix else rel


def _wanted(path: Path, rel: str, size: int) -> bool:
    lang = languages.classify(rel)
    if lang is None and "." not in rel.rsplit("/", 1)[-1] and size:
        try:
            with open(path, "rb") as f:
                lang = languages.classify(rel, f.read(128))
        except OSError:
            return False
    return lang is not None and languages.has_handler(lang)


def _candidates(entries, root: Path):
    return [e for e in entries if e.kind == "file" and _wanted(root / e.rel, e.rel, e.size)]


def display(base: Path, rel: str) -> str:
    """A result's path as the user reads it: relative to the current folder when below it."""
    full = base / rel if rel else base
    try:
        return full.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        r = os.path.relpath(full)
        return r if not r.startswith("../../..") else str(full)


def results(targets: Targets, settings, jobs: int = 0) -> Iterator:
    """FileResults for every target, through the same pool and core as `migrate run`."""
    from migrate import runner

    jobs = jobs or runner.default_jobs()
    yield from runner.iter_results(targets.base, targets.entries, settings, jobs)


@dataclass
class Source:
    """A file's decoded text (UTF-8, no BOM) with a line index: findings' offsets point into it."""

    source: bytes
    lines: object

    @classmethod
    def read(cls, base: Path, rel: str, language: str | None) -> "Source | None":
        from migrate.textio import LineIndex, UndecodableError, decode

        try:
            decoded = decode((base / rel).read_bytes(), python=(language == "python"))
        except (OSError, UndecodableError):
            return None
        return cls(decoded.source, LineIndex(decoded.source))

    def line_text(self, line: int) -> str:
        if line < 1 or line > len(self.lines.starts):
            return ""
        return self.lines.line_text(line).decode("utf-8", "replace")

    def position(self, offset: int) -> tuple[int, int]:
        return self.lines.position(offset)
