"""Walk a repo: honour .gitignore files, skip VCS folders, virtualenvs and caches, and never
follow a symlink (links are recorded as links, so nothing outside the root is read or written)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

# Folders that are never part of the migration (not scanned, not copied).
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", "node_modules",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".migrate", ".eggs", ".ipynb_checkpoints",
})


@dataclass(frozen=True, slots=True)
class Entry:
    rel: str  # POSIX path relative to the root
    kind: str  # file | symlink
    size: int
    mode: int
    link: str | None = None  # symlink target, as stored in the link


@dataclass
class Walk:
    entries: list[Entry]
    ignored: int  # files left out by .gitignore or the skip list
    problems: list[tuple[str, str]]  # (rel path, reason) for folders that could not be read


def _load_spec(gitignore: str | None, extra: tuple[str, ...] = ()):
    """The spec of a folder's .gitignore (its path, when the folder's listing has one as a regular
    file; a link is not followed) plus `extra` patterns; None when there are no patterns. pathspec is
    imported only then: most trees (a wheel, a clean checkout's subfolders) have no .gitignore."""
    lines = list(extra)
    if gitignore is not None:
        try:
            with open(gitignore, encoding="utf-8", errors="replace") as f:
                lines += f.read().splitlines()
        except OSError:
            pass
    if not lines:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def walk(root: Path, exclude: tuple[str, ...] = ()) -> Walk:
    root = Path(root)
    entries: list[Entry] = []
    problems: list[tuple[str, str]] = []
    ignored = 0
    # stack of (dir path, rel prefix, [(spec, base rel)] of the folders above)
    stack = [(root, "", [])]
    while stack:
        directory, prefix, specs = stack.pop()
        try:
            with os.scandir(directory) as it:
                items = sorted(it, key=lambda d: d.name)
        except OSError as e:
            problems.append((prefix.rstrip("/") or ".", f"cannot read folder: {e.strerror}"))
            continue
        # this folder's .gitignore (found in its listing: no stat per folder) applies to it and
        # below; at the root, with the --exclude patterns
        gi = next((d.path for d in items if d.name == ".gitignore" and d.is_file(follow_symlinks=False)), None)
        own = _load_spec(gi, exclude if not prefix else ())
        if own is not None:
            specs = specs + [(own, prefix)]
        for d in items:
            rel = prefix + d.name
            try:
                st = d.stat(follow_symlinks=False)
            except OSError as e:
                problems.append((rel, f"cannot stat: {e.strerror}"))
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            if is_dir and d.name in SKIP_DIRS:
                ignored += 1
                continue
            if _ignored(specs, rel, is_dir):
                ignored += 1
                continue
            if stat.S_ISLNK(st.st_mode):
                try:
                    target = os.readlink(d.path)
                except OSError:
                    target = ""
                entries.append(Entry(rel, "symlink", 0, st.st_mode, target))
            elif is_dir:
                stack.append((Path(d.path), rel + "/", specs))
            elif stat.S_ISREG(st.st_mode):
                entries.append(Entry(rel, "file", st.st_size, st.st_mode))
            # sockets, fifos, devices: not source, left alone
    entries.sort(key=lambda e: e.rel)
    return Walk(entries, ignored, problems)


def _ignored(specs, rel: str, is_dir: bool) -> bool:
    for spec, base in specs:
        sub = rel[len(base):] if rel.startswith(base) else rel
        if spec.match_file(sub + "/" if is_dir else sub):
            return True
    return False


def inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents
