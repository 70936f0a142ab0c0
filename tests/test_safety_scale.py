"""Issue 6.3: big files, deep nesting, long lines and big trees: no crash, no RecursionError
reaching the user, work linear in the input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrate.core import migrate_file
from migrate.settings import Settings

S = Settings()


def test_60000_line_file_changes_only_the_hits():
    body = "".join(f"def step_{i}(batch):\n    loss = batch['x'] * {i}\n    return loss.mean()\n" for i in range(20000))
    src = "import torch\nmodel = Net().cuda()\n" + body + "torch.cuda.synchronize()\n"
    data = src.encode()
    assert data.count(b"\n") > 60000
    r = migrate_file("big.py", data, S)
    assert r.status == "changed", r.reason
    new = r.new_data
    assert new.startswith(b"import torch\nimport torch_npu\nmodel = Net().npu()\n")
    assert new.endswith(b"torch.npu.synchronize()\n")
    assert new[len(b"import torch\nimport torch_npu\nmodel = Net().npu()\n"):-len(b"torch.npu.synchronize()\n")] == \
        data[len(b"import torch\nmodel = Net().cuda()\n"):-len(b"torch.cuda.synchronize()\n")]


def test_many_fixes_in_one_file():
    # 6,000 fixes: the engine's overlap check must not be quadratic (it was: minutes at 40k)
    src = "import torch\n" + "".join(f"x{i} = t{i}.cuda()\n" for i in range(6000))
    r = migrate_file("many.py", src.encode(), S)
    assert r.status == "changed"
    assert sum(f.fixed for f in r.findings) == 6000
    assert r.new_data.count(b".npu()") == 6000 and b".cuda()" not in r.new_data


@pytest.mark.parametrize("hits", [20_000, pytest.param(100_000, marks=pytest.mark.slow)])
def test_long_line_with_many_hits(hits):
    src = b"import torch\nxs = [" + b"t.cuda(), " * hits + b"]\n"
    r = migrate_file("wide.py", src, S)
    assert r.status == "changed"
    assert r.new_data == src.replace(b"t.cuda()", b"t.npu()")  # not an entry script: no torch_npu import
    last = r.findings[-1]
    assert src.rindex(b"t.cuda()") <= last.start < len(src)
    assert last.line == 2 and last.column == last.start - src.index(b"xs") + 1


def test_one_megabyte_string_literal_is_kept():
    blob = b"A" * 1_000_000
    src = b"import torch\nx = model.cuda()\nDATA = '" + blob + b"'\n"
    r = migrate_file("blob.py", src, S)
    assert r.status == "changed" and blob in r.new_data


@pytest.mark.parametrize("name,source", ids=lambda v: v if isinstance(v, str) else "", argvalues=[
    ("5000 nested parentheses", b"import torch\nx = " + b"(" * 5000 + b"t.cuda()" + b")" * 5000 + b"\n"),
    ("5000 nested lists", b"import torch\nx = " + b"[" * 5000 + b"t.cuda()" + b"]" * 5000 + b"\n"),
    ("10,000-term sum", b"import torch\nx = t.cuda()" + b" + a" * 10_000 + b"\n"),
    ("20,000 chained calls", b"import torch\nx = t" + b".cuda()" * 20_000 + b"\n"),
    ("20,000 chained calls over lines", b"import torch\nx = (t" + b"\n  .cuda()" * 20_000 + b")\n"),
    ("3000 nested calls", b"import torch\nx = " + b"f(" * 3000 + b"t.cuda()" + b")" * 3000 + b"\n"),
    ("1000 nested blocks", b"import torch\n" + b"".join(b" " * i + b"if a:\n" for i in range(1000)) + b" " * 1000 + b"t.cuda()\n"),
])
def test_deep_nesting_is_skipped_with_a_reason_not_a_crash(name, source):
    r = migrate_file("deep.py", source, S)
    # Python itself cannot compile any of these, so they are reported and left alone
    assert r.status == "skipped", (name, r.status, r.reason)
    assert "Recursion" not in (r.reason or "")
    assert r.new_data is None


def test_moderate_nesting_is_still_migrated():
    src = b"import torch\nx = " + b"(" * 150 + b"t.cuda()" + b")" * 150 + b"\n"
    r = migrate_file("ok.py", src, S)
    assert r.status == "changed" and b"t.npu()" in r.new_data


def _tree(root, n_files: int) -> None:
    """n files in 100 folders; every 100th mentions CUDA. Written with os.write: cheap."""
    plain = b"def f(x):\n    return x + 1\n"
    hit = b"import torch\nx = torch.zeros(2).cuda()\n"
    for d in range(100):
        os.makedirs(root / f"pkg{d:02d}", exist_ok=True)
    for i in range(n_files):
        fd = os.open(root / f"pkg{i % 100:02d}" / f"m{i}.py", os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, hit if i % 100 == 0 else plain)
        os.close(fd)


def _check_tree_run(tmp_path, cli, n_files):
    src = tmp_path / "big"
    _tree(src, n_files)
    out = tmp_path / "out"
    # run the CLI under a fresh parent, so RUSAGE_CHILDREN is this run's peak (workers included)
    wrapper = ("import resource, subprocess, sys; p = subprocess.run([sys.executable, '-m', 'migrate', *sys.argv[1:]]);"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(p.returncode)")
    p = subprocess.run([sys.executable, "-c", wrapper, "run", str(src), "--out", str(out), "-q"], capture_output=True,
                       text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert p.returncode == 0, p.stderr
    peak_mb = int(p.stdout.split()[-1]) / 1024
    assert peak_mb < 400, f"peak RSS {peak_mb:.0f} MB for {n_files} files"  # bounded: per process, not per tree
    report = json.loads((out / ".migrate/report/report.json").read_text())
    assert report["summary"]["files_changed"] == n_files // 100
    assert sum(1 for _ in out.rglob("m*.py")) == n_files
    assert (out / "pkg00/m0.py").read_bytes() == b"import torch\nx = torch.zeros(2).npu()\n"
    assert (out / "pkg01/m1.py").read_bytes() == b"def f(x):\n    return x + 1\n"


def test_tree_of_2000_files(tmp_path, cli):
    _check_tree_run(tmp_path, cli, 2000)


@pytest.mark.slow
def test_tree_of_100000_files(tmp_path, cli):
    _check_tree_run(tmp_path, cli, 100_000)
