"""Build a synthetic monorepo of N lines from real code, for the scale benchmark.

    python benchmarks/make_synthetic.py OUT [--lines 5000000] [--from transformers]

Replicates the real files of a source tree (default: the transformers 4.57.1 wheel) into
copies under renamed paths (`pkg_000/...`, `pkg_001/...`, each copy's top folder renamed too),
so the tree has the real mix of file sizes, imports and CUDA code, and every file is distinct by
path. The last copy stops when the line count is reached. Prints the files and lines written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import tree  # noqa: E402


def build(source: Path, out: Path, target_lines: int) -> tuple[int, int]:
    files = []
    for dirpath, dirs, names in os.walk(source):
        dirs.sort()
        for n in sorted(names):
            p = Path(dirpath) / n
            if p.is_file() and not p.is_symlink():
                files.append(p)
    if not files:
        sys.exit(f"{source}: no files")
    out.mkdir(parents=True, exist_ok=True)
    written = lines = 0
    copy = 0
    while lines < target_lines:
        prefix = out / f"pkg_{copy:03d}"
        for p in files:
            rel = p.relative_to(source)
            parts = list(rel.parts)
            if len(parts) > 1:
                parts[0] = f"{parts[0]}_{copy:03d}"  # e.g. transformers -> transformers_003
            dst = prefix.joinpath(*parts)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dst)
            written += 1
            if p.suffix == ".py":
                with open(p, "rb") as f:
                    lines += f.read().count(b"\n")
            if lines >= target_lines:
                break
        copy += 1
    return written, lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--lines", type=int, default=5_000_000)
    ap.add_argument("--from", dest="source", default="transformers", help="transformers, timm or a folder")
    args = ap.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"{args.out} exists and is not empty")
    files, lines = build(tree(args.source), args.out, args.lines)
    print(f"{args.out}: {files:,} files, {lines:,} Python lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
