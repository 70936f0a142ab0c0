"""Baselines: record today's findings so `migrate check --baseline FILE` reports only new ones.

A finding is keyed by what survives edits elsewhere in the file (as ruff's and semgrep's
fingerprints do): the rule, the file's path, a hash of its line's text with surrounding
whitespace stripped, and which occurrence of that (rule, path, text) it is, counted from the
top. Lines moving up or down, re-indentation and edits to other lines keep the key; changing
the line itself, or adding one more identical line, makes a new finding.

The file is JSON, sorted, one entry per finding, so it diffs well in review:

    {"version": 1, "tool": "migrate", "findings": [
      {"path": "train.py", "rule": "torch-cuda-api", "fingerprint": "3f2a...:0", "line": 12, "message": "..."}]}

Paths in it are relative to the baseline file's own folder, so `check` finds them from anywhere.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from pathlib import Path

VERSION = 1
DEFAULT_FILE = ".migrate-baseline.json"


class BaselineError(ValueError):
    pass


def line_hash(rule: str, path: str, line_text: str) -> str:
    h = hashlib.sha256(f"{rule}\0{path}\0{' '.join(line_text.split())}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


def fingerprints(items) -> list[str]:
    """items: (rule, path, line_text, line, column) per finding -> one fingerprint each, in order.

    The occurrence index counts findings with the same (rule, path, text) in file order."""
    order = sorted(range(len(items)), key=lambda i: (items[i][1], items[i][3], items[i][4], items[i][0]))
    counts: dict[str, int] = defaultdict(int)
    out = [""] * len(items)
    for i in order:
        rule, path, text, _line, _col = items[i]
        h = line_hash(rule, path, text)
        out[i] = f"{h}:{counts[h]}"
        counts[h] += 1
    return out


def rel_to(baseline_file: Path, full_path: Path) -> str:
    """A file's path as a baseline at `baseline_file` stores it."""
    return Path(os.path.relpath(os.path.abspath(full_path), os.path.abspath(baseline_file.parent))).as_posix()


def dump(entries: list[dict], path: Path) -> None:
    from migrate.writer import atomic_write

    entries = sorted(entries, key=lambda e: (e["path"], e["line"], e["rule"], e["fingerprint"]))
    doc = {"version": VERSION, "tool": "migrate",
           "comment": "Findings recorded by `migrate baseline write`; `migrate check --baseline` ignores them.",
           "findings": entries}
    atomic_write(path, (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8"), 0o644)


def load(path: Path) -> set[tuple[str, str, str]]:
    """The (path, rule, fingerprint) keys recorded in a baseline file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline; create it with `migrate baseline write --output {path}`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BaselineError(f"{path}: cannot read as a migrate baseline: {e}") from None
    if not isinstance(doc, dict) or doc.get("tool") != "migrate" or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"{path}: not a migrate baseline (expected {{\"tool\": \"migrate\", \"findings\": [...]}})")
    if doc.get("version") != VERSION:
        raise BaselineError(f"{path}: baseline version {doc.get('version')!r} is not supported (expected {VERSION})")
    keys = set()
    for i, e in enumerate(doc["findings"]):
        try:
            keys.add((str(e["path"]), str(e["rule"]), str(e["fingerprint"])))
        except (TypeError, KeyError):
            raise BaselineError(f"{path}: findings[{i}] needs path, rule and fingerprint") from None
    return keys
