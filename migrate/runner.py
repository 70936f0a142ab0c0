"""Run the pipeline over a tree: discover -> migrate each file (in N processes) -> write -> report.

Results stream back as each file is done, so memory stays flat: a changed file is written and
its new bytes dropped at once; only diffs and findings are kept for the report.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from migrate import discover, languages
from migrate.core import migrate_file
from migrate.model import FileResult
from migrate.settings import Settings


class UsageError(Exception):
    """A problem with what the user asked for: printed as one clear message, exit code 2."""


@dataclass
class RunResult:
    results: list[FileResult]
    diffs: dict[str, str]
    walk: discover.Walk
    copied: int = 0
    written: list[str] = field(default_factory=list)


_SETTINGS: Settings | None = None
_ROOT: Path | None = None
_PROJECT = None


def _init_worker(root: str, settings: Settings, project) -> None:
    global _SETTINGS, _ROOT, _PROJECT
    _SETTINGS, _ROOT, _PROJECT = settings, Path(root), project


def _work(rel: str) -> FileResult:
    assert _ROOT is not None and _SETTINGS is not None
    return migrate_one(_ROOT, rel, _SETTINGS, _PROJECT)


def migrate_one(root: Path, rel: str, settings: Settings, project=None) -> FileResult:
    try:
        data = (root / rel).read_bytes()
    except OSError as e:
        return FileResult(rel, languages.classify(rel), "error", reason=f"cannot read: {e.strerror or e}")
    return migrate_file(rel, data, settings, project=project)


def project_index(root: Path, entries: list[discover.Entry], settings: Settings):
    """Names the project's own Python modules re-export from CUDA-only libraries (see
    lang/python/project.py). Reads only the Python files that mention those libraries."""
    import re

    from migrate import ruleset
    from migrate.lang.python import matchers, project

    rules = [r for r in ruleset.select(ruleset.rules_for("python"), settings.select, settings.ignore) if r.matcher == "api"]
    words = {w for r in rules for w in r.triggers}
    if not words:
        return None
    rx = re.compile(b"|".join(re.escape(w.encode()) for w in sorted(words)))
    api = matchers.get("api")

    def files():
        for e in entries:
            if e.rel.endswith(".py") and e.size < 4_000_000:
                try:
                    data = (root / e.rel).read_bytes()
                except OSError:
                    continue
                if rx.search(data):
                    yield e.rel, data

    index = project.build(files(), lambda q: any(api.cares(r, q) for r in rules))
    return index if index.exports else None


def candidates(walk: discover.Walk, root: Path) -> list[discover.Entry]:
    """Files some handler may want: by name, or by shebang for extension-less scripts."""
    out = []
    for e in walk.entries:
        if e.kind != "file":
            continue
        lang = languages.classify(e.rel)
        if lang is None and "." not in e.rel.rsplit("/", 1)[-1] and e.size:
            try:
                with open(root / e.rel, "rb") as f:
                    lang = languages.classify(e.rel, f.read(128))
            except OSError:
                lang = None
        if lang is not None and languages.handler(lang) is not None:
            out.append(e)
    return out


def iter_results(root: Path, entries: list[discover.Entry], settings: Settings, jobs: int,
                 project=None) -> Iterator[FileResult]:
    """Migrate files, largest first so the pool stays balanced; yields as each is done."""
    ordered = sorted(entries, key=lambda e: -e.size)
    rels = [e.rel for e in ordered]
    if jobs <= 1 or len(rels) < 2 * jobs:
        for rel in rels:
            yield migrate_one(root, rel, settings, project)
        return
    import multiprocessing as mp

    ctx = mp.get_context("forkserver" if os.name == "posix" else "spawn")
    chunk = max(1, min(16, len(rels) // (jobs * 8)))
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(str(root), settings, project)) as pool:
        yield from pool.imap_unordered(_work, rels, chunksize=chunk)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def run(src: Path, settings: Settings, *, out: Path | None = None, in_place: bool = False, jobs: int = 0,
        progress: Callable[[int, int, str], None] | None = None, want_diffs: bool = True) -> RunResult:
    from migrate import writer

    jobs = jobs or default_jobs()
    walk = discover.walk(src, settings.exclude)
    todo = candidates(walk, src)
    results: list[FileResult] = []
    diffs: dict[str, str] = {}
    result_paths = set()
    written: list[str] = []
    total = len(todo)
    done = 0
    project = project_index(src, todo, settings)
    for r in iter_results(src, todo, settings, jobs, project):
        done += 1
        if progress:
            progress(done, total, r.path)
        result_paths.add(r.path)
        try:
            written.extend(_write_result(r, src, out, in_place, diffs if want_diffs else None))
        except (OSError, ValueError) as e:
            # One file that cannot be written is reported for that file; the run goes on.
            diffs.pop(r.path, None)
            r.status, r.reason = "error", f"cannot write the migrated file: {_os_reason(e)}; left unchanged"
            r.generated = {}
            for f in r.findings:
                f.fixed = False
        r.new_data = None  # written; keep memory flat
        results.append(r)
    results.extend(_links_out_of_root(src, walk))
    results.extend(_not_supported_yet(src, walk, result_paths))
    copied = 0
    if out is not None:
        done_paths = set(written)
        for e in walk.entries:
            if e.rel in done_paths:
                continue
            try:
                if e.kind == "symlink":
                    writer.copy_symlink(e.link or "", out / e.rel, root=out)
                else:
                    writer.copy_file(src / e.rel, out / e.rel, root=out)
                    copied += 1
            except OSError as err:
                walk.problems.append((e.rel, f"not copied to the output: {_os_reason(err)}"))
    return RunResult(results, diffs, walk, copied, written)


_CUDA_WORDS = re.compile(rb"cuda|nccl|cudnn|nvcc", re.I)


def _not_supported_yet(src: Path, walk: discover.Walk, done: set[str]) -> list[FileResult]:
    """Files of a kind migrate recognises but has no handler for yet (notebooks, configs, ... as
    handlers land, this list shrinks by itself): the ones that mention CUDA are listed as skipped,
    so a new user sees why their notebook was not touched instead of silence."""
    out = []
    for e in walk.entries:
        if e.kind != "file" or e.rel in done or e.size > 4_000_000:
            continue
        lang = languages.classify(e.rel)
        if lang is None or languages.handler(lang) is not None:
            continue
        try:
            with open(src / e.rel, "rb") as f:
                data = f.read()
        except OSError:
            continue  # the walk already reports what cannot be read
        if _CUDA_WORDS.search(data):
            out.append(FileResult(e.rel, lang, "skipped", lines=data.count(b"\n"),
                                  reason=f"mentions CUDA, but {lang} files are not migrated yet; "
                                         "copied unchanged: check it by hand"))
    return out


def _links_out_of_root(src: Path, walk: discover.Walk) -> list[FileResult]:
    """Symlinks are never followed; the ones that lead out of the tree (or nowhere) to something we
    would migrate are listed as skipped, so the report says what was not looked at and why."""
    root = os.path.realpath(src)
    out = []
    for e in walk.entries:
        if e.kind != "symlink":
            continue
        target = os.path.realpath(src / e.rel)  # resolves names only; nothing outside is read
        if target == root or target.startswith(root.rstrip(os.sep) + os.sep):
            continue  # inside: what it points to is migrated where it lives
        lang = languages.classify(e.rel)
        is_dir = os.path.isdir(target)
        if not is_dir and (lang is None or languages.handler(lang) is None):
            continue
        what = "a folder" if is_dir else ("a file" if os.path.exists(target) else "nothing (a broken link)")
        out.append(FileResult(e.rel, None if is_dir else lang, "skipped",
                              reason=f"symlink to {what} outside the repo: not followed, copied as a link; "
                                     "migrate what it points to separately if it is yours"))
    return out


def _write_result(r: FileResult, src: Path, out: Path | None, in_place: bool, diffs: dict | None) -> list[str]:
    """Write one result's new bytes and generated files; returns the relative paths written."""
    from migrate import diffs as difflib_
    from migrate import writer

    base = out if out is not None else (src if in_place else None)
    done = []
    if r.status == "changed":
        old = (src / r.path).read_bytes()
        if base is not None:
            mode = os.stat(src / r.path, follow_symlinks=False).st_mode
            writer.atomic_write(base / r.path, r.new_data, mode, root=base)
            done.append(r.path)
        if diffs is not None:
            diffs[r.path] = difflib_.unified(r.path, old, r.new_data)
    for gen_rel, data in list(r.generated.items()):
        safe = _safe_rel(gen_rel)
        existing = src / safe
        if existing.is_file() and not existing.is_symlink():
            # An earlier run generated it (same bytes: nothing to do, the copy keeps it), or it is
            # somebody's own file: never overwritten.
            if existing.read_bytes() != data:
                r.reason = (r.reason + "; " if r.reason else "") + f"{safe} exists and differs: not overwritten"
            del r.generated[gen_rel]
            continue
        if base is not None:
            writer.atomic_write(base / safe, data, 0o644, root=base)
            done.append(safe)
        if diffs is not None:
            diffs[safe] = difflib_.unified(safe, b"", data)
    return done


