"""Which language handler a file goes to, decided from its name (and shebang for scripts).

A handler is a module with `migrate(ctx)` and optionally `finalize(ctx) -> list[Edit]` (edits
that depend on which fixes were applied, e.g. adding `import torch_npu`) and
`validate(ctx, new_source) -> str | None` (a reason when the output is not valid) and
`wants(data, rules, settings) -> bool` (False when no rule can act on a file the byte prefilter
passed, from where the trigger words stand: in comments, say).
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from pathlib import PurePosixPath

# language id -> handler module. A language whose module is missing is copied unchanged.
HANDLERS = {
    "python": "migrate.lang.python",
    "cuda": "migrate.lang.cuda",
    "shell": "migrate.lang.shell",
    "makefile": "migrate.lang.shell",
    "requirements": "migrate.lang.requirements",
    "conda": "migrate.lang.requirements",
    "yaml": "migrate.lang.config",
    "json": "migrate.lang.config",
    "toml": "migrate.lang.config",
    "ini": "migrate.lang.config",
    "dockerfile": "migrate.lang.docker",
    "cmake": "migrate.lang.cmake",
    "notebook": "migrate.lang.notebook",
}

_EXT = {
    ".py": "python", ".pyi": "python",
    ".cu": "cuda", ".cuh": "cuda", ".cpp": "cuda", ".cc": "cuda", ".cxx": "cuda", ".c": "cuda",
    ".h": "cuda", ".hpp": "cuda", ".hxx": "cuda", ".hh": "cuda",
    ".sh": "shell", ".bash": "shell",
    ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml", ".ini": "ini", ".cfg": "ini",
    ".ipynb": "notebook", ".cmake": "cmake", ".dockerfile": "dockerfile", ".mk": "makefile",
}
_REQ = re.compile(r"^(requirements|constraints)[\w.\-]*\.(txt|in)$", re.I)
_SHEBANG = re.compile(rb"^#![^\n]*\b(python[\d.]*|bash|sh|zsh)\b")


def path_parts(path: str) -> tuple[str, str, str]:
    """(name, the folder's name, suffix) of a POSIX path, as PurePosixPath's name, parent.name and
    suffix read them (tests/test_files_handlers.py), without building one per file of a walk."""
    if not path or path.startswith(".") or "//" in path or "/." in path or path.endswith("/"):
        p = PurePosixPath(path)  # `a//b`, `./a`, `a/./b`, `a/`, `.`: what it makes of them
        return p.name, p.parent.name, p.suffix
    folder, _, name = path.rpartition("/")
    dot = name.rfind(".")
    return name, folder.rpartition("/")[2], name[dot:] if 0 < dot < len(name) - 1 else ""


def classify(path: str, head: bytes = b"") -> str | None:
    name, folder, suffix = path_parts(path)
    lower = name.lower()
    if _REQ.match(name) or (folder.lower() == "requirements" and lower.endswith(".txt")):
        return "requirements"
    if lower in ("environment.yml", "environment.yaml", "conda.yml", "conda.yaml"):
        return "conda"
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "dockerfile"
    if lower == "cmakelists.txt":
        return "cmake"
    if lower in ("makefile", "gnumakefile"):
        return "makefile"
    lang = _EXT.get(suffix.lower())
    if lang:
        return lang
    if not suffix and head.startswith(b"#!"):
        m = _SHEBANG.match(head)
        if m:
            return "python" if m.group(1).startswith(b"python") else "shell"
    return None


@cache
def has_handler(language: str) -> bool:
    """Whether `language` has a handler module, without importing it: the walk asks for every
    file, and the main process of a run hands the files to workers (importing the CUDA handler
    there cost ~15 ms before the first file could go)."""
    from importlib.util import find_spec

    name = HANDLERS.get(language)
    return name is not None and find_spec(name) is not None


@cache
def handler(language: str):
    """The handler module for a language, or None if that language has no handler yet."""
    name = HANDLERS.get(language)
    if name is None:
        return None
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name == name:
            return None
        raise
