"""A content-hash cache of per-file results, so a second `migrate run` over an unchanged tree
does not parse anything again (like ruff's cache).

A file's result is reused only when all of these are unchanged:
  - the file's bytes (BLAKE2b of the content) and its path (the name picks the language);
  - the tool: its version and the source of its Python modules (a development checkout whose
    code changed gets a fresh cache even without a version bump);
  - the rules (every rules/**/*.yaml file's content);
  - the settings (target, select/ignore, unsafe fixes, shim, excludes);
  - the API tables of the target torch_npu release (their files' content);
  - the project's re-export index (what the project's own modules import from CUDA-only
    libraries: lang/python/project.py), since it changes how other files' imports resolve.
The tool, rules, settings and tables make up one fingerprint; a cache with another fingerprint is never read, and
is deleted when the new one is saved. Nothing is trusted from file times.

Layout, in DIR (by default the output tree's `.migrate/cache`, which git ignores):
  index-<fingerprint>.pickle   {"files": rel path -> (key, blob name or None, FileResult),
                                "project": rel path -> (content hash, the file's re-exports)}
                                where key is the content hash plus the fingerprint of the
                                project's re-export index (another file's imports can change a
                                file's result: lang/python/project.py)
  blobs/<hash>                  the migrated bytes of a changed file
Writes are atomic; a cache that cannot be read (truncated, another Python) is ignored.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import os
from pathlib import Path

from migrate.model import FileResult

_FORMAT = 2


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def fingerprint(settings) -> str:
    """One hash of everything besides a file's own bytes that decides its result."""
    from migrate import __version__
    from migrate.resources import data_dir, resource_dir

    h = hashlib.blake2b(digest_size=16)
    h.update(f"format {_FORMAT}\nmigrate {__version__}\n".encode())
    h.update(settings.fingerprint().encode())
    pkg = Path(__file__).resolve().parent
    roots = [("code", pkg, "*.py"), ("rules", resource_dir("rules"), "*.yaml"),
             ("tables", data_dir() / "torch_npu" / settings.target, "*")]
    for label, root, pattern in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(f"\n{label} {path.relative_to(root).as_posix()}\n".encode())
                h.update(path.read_bytes())
    return h.hexdigest()


class Cache:
    def __init__(self, directory: Path, fp: str):
        self.dir = Path(directory)
        self.fp = fp
        self.index_path = self.dir / f"index-{fp}.pickle"
        doc = self._load()
        self._old: dict[str, tuple] = doc.get("files", {})
        self._old_project: dict[str, tuple] = doc.get("project", {})
        self._new: dict[str, tuple] = {}
        self._new_project: dict[str, tuple] = {}
        self.hits = 0
        self.misses = 0

    def _load(self) -> dict:
        import pickle  # here, not at import: `migrate check` only needs digest()

        try:
            with open(self.index_path, "rb") as f:
                doc = pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return {}
        if not isinstance(doc, dict) or not isinstance(doc.get("files"), dict) or not isinstance(doc.get("project"), dict):
            return {}
        return doc

    def known(self, rel: str) -> bool:
        return rel in self._old or rel in self._old_project

    def project_exports(self, rel: str, content_hash: str) -> list | None:
        """What this file re-exports for the project index (lang/python/project.py), if cached
        for these exact bytes."""
        got = self._old_project.get(rel)
        if got is None or got[0] != content_hash:
            return None
        self._new_project[rel] = got
        return list(got[1])

    def put_project_exports(self, rel: str, content_hash: str, exports) -> None:
        self._new_project[rel] = (content_hash, tuple(exports))

    def get(self, rel: str, content_hash: str) -> FileResult | None:
        """The cached result for these exact bytes, with new_data loaded; None on a miss."""
        got = self._old.get(rel)
        if got is None or got[0] != content_hash:
            return None
        _hash, blob, result = got
        data = None
        if blob is not None:
            try:
                data = (self.dir / "blobs" / blob).read_bytes()
            except OSError:
                return None
            if digest(data) != blob:
                return None  # damaged blob: migrate the file again
        self._new[rel] = got
        self.hits += 1
        # a copy: what the run does to the result (reasons added, generated files another file's
        # result holds) must not be saved as the file's own result
        result = copy.copy(result)
        result.new_data = data
        return result

    def put(self, rel: str, content_hash: str, result: FileResult, keep: bool = True) -> None:
        """Remember a fresh result (call before its new_data is dropped); keep=False only counts
        the miss."""
        from migrate.writer import atomic_write

        self.misses += 1
        if result.status == "error" or not keep:
            return  # an internal error may be transient (unreadable file): try again next time
        blob = None
        if result.new_data is not None:
            blob = digest(result.new_data)
            path = self.dir / "blobs" / blob
            if not path.exists():
                atomic_write(path, result.new_data, 0o644)
        saved = dataclasses.replace(result, new_data=None)  # every other field, new ones too
        self._new[rel] = (content_hash, blob, saved)

    def save(self) -> None:
        """Write the index of this run's files; drop other fingerprints' indexes and unused blobs."""
        import pickle

        from migrate.writer import atomic_write

        self.dir.mkdir(parents=True, exist_ok=True)
        doc = {"files": self._new, "project": self._new_project}
        atomic_write(self.index_path, pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL), 0o644)
        for p in self.dir.glob("index-*.pickle"):
            if p != self.index_path:
                _unlink(p)
        used = {blob for _h, blob, _r in self._new.values() if blob}
        blobs = self.dir / "blobs"
        if blobs.is_dir():
            for p in blobs.iterdir():
                if p.name not in used:
                    _unlink(p)


def _unlink(p: Path) -> None:
    try:
        os.unlink(p)
    except OSError:
        pass