def _os_reason(e: Exception) -> str:
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return str(e)


def _safe_rel(rel: str) -> str:
    parts = [p for p in rel.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        raise ValueError(f"generated path escapes the tree: {rel!r}")
    return "/".join(parts)


def check_paths(src: Path, out: Path | None, in_place: bool, force: bool) -> None:
    """Refuse what would lose data: --out inside SRC or SRC inside --out; --in-place on a tree git
    cannot restore (not a work tree, or uncommitted changes) unless --force."""
    if not src.exists():
        raise UsageError(f"{src}: no such file or folder")
    if not src.is_dir():
        raise UsageError(f"{src}: `migrate run` takes a folder; use `migrate check FILE` or `migrate diff FILE` for single files")
    if out is None and not in_place:
        raise UsageError("say where to write: --out DST for a migrated copy, or --in-place to rewrite SRC (a clean git tree)")
    if out is not None and in_place:
        raise UsageError("--out and --in-place exclude each other")
    if out is not None:
        if discover.inside(out, src):
            raise UsageError(f"--out {out} is inside SRC {src}; choose a folder outside it")
        if discover.inside(src, out):
            raise UsageError(f"SRC {src} is inside --out {out}; choose another output folder")
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out {out} exists and is not a folder")
    if in_place and not force:
        import subprocess

        try:
            top = subprocess.run(["git", "-C", str(src), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
        except FileNotFoundError:
            raise UsageError("--in-place needs git to protect your files, and git is not installed; use --out, or --force") from None
        if top.returncode != 0:
            raise UsageError(f"{src} is not in a git work tree: --in-place would leave no way back. "
                             "Commit it to git first, use --out DST, or pass --force")
        dirty = subprocess.run(["git", "-C", str(src), "status", "--porcelain", "--", "."], capture_output=True, text=True)
        if dirty.stdout.strip():
            n = len(dirty.stdout.strip().splitlines())
            raise UsageError(f"{src} has {n} uncommitted change(s): commit or stash them first so the migration "
                             "is a clean diff, or pass --force")
