"""Names a project's own modules re-export from CUDA-only libraries.

`dist_utils.py` does `from apex import amp` inside a try block, and `main.py` does
`from dist_utils import amp`: per file, `amp` in main.py looks like the project's own name. A
cheap pre-pass over the files that import such libraries records (module, name, qualname), so
main.py's `amp.initialize(...)` is reported as apex. Re-exports are only reported at their uses;
the defining module is migrated itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath


def module_name(rel: str) -> str | None:
    p = PurePosixPath(rel)
    if p.suffix != ".py":
        return None
    parts = list(p.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(x.isidentifier() for x in parts):
        return None
    return ".".join(parts)


def resolve_relative(current_rel: str, dots: int, module: str) -> str | None:
    """`from ..x import y` in pkg/sub/mod.py -> "pkg.x"."""
    base = current_rel.split("/")[:-1]  # the folders (a walk's relative path: no "." or "" parts)
    if dots > 1:
        if dots - 1 > len(base):
            return None
        base = base[: len(base) - (dots - 1)]
    parts = base + ([module] if module else [])
    return ".".join(parts) if parts else None


@dataclass(frozen=True)
class ProjectIndex:
    """(module, name) -> qualname for names project modules import from interesting libraries."""

    exports: tuple[tuple[str, str, str], ...] = ()
    # CUDA-only libraries that are this project's own top-level packages (migrating a fork of
    # apex or bitsandbytes itself): their imports are the project's code, not a dependency
    own: frozenset[str] = frozenset()
    _map: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def lookup(self, module: str, name: str) -> str | None:
        pairs = self._map.get("__pairs__")
        if pairs is None:
            pairs = self._map["__pairs__"] = {(m, n): q for m, n, q in self.exports}
        return pairs.get((module, name))

    def mentioned_in(self, data: bytes) -> bool:
        """Whether a file may import one of the re-exported names (a prefilter, like trigger words).
        Index.build only takes them from `from MODULE import NAME` with MODULE the exporting module,
        written absolute or relative: so a file must name NAME and also the last part of MODULE
        (`from .dist_utils import amp`, `from pkg.dist_utils import amp`), unless it has a bare
        relative import (`from . import amp`, `from .. import amp`), whose module is not written.
        A name alone sends too much: transformers re-exports `RotaryEmbedding` and `triton`.
        One pass of an RE2 Set: the names as words (ids below len(names)), then the modules' last
        parts and the bare relative import."""
        if not self.exports:
            return False
        plan = self._map.get("__plan__")
        if plan is None:
            import re2

            opts = re2.Options()
            opts.encoding = re2.Options.Encoding.LATIN1
            found_by = re2.Set.SearchSet(opts)
            names = sorted({n.encode() for _m, n, _q in self.exports})
            for n in names:
                found_by.Add(rb"\b" + re2.escape(n) + rb"\b")
            for m in sorted({m.rsplit(".", 1)[-1].encode() for m, _n, _q in self.exports}):
                found_by.Add(re2.escape(m))
            found_by.Add(BARE_RELATIVE)
            found_by.Compile()
            plan = self._map["__plan__"] = (found_by, len(names))
        found_by, n_names = plan
        found = found_by.Match(data)
        return found is not None and min(found) < n_names <= max(found)

    def fingerprint(self) -> str:
        import hashlib

        return hashlib.sha256(repr((self.exports, sorted(self.own))).encode()).hexdigest()[:16]


class AskedNames:
    """Stands in for the ProjectIndex while it is being built: the re-export pre-pass migrates
    the files it parses (runner._exports_of) before the index is known. It re-exports nothing
    and records each (module, name) that Index.build looks up, so the result holds for the
    finished index when that has none of them."""

    exports = True  # Index.build looks up every name of every `from MODULE import NAME`

    def __init__(self, own: frozenset[str]):
        self.own = own
        self.asked: set[tuple[str, str]] = set()
        self.unwanted = False

    def lookup(self, module: str, name: str) -> None:
        self.asked.add((module, name))
        return None

    def mentioned_in(self, data: bytes) -> bool:
        # the rules' prefilter passed the file over; whether the index sends it to the parser
        # is not known yet (core.migrate_file), so this result cannot stand
        self.unwanted = True
        return False

    def holds_for(self, index: ProjectIndex | None) -> bool:
        """Whether a migration that saw this stand-in is what `index` would give."""
        own = index.own if index is not None else frozenset()
        return (not self.unwanted and own == self.own
                and (index is None or all(index.lookup(m, n) is None for m, n in self.asked)))


# `from . import x`, `from .. import x`, `from . . import x`, over a line continuation
BARE_RELATIVE = rb"\bfrom(?:[ \t\n\r\f\v]|\\\r?\n)*\.(?:[. \t\n\r\f\v]|\\\r?\n)*import\b"


def from_exports(exports, own=frozenset()) -> ProjectIndex:
    """The index of `exports`, less what re-exports the project's `own` packages (its own code)."""
    own = frozenset(own)
    return ProjectIndex(tuple(sorted({e for e in exports if e[2].split(".", 1)[0] not in own})), own)


def own_packages(rels) -> frozenset[str]:
    """Top-level packages of the scanned tree: `X/__init__.py` at the root or under `src/`."""
    out = set()
    for rel in rels:
        parts = rel.split("/")
        if parts[-1] == "__init__.py" and (len(parts) == 2 or (len(parts) == 3 and parts[0] == "src")):
            out.add(parts[-2])
    return frozenset(out)


def file_exports(rel: str, data: bytes, cares) -> list[tuple[str, str, str]]:
    """(module, name, qualname) for what one file re-exports: depends only on its path, its bytes
    and the rules (so the run cache can keep it per file)."""
    from migrate.lang.python.index import import_statements, imported_names
    from migrate.lang.python.tsutil import parse

    mod = module_name(rel)
    if mod is None or not _IMPORTS.search(data):
        return []
    try:
        root = parse(data).root_node
    except Exception:  # noqa: BLE001 - an unparsable file exports nothing
        return []
    out = []
    for stmt in import_statements(root, data):  # from the keywords, as the migration finds them
        if _in_function(stmt):
            continue
        for imp in imported_names(stmt):
            if cares(imp.qualname):
                out.append((mod, imp.local, imp.qualname))
    return out


_IMPORTS = re.compile(rb"^\s*(from|import)\s", re.M)


def _in_function(node) -> bool:
    node = node.parent
    while node is not None:
        if node.type in ("function_definition", "class_definition", "lambda"):
            return True
        node = node.parent
    return False
