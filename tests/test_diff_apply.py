"""`migrate diff`, `check --diff` and `run --diff` print patches that real `git apply` accepts, and
applying them gives byte for byte what `migrate run` writes (CRLF, BOM, no final newline,
form feeds, PEP 263 encodings, new files)."""

import filecmp
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

CORPUS = ROOT / "corpus"


def git(*args, cwd):
    r = subprocess.run(["git", *map(str, args)], cwd=cwd, capture_output=True)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.stdout


def make_repo(path: Path) -> Path:
    git("init", "-q", cwd=path)
    git("config", "core.autocrlf", "false", cwd=path)
    git("add", "-A", cwd=path)
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "base", cwd=path)
    return path


EDGE_FILES = {
    # CRLF throughout, a change in the middle
    "crlf.py": b"import torch\r\n\r\nx = torch.zeros(2).cuda()\r\nprint(x)\r\n",
    # no newline at the end, and the change is on that last line
    "nofinal.py": b"import torch\nmodel = Net()\nmodel = model.cuda()",
    # UTF-8 BOM and non-ASCII text next to the change
    "bom.py": "\ufeff# Größe: 1\nimport torch\ny = torch.ones(1, device=\"cuda\")  # Gerät\n".encode("utf-8"),
    # a form feed (old GNU style pages) and a lone CR inside a string line: git splits on \n only
    "formfeed.py": b"import torch\n\x0c\ndef f():\n    return torch.cuda.is_available()\n# a\rb\n",
    # PEP 263 Latin-1 file with non-UTF-8 bytes
    "latin1.py": "# -*- coding: latin-1 -*-\n# café\nimport torch\nz = torch.zeros(1).cuda()  # déjà\n".encode("latin-1"),
}


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    for name in ("inference-server", "ddp-amp-trainer"):
        shutil.copytree(CORPUS / name / "input", root / name)
    for name, data in EDGE_FILES.items():
        (root / "edge" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "edge" / name).write_bytes(data)
    (root / "edge" / "untouched.py").write_bytes(b"import os\r\nprint(os.sep)\r\n")
    return make_repo(root)


def _trees_equal(a: Path, b: Path):
    cmp = filecmp.dircmp(a, b, ignore=[".git", ".migrate"])
    stack = [cmp]
    while stack:
        c = stack.pop()
        assert not c.left_only and not c.right_only, (c.left, c.left_only, c.right_only)
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        assert not mismatch and not errors, (c.left, mismatch, errors)
        stack.extend(c.subdirs.values())


