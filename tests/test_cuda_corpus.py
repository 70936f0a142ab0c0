"""The C++/CUDA corpus: `migrate run` on each case must produce exactly the reviewed expected
tree (host rewrites, generated Ascend C, CMake snippets) and exactly the expected open findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(p.name for p in (ROOT / "corpus").glob("cuda-*") if (p / "input").is_dir())


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case, cli, tmp_path):
    base = ROOT / "corpus" / case
    out, rep = tmp_path / "out", tmp_path / "report"
    r = cli("run", base / "input", "--out", out, "--report-dir", rep)
    assert r.returncode == 1, r.stderr  # done, open findings remain (kernels need a person)
    got, want = _tree(out), _tree(base / "expected")
    assert sorted(got) == sorted(want)
    for path in want:
        assert got[path] == want[path], path
    report = json.loads((rep / "report.json").read_text())
    open_findings = sorted(f"{f['path']}:{f['line']}: {f['rule']}" for f in report["findings"] if not f["fixed"])
    expected = sorted(line for line in (base / "expected_findings.txt").read_text().splitlines() if line.strip())
    assert open_findings == expected
    assert not [f for f in report["files"] if f["status"] == "error"]
    # every kernel is in the inventory with its generated port
    for k in report["kernels"]:
        assert k["generated"] in got and k["constructs"] is not None and k["effort"] in ("low", "medium", "high")


def test_cases_exist():
    assert {"cuda-detection-ops", "cuda-fused-layer", "cuda-raw-runtime-nccl"} <= set(CASES)
