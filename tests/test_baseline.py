"""Baselines: a half-migrated repo records today's findings and turns the check on; lines that
move, re-indent or sit below new code stay recorded, and only new CUDA-only code is reported."""

import json
import textwrap

import pytest

from migrate import baseline

# Half migrated: the model code already runs on NPU, the data loader and the eval script do not.
MODEL = textwrap.dedent('''\
    import torch
    import torch_npu


    def to_device(model):
        return model.npu()
    ''')

LOADER = textwrap.dedent('''\
    import torch


    def pin(batch):
        batch = batch.pin_memory().cuda(non_blocking=True)
        torch.cuda.synchronize()
        return batch


    def pin_all(batches):
        return [b.cuda(non_blocking=True) for b in batches]
    ''')

EVAL = textwrap.dedent('''\
    import torch

    torch.backends.cudnn.benchmark = True
    device = torch.device("cuda")
    ''')


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "model.py").write_text(MODEL)
    (tmp_path / "src" / "loader.py").write_text(LOADER)
    (tmp_path / "eval.py").write_text(EVAL)
    return tmp_path


def _shown(stdout):
    return [ln for ln in stdout.splitlines() if ".py:" in ln and not ln.startswith(" ")]


def test_baseline_hides_recorded_findings_and_survives_moving_lines(cli, repo):
    before = cli("check", ".", cwd=repo)
    assert before.returncode == 1
    recorded = _shown(before.stdout)
    w = cli("baseline", "write", cwd=repo)
    assert w.returncode == 0, w.stderr
    doc = json.loads((repo / baseline.DEFAULT_FILE).read_text())
    assert len(doc["findings"]) == len(recorded) >= 5
    assert {f["path"] for f in doc["findings"]} == {"src/loader.py", "eval.py"}

    clean = cli("check", ".", "--baseline", baseline.DEFAULT_FILE, cwd=repo)
    assert clean.returncode == 0, clean.stdout
    assert f"{len(recorded)} baselined findings not shown" in clean.stdout

    # Someone edits the loader: a docstring and a helper above (every line moves down), the
    # function is re-indented into a class, and one NEW CUDA call is added.
    moved = '"""Batch helpers."""\nimport os\n' + LOADER.replace(
        "def pin(batch):\n    batch = batch.pin_memory().cuda(non_blocking=True)\n    torch.cuda.synchronize()\n    return batch\n",
        "class Pinner:\n    def pin(self, batch):\n        batch = batch.pin_memory().cuda(non_blocking=True)\n"
        "        torch.cuda.synchronize()\n        return batch\n\n    def wait(self):\n        torch.cuda.synchronize()\n")
    (repo / "src" / "loader.py").write_text(moved)
    after = cli("check", ".", "--baseline", baseline.DEFAULT_FILE, cwd=repo)
    new = _shown(after.stdout)
    assert after.returncode == 1
    # only the second `torch.cuda.synchronize()` (in wait) is new: the occurrence index counts it
    assert len(new) == 1, new
    line = int(new[0].split(":")[1])
    assert moved.splitlines()[line - 1].strip() == "torch.cuda.synchronize()"
    assert moved.splitlines()[line - 2].strip() == "def wait(self):"
    assert new[0].startswith("src/loader.py:") and "torch-cuda-api" in new[0]


def test_changed_line_is_new_and_fixed_line_disappears(cli, repo):
    cli("baseline", "write", "--output", "ci/baseline.json", cwd=repo)
    (repo / "eval.py").write_text(EVAL.replace('torch.device("cuda")', 'torch.device("cuda:1")'))
    r = cli("check", ".", "--baseline", "ci/baseline.json", cwd=repo)
    assert [ln.split(":")[0] for ln in _shown(r.stdout)] == ["eval.py"]
    assert "device `cuda:1` -> `npu:1`" in r.stdout
    # migrating a recorded line leaves nothing to report (stale entries are harmless)
    (repo / "eval.py").write_text(EVAL.replace('torch.device("cuda")', 'torch.device("npu")'))
    r = cli("check", ".", "--baseline", "ci/baseline.json", cwd=repo)
    assert r.returncode == 0, r.stdout


def test_baseline_paths_are_relative_to_the_baseline_file(cli, repo):
    cli("baseline", "write", "src", "--output", "baseline.json", cwd=repo)
    # run from another folder, naming the file differently: the same findings are hidden
    r = cli("check", "loader.py", "--baseline", "../baseline.json", cwd=repo / "src")
    assert r.returncode == 0, r.stdout
    r = cli("check", str(repo), "--baseline", str(repo / "baseline.json"), cwd=repo.parent)
    assert [ln.split(":")[0] for ln in _shown(r.stdout)] == [f"{repo.name}/eval.py"] * 2


def test_fix_with_a_baseline_leaves_recorded_code_alone(cli, repo):
    cli("baseline", "write", cwd=repo)
    (repo / "src" / "loader.py").write_text(LOADER + "\n\ndef sync():\n    torch.cuda.synchronize()\n")
    r = cli("check", "--fix", "src/loader.py", "--baseline", baseline.DEFAULT_FILE, cwd=repo)
    assert r.returncode == 1  # it changed the file
    text = (repo / "src" / "loader.py").read_text()
    assert "def sync():\n    torch.npu.synchronize()\n" in text
    assert "batch = batch.pin_memory().cuda(non_blocking=True)\n    torch.cuda.synchronize()" in text
    r = cli("check", "src/loader.py", "--baseline", baseline.DEFAULT_FILE, cwd=repo)
    assert r.returncode == 0, r.stdout


def test_bad_baseline_is_a_usage_error(cli, repo):
    r = cli("check", ".", "--baseline", "missing.json", cwd=repo)
    assert r.returncode == 2 and "no such baseline" in r.stderr
    (repo / "b.json").write_text('{"tool": "ruff"}')
    r = cli("check", ".", "--baseline", "b.json", cwd=repo)
    assert r.returncode == 2 and "not a migrate baseline" in r.stderr


def test_fingerprints_ignore_whitespace_and_count_occurrences():
    items = [("r", "a.py", "  x.cuda()\n", 5, 3), ("r", "a.py", "x.cuda()", 9, 1), ("r", "a.py", "y.cuda()", 1, 1)]
    fps = baseline.fingerprints(items)
    h = baseline.line_hash("r", "a.py", "x.cuda()")
    assert fps == [f"{h}:0", f"{h}:1", f"{baseline.line_hash('r', 'a.py', 'y.cuda()')}:0"]
    assert baseline.line_hash("r", "b.py", "x.cuda()") != h and baseline.line_hash("s", "a.py", "x.cuda()") != h
