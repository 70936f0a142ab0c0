"""After `migrate run SRC --out DST`: list lines of SRC that mention CUDA/NCCL in code and that
the report neither fixed nor reported (findings carry original line numbers). Used to try
migrate on repos it has no tests for.

    python scripts/audit_leftovers.py SRC DST [--all]

Comments and docstrings are skipped (tree-sitter-python); --all shows string-only mentions too.
"""

import json
import re
import sys
from pathlib import Path

import tree_sitter as ts
import tree_sitter_python as tsp

WORD = re.compile(rb"cuda|nccl|cudnn|nvidia|nvtx", re.I)


def main(src_root: Path, dst: Path, show_all: bool) -> int:
    report = json.loads((dst / ".migrate" / "report" / "report.json").read_text())
    seen = {(f["path"], f["line"]) for f in report["findings"]}
    parser = ts.Parser(ts.Language(tsp.language()))
    left = 0
    for path in sorted(src_root.rglob("*.py")):
        rel = path.relative_to(src_root).as_posix()
        src = path.read_bytes()
        if not WORD.search(src):
            continue
        root = parser.parse(src).root_node
        lines = src.split(b"\n")
        for m in WORD.finditer(src):
            node = root.descendant_for_byte_range(m.start(), m.end())
            kind = node.type if node is not None else ""
            if kind == "comment":
                continue
            if kind in ("string_content", "string_start") and not show_all:
                continue
            line = src.count(b"\n", 0, m.start()) + 1
            if (rel, line) in seen:
                continue
            seen.add((rel, line))
            left += 1
            print(f"{rel}:{line}: {lines[line - 1].decode(errors='replace').strip()[:140]}")
    print(f"{left} unreported code lines mention CUDA/NCCL", file=sys.stderr)
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.exit(main(Path(args[0]), Path(args[1]), "--all" in sys.argv))
