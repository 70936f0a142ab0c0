#!/usr/bin/env python
"""Regenerate corpus/cuda-*/expected/ and expected_findings.txt with the current tool.

Run only after a change you meant, then review `git diff corpus/` line by line: the expected
trees are ground truth only because a person read them.
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

for case in sorted((ROOT / "corpus").glob("cuda-*")):
    expected = case / "expected"
    shutil.rmtree(expected, ignore_errors=True)
    with tempfile.TemporaryDirectory() as rep:
        subprocess.run([sys.executable, "-m", "migrate", "run", str(case / "input"), "--out", str(expected),
                        "--report-dir", rep], cwd=ROOT, check=False, capture_output=True)
        report = json.loads((Path(rep) / "report.json").read_text())
    lines = sorted(f"{f['path']}:{f['line']}: {f['rule']}" for f in report["findings"] if not f["fixed"])
    (case / "expected_findings.txt").write_text("\n".join(lines) + "\n")
    print(case.name, len(lines), "open findings")
