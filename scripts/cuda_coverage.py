#!/usr/bin/env python
"""After `migrate run SRC --out DST --report-dir REP`: list CUDA host API tokens left in DST's C/C++/CUDA
files that no open finding in REP/report.json points at (same file, same original line).

Lines are compared after mapping output lines back to input lines with difflib, so inserted
includes do not shift the check. Kernel bodies are exempt (the kernel finding covers them).

    python scripts/cuda_coverage.py SRC DST REP
"""
from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

TOKEN = re.compile(r"\b(cuda[A-Z]\w*|CUDA_VERSION|at::cuda::\w+|c10::cuda::\w+|nccl[A-Z]\w*|AT_CUDA_CHECK|C10_CUDA_\w+|"
                   r"cublas\w+|cudnn\w+|curand\w+|thrust::\w+|cub::\w+)\b|\.is_cuda\(\)|<<<")
EXTS = {".cu", ".cuh", ".cpp", ".cc", ".cxx", ".c", ".h", ".hpp", ".hh", ".hxx"}


def main(src: Path, dst: Path, rep: Path) -> int:
    report = json.loads((rep / "report.json").read_text())
    open_lines: dict[str, set[int]] = {}
    kernel_spans: dict[str, list[tuple[int, int]]] = {}
    for f in report["findings"]:
        if not f["fixed"]:
            open_lines.setdefault(f["path"], set()).update(range(f["line"], f["end_line"] + 1))
    for k in report["kernels"]:
        kernel_spans.setdefault(k["path"], []).append(k["line"])
    missing = []
    checked = 0
    for p in sorted(dst.rglob("*")):
        rel = p.relative_to(dst).as_posix()
        if p.suffix not in EXTS or "/ascendc/" in f"/{rel}" or not (src / rel).exists():
            continue
        old = (src / rel).read_text(errors="replace").splitlines()
        new = p.read_text(errors="replace").splitlines()
        back: dict[int, int] = {}
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            for j in range(j1, j2):
                back[j + 1] = (i1 + (j - j1) + 1) if tag in ("equal", "replace") else None
        in_kernel = _kernel_lines(old, kernel_spans.get(rel, []))
        for j, line in enumerate(new, 1):
            code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line).split("//")[0]
            if not TOKEN.search(code):
                continue
            checked += 1
            i = back.get(j)
            if i is None or i in in_kernel or i in open_lines.get(rel, ()):
                continue
            if code.strip().startswith(("#define", "#if", "#elif", "#endif", "#undef", "#ifdef", "#ifndef")):
                continue  # preprocessor configuration (WITH_CUDA guards etc.)
            missing.append(f"{rel}:{i}: {line.strip()[:100]}")
    print(f"{checked} lines with CUDA host tokens checked; {len(missing)} without a finding")
    for m in missing:
        print("  ", m)
    return 1 if missing else 0


def _kernel_lines(lines: list[str], starts: list[int]) -> set[int]:
    out: set[int] = set()
    for s in starts:
        depth, seen = 0, False
        for i in range(s - 1, len(lines)):
            depth += lines[i].count("{") - lines[i].count("}")
            seen = seen or "{" in lines[i]
            out.add(i + 1)
            if seen and depth <= 0:
                break
    return out


if __name__ == "__main__":
    sys.exit(main(*map(Path, sys.argv[1:4])))
