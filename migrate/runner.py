"""Run the pipeline over a tree: discover -> migrate each file (in N processes) -> write -> report.

Results stream back as each file is done, so memory stays flat: a changed file is written and
its new bytes dropped at once; only diffs and findings are kept for the report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable, Iterator

from migrate import discover, languages, timing
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
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for report.json
    cache: dict | None = None  # {"dir", "hits", "misses"} when the cache was on


_SETTINGS: Settings | None = None
_ROOT: Path | None = None
_DIFFS = True
_PROJECT = None
_PROJECT_BLOB: bytes | None = None


def _init_worker(root: str, settings: Settings, want_diffs: bool = True) -> None:
    global _SETTINGS, _ROOT, _DIFFS
    _SETTINGS, _ROOT, _DIFFS = settings, Path(root), want_diffs


def _work(task: tuple[str, bytes | None]) -> tuple[FileResult, str | None, dict]:
    """One file in a worker. The project index comes with each task (pickled, ~1 KB on transformers,
    unpickled once per worker) because the pool is started before the index is built."""
    global _PROJECT, _PROJECT_BLOB
    assert _ROOT is not None and _SETTINGS is not None
    rel, blob = task
    if blob != _PROJECT_BLOB:
        import pickle

        _PROJECT, _PROJECT_BLOB = (pickle.loads(blob) if blob else None), blob
    return _one(_ROOT, rel, _SETTINGS, _DIFFS, _PROJECT)


def _one(root: Path, rel: str, settings: Settings, want_diffs: bool, project=None) -> tuple[FileResult, str | None, dict]:
    """One file, as a worker does it: (result with its diff, hash of the bytes read, stage timings)."""
    try:
        data = (root / rel).read_bytes()
    except OSError as e:
        return (FileResult(rel, languages.classify(rel), "error", reason=f"cannot read: {e.strerror or e}"),
                None, timing.take())
    return _migrate_bytes(rel, data, settings, want_diffs, project)


def _migrate_bytes(rel: str, data: bytes, settings: Settings, want_diffs: bool, project) -> tuple[FileResult, str, dict]:
    from migrate import cache

    r = migrate_file(rel, data, settings, project=project)
    if r.status == "changed" and want_diffs and r.new_data is not None:
        from migrate import diffs

        t = timing.clock()
        r.diff = diffs.unified(rel, data, r.new_data)
        timing.add("diff", timing.clock() - t)
    return r, cache.digest(data), timing.take()


def migrate_one(root: Path, rel: str, settings: Settings, project=None) -> FileResult:
    return _one(root, rel, settings, False, project)[0]


_EXPORT_PLANS: dict = {}


def _export_plan(settings: Settings):
    """What the re-export pre-pass looks for (per process, per settings): a quick test for an import
    line naming a CUDA-only library, and the test of a qualname the api rules care about."""
    key = (settings.select, settings.ignore)  # all the plan depends on
    if key in _EXPORT_PLANS:
        return _EXPORT_PLANS[key]
    from migrate import ruleset
    from migrate.lang.python import matchers

    rules = [r for r in ruleset.select(ruleset.rules_for("python"), settings.select, settings.ignore) if r.matcher == "api"]
    # the CUDA-only libraries the rules name (apex, flash_attn, ...). Not torch: every module
    # imports torch, and a file that takes `torch` or `nn` from a project module is rare, while
    # indexing them would send every file of a big repo to the parser (`mentioned_in`).
    libraries = sorted({pat.split(".")[0] for r in rules for entry in r.options.get("apis", ())
                        for pat in entry["match"]} - {"torch"})
    plan = None
    if libraries:
        # only files with an import line naming one of them (as the first part of a dotted name:
        # `from .integrations.deepspeed import x` is the project's own) are parsed. One RE2 search
        # per file (a DFA pass; 8x faster than finding the keywords and testing their lines); the
        # name is at the start of what follows the keyword or after a character that is not in
        # [\w.] (what a look-behind would say, which RE2 does not have)
        import re2

        opts = re2.Options()
        opts.encoding = re2.Options.Encoding.LATIN1  # any bytes: a Latin-1 file's line is still a line
        import_line = re2.compile(rb"(?m)^[ \t]*(?:from|import)[ \t](?:[^\n]*[^\w.\n])?(?:"
                                  + b"|".join(re2.escape(x.encode()) for x in libraries) + rb")\b", opts)

        def imports_one(data: bytes) -> bool:
            return import_line.search(data) is not None

        api = matchers.get("api")
        roots = frozenset(libraries)

        def cares(q: str) -> bool:
            return q.split(".", 1)[0] in roots and any(api.cares(r, q) for r in rules)

        plan = (imports_one, cares, roots)
    _EXPORT_PLANS[key] = plan
    return plan


def _exports_of(root: Path, rel: str, settings: Settings, want_hash: bool, own: frozenset | None = None,
                want_diffs: bool = False) -> tuple | None:
    """(rel, hash of the bytes read if wanted, what the file re-exports, speculation); None when it
    cannot be read. With `own` (the project's own packages among the CUDA-only libraries), a file
    parsed for its re-exports is also migrated, on the tree just built (tsutil.parse keeps it):
    speculation is (result, content hash, stage timings, project.AskedNames), and the result stands
    when the finished index re-exports none of the names the migration looked up."""
    from migrate.cache import digest
    from migrate.lang.python import project

    imports_one, cares, _libraries = _export_plan(settings)
    try:
        data = (root / rel).read_bytes()
    except OSError:
        return None
    got, speculation = [], None
    if imports_one(data):
        got = project.file_exports(rel, data, cares)
        if own is not None:
            asked = project.AskedNames(own)
            speculation = (*_migrate_bytes(rel, data, settings, want_diffs, asked), asked)
    content_hash = None
    if want_hash:  # the migration hashed the bytes already, when there was one
        content_hash = speculation[1] if speculation is not None else digest(data)
    return rel, content_hash, got, speculation


def _work_exports(task: tuple[list[str], bool, frozenset | None]) -> list:
    assert _ROOT is not None and _SETTINGS is not None
    rels, want_hash, own = task
    return [_exports_of(_ROOT, rel, _SETTINGS, want_hash, own, _DIFFS) for rel in rels]


def project_index(root: Path, entries: list[discover.Entry], settings: Settings, *,
                  hashes: dict[str, str] | None = None, store=None, pool=None,
                  done: dict | None = None, want_diffs: bool = False):
    """Names the project's own Python modules re-export from CUDA-only libraries (see
    lang/python/project.py). Parses only the Python files with an import line naming one.

    With a run cache (`store`) and the content hashes of the files (`hashes`), each file's exports
    are reused while its bytes are unchanged, and recorded for the next run. With a `pool` (from
    start_pool), the files are read in its workers. With `done` (a dict), the files parsed here
    are migrated here too, and the results that the finished index confirms are put in `done`
    (rel -> (result, content hash, stage timings)), so the migration does not parse them again."""
    from migrate.lang.python import project

    plan = _export_plan(settings)
    if plan is None:
        return None
    # a CUDA-only library that is one of the project's own packages (a fork of apex being ported)
    _imports_one, _cares, libraries = plan
    own = project.own_packages(e.rel for e in entries) & libraries
    exports: list = []
    todo: list[str] = []
    # largest first, as the migration: the big modules are the ones that import CUDA-only
    # libraries and get parsed and migrated here, so they start early and no worker ends alone
    for e in sorted(entries, key=lambda e: (-e.size, e.rel)):
        if not e.rel.endswith(".py") or e.size >= 4_000_000:
            continue
        h = hashes.get(e.rel) if hashes is not None else None
        if store is not None and h is not None:
            got = store.project_exports(e.rel, h)
            if got is not None:  # this file's exports, from the cache: not read again
                exports += got
                continue
        todo.append(e.rel)
    want_hash = store is not None
    speculate = own if done is not None else None
    if pool is not None and len(todo) >= 64:
        tasks = [(todo[i:i + 32], want_hash, speculate) for i in range(0, len(todo), 32)]
        found = (x for part in pool.imap_unordered(_work_exports, tasks) for x in part)
    else:
        found = (_exports_of(root, rel, settings, want_hash, speculate, want_diffs) for rel in todo)
    speculated = []
    for x in found:
        if x is None:
            continue
        rel, h, got, speculation = x
        if store is not None:
            store.put_project_exports(rel, h, got)  # keyed by the bytes that were read
        exports += got
        if speculation is not None:
            speculated.append(speculation)
    index = project.from_exports(exports, own)
    index = index if index.exports or index.own else None
    for r, content_hash, spent, asked in speculated:
        if asked.holds_for(index):
            done[r.path] = (r, content_hash, spent)
    return index


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
        if lang is not None and languages.has_handler(lang):
            out.append(e)
    return out


def iter_results(root: Path, entries: list[discover.Entry], settings: Settings, jobs: int,
                 project=None) -> Iterator[FileResult]:
    """Migrate files, largest first so the pool stays balanced; yields as each is done."""
    for r, _hash, _t in _iter(root, entries, settings, jobs, want_diffs=False, project=project):
        yield r


def _iter(root: Path, entries: list[discover.Entry], settings: Settings, jobs: int, want_diffs: bool,
          project=None, pool=None) -> Iterator[tuple[FileResult, str | None, dict]]:
    """`pool`: one from start_pool, already running (its workers start while the caller builds the
    project index): the files are handed to it at once, before the caller reads the results;
    otherwise one is started here when the work is worth it."""
    ordered = sorted(entries, key=lambda e: (-e.size, e.rel))
    rels = [e.rel for e in ordered]
    if pool is None and (jobs <= 1 or len(rels) < 2 * jobs):
        return (_one(root, rel, settings, want_diffs, project) for rel in rels)
    import pickle

    blob = pickle.dumps(project, protocol=pickle.HIGHEST_PROTOCOL) if project is not None else None
    # small chunks: sizes fall steeply (largest first), so big chunks would leave one worker
    # with the tail; 4 files per task keeps the pipe traffic low all the same
    chunk = max(1, min(4, len(rels) // (jobs * 16)))
    tasks = [(rel, blob) for rel in rels]
    if pool is not None:
        return pool.imap_unordered(_work, tasks, chunksize=chunk)
    return _in_own_pool(root, settings, jobs, want_diffs, tasks, chunk)


def _in_own_pool(root: Path, settings: Settings, jobs: int, want_diffs: bool, tasks: list, chunk: int):
    with start_pool(root, settings, jobs, want_diffs) as workers:
        yield from workers.imap_unordered(_work, tasks, chunksize=chunk)


def start_pool(root: Path, settings: Settings, jobs: int, want_diffs: bool):
    """N worker processes, returned at once: they import the pipeline while the caller goes on."""
    return _pool_class()(jobs, initializer=_init_worker, initargs=(str(root), settings, want_diffs),
                         context=_context())


@cache
def _pool_class():
    """multiprocessing.Pool whose worker-handler thread does not wake for every result.

    Since Python 3.8 (bpo-35493) that thread waits on the pipe the results come back on, besides
    the workers' sentinels and the pool's change notifier; while a result waits there for the
    result-handler thread, every wait returns at once and the thread loops, polling each worker:
    0.45 CPU-s of the main process on transformers (its own thread, per /proc), competing with the
    workers for the two cores. It only needs to wake when a worker exits (its sentinel) or the
    pool changes state or drains (the change notifier, which close(), terminate() and the task
    cache signal), so the results pipe is left out. Where the notifier is not there (another
    Python), the pool is used as it is."""
    from multiprocessing.pool import Pool

    class QuietPool(Pool):
        def _get_sentinels(self):
            notifier = getattr(self, "_change_notifier", None)
            return super()._get_sentinels() if notifier is None else [notifier._reader]

    return QuietPool


def _context():
    import multiprocessing as mp

    ctx = mp.get_context("forkserver" if os.name == "posix" else "spawn")
    if os.name == "posix":
        # import the pipeline once in the fork server, not once per worker
        ctx.set_forkserver_preload(["migrate.runner", "migrate.warm"])
    return ctx


def start_fork_server(jobs: int, cache_dir: Path | None) -> None:
    """Boot the fork server for a cold run (no cache index: most files will go to the workers),
    as early as the caller knows it is one."""
    if (jobs or default_jobs()) > 1 and (cache_dir is None or not any(cache_dir.glob("index-*.pickle"))):
        boot_fork_server()


def boot_fork_server() -> None:
    """Start the fork server now, without waiting for it: it imports the pipeline (~0.25 s) on
    another core while this process walks the tree, instead of holding up the first worker."""
    if os.name == "posix":
        from multiprocessing import forkserver

        _context()
        forkserver.ensure_running()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def run(src: Path, settings: Settings, *, out: Path | None = None, in_place: bool = False, jobs: int = 0,
        progress: Callable[[int, int, str], None] | None = None, want_diffs: bool = True,
        cache_dir: Path | None = None) -> RunResult:
    """`cache_dir`: reuse per-file results from there (migrate/cache.py); None turns the cache off."""
    from migrate import writer

    jobs = jobs or default_jobs()
    start_fork_server(jobs, cache_dir)
    times: dict[str, float] = {}
    t0 = timing.clock()
    walk = discover.walk(src, settings.exclude)
    todo = candidates(walk, src)
    t1 = timing.clock()
    times["discover"] = t1 - t0

    store = None
    results: list[FileResult] = []
    diffs: dict[str, str] = {}
    total = len(todo)
    done = 0
    write_s = 0.0
    produced: set[str] = set()  # output paths written from results (not to be copied over)
    checked: set[str] = set()  # output folders found to be real folders (writer._check_parents)
    claims = GeneratedClaims()
    # an output folder this run creates holds nothing yet: no copy there can be up to date
    fresh = out is not None and not os.path.lexists(out)
    seen: set[str] = set()  # files whose result came back (copied or written then)

    def finish(r: FileResult) -> None:
        nonlocal done, write_s
        done += 1
        if progress:
            progress(done, total, r.path)
        tw = timing.clock()
        try:
            produced.update(_write_result(r, src, out, in_place, diffs if want_diffs else None, claims, checked))
        except (OSError, ValueError) as e:
            # One file that cannot be written is reported for that file; the run goes on.
            diffs.pop(r.path, None)
            r.status, r.reason = "error", f"cannot write the migrated file: {_os_reason(e)}; left unchanged"
            claims.release(r)
            r.generated = {}
            for f in r.findings:
                f.fixed = False
        if r.status != "changed" and out is not None and r.path not in produced:
            try:  # the unchanged copy, now, while the workers still run
                if fresh or not writer.same_copy(src / r.path, out / r.path):
                    writer.copy_file(src / r.path, out / r.path, root=out, checked=checked)
            except OSError as err:
                walk.problems.append((r.path, f"not copied to the output: {_os_reason(err)}"))
        r.new_data = None  # written; keep memory flat
        r.diff = None  # kept once, in `diffs`
        results.append(r)
        seen.add(r.path)
        write_s += timing.clock() - tw

    misses = todo
    pool = None  # started before the project index when most files will go to the workers

    def early_pool(unknown: int):
        return start_pool(src, settings, jobs, want_diffs) if jobs > 1 and unknown >= 2 * jobs else None

    stages: dict[str, float] = {}
    early: dict[str, tuple] = {}  # files the re-export pre-pass parsed and migrated (project_index)

    def remember(r: FileResult, content_hash: str | None) -> None:
        # In place, a changed file's bytes (its key) are gone once it is written: its entry could
        # only be hit after a revert, and would cost a stored copy of the migrated bytes (a file
        # creation each: 77 on transformers)
        if store is not None and content_hash is not None:
            store.put(r.path, content_hash + pfp, r, keep=not (in_place and r.status == "changed"))

    def absorb(r: FileResult, content_hash: str | None, spent: dict) -> None:
        """One fresh result: its stage timings, its cache entry, its output."""
        for k, v in spent.items():
            stages[k] = stages.get(k, 0.0) + v
        remember(r, content_hash)
        finish(r)

    try:  # the pool (when started early) is stopped however this ends
        if cache_dir is None:
            pool = early_pool(len(todo))
            tp = timing.clock()
            project = project_index(src, todo, settings, pool=pool, done=early, want_diffs=want_diffs)
            times["project"] = timing.clock() - tp
            pfp = ""
            misses = [e for e in todo if e.rel not in early]
        else:
            from migrate import cache as cache_mod

            store = cache_mod.Cache(cache_dir, cache_mod.fingerprint(settings))
            hashes: dict[str, str] = {}
            for e in todo:  # one read per file the cache knows; the others go to the workers
                if store.known(e.rel):
                    try:
                        hashes[e.rel] = cache_mod.digest((src / e.rel).read_bytes())
                    except OSError:
                        pass
            pool = early_pool(len(todo) - len(hashes))
            tp = timing.clock()
            # results depend on the project's re-exports too (another file's imports): they are part
            # of each cached result's key
            project = project_index(src, todo, settings, hashes=hashes, store=store, pool=pool, done=early,
                                    want_diffs=want_diffs)
            times["project"] = timing.clock() - tp
            pfp = project.fingerprint() if project is not None else ""
            misses = []
            for e in todo:
                if e.rel in early:
                    continue
                h = hashes.get(e.rel)
                hit = store.get(e.rel, h + pfp) if h is not None else None
                if hit is None:
                    misses.append(e)
                else:
                    finish(hit)
            times["cache"] = timing.clock() - t1 - write_s - times["project"]

        tm = timing.clock()
        # with a pool, the files go to the workers now, and the pre-pass's results are written
        # while they work (35 files on transformers: 0.04-0.2 s the workers sat idle)
        pending = _iter(src, misses, settings, jobs, want_diffs, project, pool)
        for rel in sorted(early):
            absorb(*early[rel])
        for got in pending:
            absorb(*got)
    finally:
        if pool is not None:
            pool.terminate()
    times["migrate_wall"] = timing.clock() - tm
    claims.settle()
    # per-file stages, summed over the worker processes (CPU-seconds, not wall)
    times["prefilter"] = stages.get("prefilter", 0.0)
    times["parse"] = stages.get("parse", 0.0)
    times["rewrite"] = max(0.0, stages.get("migrate", 0.0) - stages.get("parse", 0.0))
    times["diff"] = stages.get("diff", 0.0)

    tc = timing.clock()
    results.extend(_links_out_of_root(src, walk))
    copied = 0
    if out is not None:
        for e in walk.entries:
            try:
                if e.kind == "symlink":
                    writer.copy_symlink(e.link or "", out / e.rel, root=out)
                elif e.rel not in produced and e.rel not in seen:
                    dst = out / e.rel
                    if fresh or not writer.same_copy(src / e.rel, dst):
                        writer.copy_file(src / e.rel, dst, root=out, checked=checked)
                        copied += 1
            except OSError as err:
                walk.problems.append((e.rel, f"not copied to the output: {_os_reason(err)}"))
    if store is not None:
        store.save()
    times["write"] = write_s + timing.clock() - tc
    cache_info = None if store is None else {"dir": str(cache_dir), "hits": store.hits, "misses": store.misses}
    return RunResult(results, diffs, walk, copied, timings={k: round(v, 4) for k, v in times.items()},
                     cache=cache_info)


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
        if not is_dir and (lang is None or not languages.has_handler(lang)):
            continue
        what = "a folder" if is_dir else ("a file" if os.path.exists(target) else "nothing (a broken link)")
        out.append(FileResult(e.rel, None if is_dir else lang, "skipped",
                              reason=f"symlink to {what} outside the repo: not followed, copied as a link; "
                                     "migrate what it points to separately if it is yours"))
    return out


def _write_result(r: FileResult, src: Path, out: Path | None, in_place: bool, diffs: dict | None,
                  claims: GeneratedClaims | None = None, checked: set[str] | None = None) -> list[str]:
    """Write one result's new bytes and generated files (skipping outputs that already hold the
    same bytes); returns the relative paths the output now holds from this result."""
    from migrate import diffs as difflib_
    from migrate import writer

    base = out if out is not None else (src if in_place else None)
    done = []
    if r.status == "changed":
        if base is not None:
            if not writer.same_content(base / r.path, r.new_data):
                mode = os.stat(src / r.path, follow_symlinks=False).st_mode
                writer.atomic_write(base / r.path, r.new_data, mode, root=base, checked=checked)
            done.append(r.path)
        if diffs is not None:
            if r.diff is None:  # the workers compute it; a cached or in-process result may not have it
                r.diff = difflib_.unified(r.path, (src / r.path).read_bytes(), r.new_data)
            diffs[r.path] = r.diff
    kept: dict[str, bytes] = {}  # a new dict: the cache holds the result's own (a warm run decides again)
    for gen_rel, data in r.generated.items():
        safe = _safe_rel(gen_rel)
        existing = src / safe
        if existing.is_file() and not existing.is_symlink():
            # An earlier run generated it (same bytes: nothing to do, the copy keeps it), or it is
            # somebody's own file: never overwritten.
            if existing.read_bytes() != data:
                _add_reason(r, f"{safe} exists and differs: not overwritten")
            continue
        if claims is not None and not claims.take(safe, r):
            continue
        kept[gen_rel] = data
        if base is not None:
            if not writer.same_content(base / safe, data):
                writer.atomic_write(base / safe, data, 0o644, root=base, checked=checked)
            done.append(safe)
        if diffs is not None:
            diffs[safe] = difflib_.unified(safe, b"", data)
    r.generated = kept
    return done


def _add_reason(r: FileResult, text: str) -> None:
    r.reason = f"{r.reason}; {text}" if r.reason else text


class GeneratedClaims:
    """Which file's result writes each generated file, the same whatever order results come in
    (`--jobs N` like `--jobs 1`, a warm run like a cold one). Two CUDA sources in one folder that
    define kernels of the same names (a header and its copy: transformers' deta kernels) would
    write the same `ascendc/<kernel>.cpp`; the source first in path order keeps it, and the other's
    result says so (settle), instead of the later result silently overwriting the first."""

    def __init__(self) -> None:
        self.owner: dict[str, FileResult] = {}
        self.lost: dict[str, tuple[FileResult, list[str]]] = {}  # source path -> (its result, files it lost)

    def take(self, rel: str, r: FileResult) -> bool:
        """Whether `r` writes `rel` now; the result that held it before loses it."""
        held = self.owner.get(rel)
        if held is not None and held.path != r.path:
            winner, loser = (r, held) if r.path < held.path else (held, r)
            loser.generated = {k: v for k, v in loser.generated.items() if _safe_rel(k) != rel}
            self.lost.setdefault(loser.path, (loser, []))[1].append(rel)
            if winner is held:
                return False
        self.owner[rel] = r
        return True

    def release(self, r: FileResult) -> None:
        """`r` wrote nothing after all (its write failed): its claims go."""
        for rel in [rel for rel, held in self.owner.items() if held is r]:
            del self.owner[rel]

    def settle(self) -> None:
        """One reason per result that lost files, naming the file that writes them (once every
        result is in: a third source first in path order may have taken them since)."""
        for loser, rels in self.lost.values():
            by_owner: dict[str, list[str]] = {}
            for rel in rels:
                if rel in self.owner:
                    by_owner.setdefault(self.owner[rel].path, []).append(rel)
            for owner, mine in sorted(by_owner.items()):
                mine.sort()
                _add_reason(loser, f"{len(mine)} generated file(s) not written ({mine[0]}{', ...' if len(mine) > 1 else ''}): "
                                   f"{owner} defines kernels of the same names, and comes first in path order")


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
