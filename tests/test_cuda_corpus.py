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


@pytest.mark.parametrize("case", CASES)
def test_second_run_changes_nothing(case, cli, tmp_path):
    """Migrating the migrated tree again writes the same bytes (generated Ascend C included)."""
    base = ROOT / "corpus" / case
    out = tmp_path / "again"
    r = cli("run", base / "expected", "--out", out, "--report-dir", tmp_path / "rep")
    assert r.returncode in (0, 1), r.stderr
    assert _tree(out) == _tree(base / "expected")


def test_crlf_and_untouched_bytes(tmp_path):
    from migrate.core import migrate_file
    from migrate.settings import Settings

    src = (b"// \xc3\xa9t\xc3\xa9 2024\r\n#include <torch/extension.h>\r\n#include <ATen/cuda/CUDAContext.h>\r\n"
           b"\tvoid f(at::Tensor x) {\r\n\t  cudaStream_t s = at::cuda::getCurrentCUDAStream();  // keep\tme\r\n\t}\r\n")
    r = migrate_file("ops.cpp", src, Settings())
    assert r.status == "changed"
    assert r.new_data == (b"// \xc3\xa9t\xc3\xa9 2024\r\n#include <torch/extension.h>\r\n"
                          b"#include <torch_npu/csrc/core/npu/NPUStream.h>\r\n#include \"acl/acl.h\"\r\n"
                          b"\tvoid f(at::Tensor x) {\r\n\t  aclrtStream s = c10_npu::getCurrentNPUStream();  // keep\tme\r\n\t}\r\n")