def test_diff_applies_with_git_and_equals_run(cli, repo, tmp_path):
    r = subprocess.run([*_cli_cmd(), "diff", "."], cwd=repo, capture_output=True, env=_env())
    assert r.returncode == 1, r.stderr
    patch = r.stdout
    assert b"diff --git a/edge/crlf.py b/edge/crlf.py\n" in patch
    assert b"\n\\ No newline at end of file\n" in patch
    assert b"+z = torch.zeros(1).npu()  # d\xe9j\xe0\n" in patch  # Latin-1 bytes kept as they are
    assert b"edge/untouched.py" not in patch
    # the corpus' CRLF file and BOM file are in it
    assert b"+++ b/inference-server/engine.py\n" in patch and b"\r\n" in patch
    assert b"+++ b/ddp-amp-trainer/dist_utils.py\n" in patch
    for name in EDGE_FILES:
        assert f"+++ b/edge/{name}\n".encode() in patch
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    # `migrate diff` wrote nothing
    assert before == {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    (tmp_path / "m.patch").write_bytes(patch)
    git("apply", "--check", tmp_path / "m.patch", cwd=repo)
    # the reference: `migrate run --out` over the same commit, then the patch applied with git
    orig, out = tmp_path / "orig", tmp_path / "out"
    git("worktree", "add", "-q", orig, "HEAD", cwd=repo)
    res = cli("run", orig, "--out", out, "-q")
    assert res.returncode in (0, 1), res.stderr
    git("apply", tmp_path / "m.patch", cwd=orig)
    _trees_equal(orig, out)
    # applying the patch again is refused (nothing silently doubled)
    again = subprocess.run(["git", "apply", "--check", tmp_path / "m.patch"], cwd=orig, capture_output=True)
    assert again.returncode != 0
    # and after the patch, there is nothing left to diff
    r2 = subprocess.run([*_cli_cmd(), "diff", "."], cwd=orig, capture_output=True, env=_env())
    assert r2.returncode == 0 and r2.stdout == b"", r2.stdout[:500]


def test_check_diff_and_run_diff_print_the_same_patch(repo):
    a = subprocess.run([*_cli_cmd(), "diff", "edge"], cwd=repo, capture_output=True, env=_env())
    b = subprocess.run([*_cli_cmd(), "check", "--diff", "edge"], cwd=repo, capture_output=True, env=_env())
    c = subprocess.run([*_cli_cmd(), "run", "edge", "--diff"], cwd=repo, capture_output=True, env=_env())
    assert a.stdout and a.stdout == b.stdout == c.stdout
    assert a.returncode == b.returncode == c.returncode == 1
    assert not (repo / "edge" / ".migrate").exists()  # run --diff writes no report, no tree
    assert git("status", "--porcelain", cwd=repo) == b""
    both = subprocess.run([*_cli_cmd(), "run", "edge", "--diff", "--in-place"], cwd=repo, capture_output=True,
                          env=_env(), text=True)
    assert both.returncode == 2 and "--diff writes nothing" in both.stderr


def test_paths_are_git_paths_from_anywhere(repo, tmp_path):
    """From outside the repo or inside a subfolder, the patch names files as `git diff` does."""
    outside = subprocess.run([*_cli_cmd(), "diff", repo / "edge" / "crlf.py"], cwd=tmp_path, capture_output=True,
                             env=_env())
    assert outside.stdout.startswith(b"diff --git a/edge/crlf.py b/edge/crlf.py\n")
    inside = subprocess.run([*_cli_cmd(), "diff", "crlf.py"], cwd=repo / "edge", capture_output=True, env=_env())
    assert inside.stdout == outside.stdout
    (tmp_path / "p.patch").write_bytes(inside.stdout)
    git("apply", "--check", tmp_path / "p.patch", cwd=repo / "edge")  # git apply from a subfolder
    git("apply", tmp_path / "p.patch", cwd=repo)
    new = (repo / "edge" / "crlf.py").read_bytes()
    assert b"x = torch.zeros(2).npu()\r\n" in new
    assert new.count(b"\n") == new.count(b"\r\n")  # still CRLF throughout


def test_generated_new_files_apply(tmp_path):
    """New files a handler generates (e.g. Ascend C kernels) become `new file` hunks git accepts."""
    from migrate.commands.diff import render
    from migrate.model import FileResult

    root = make_repo_with(tmp_path / "g", {"kernels/add.cu": b"__global__ void add() {}\n"})
    results = [FileResult("kernels/add.cu", "cuda", "unchanged",
                          generated={"kernels/ascendc/add_kernel.cpp": b"// generated\r\nint x;\n",
                                     "kernels/ascendc/CMakeLists.txt": b"project(add)"})]
    patch = render(results, root)
    assert b"new file mode 100644\n--- /dev/null\n+++ b/kernels/ascendc/add_kernel.cpp\n" in patch
    (tmp_path / "g.patch").write_bytes(patch)
    git("apply", tmp_path / "g.patch", cwd=root)
    assert (root / "kernels/ascendc/add_kernel.cpp").read_bytes() == b"// generated\r\nint x;\n"
    assert (root / "kernels/ascendc/CMakeLists.txt").read_bytes() == b"project(add)"
    # a generated file that already exists is not offered again
    assert render(results, root) == b""


def make_repo_with(root: Path, files: dict) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return make_repo(root)


def _cli_cmd():
    import sys

    return [sys.executable, "-m", "migrate"]


def _env():
    import os

    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT)
    e["NO_COLOR"] = "1"
    return e
