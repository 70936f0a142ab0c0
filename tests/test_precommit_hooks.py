"""The hooks in .pre-commit-hooks.yaml, through the real pre-commit framework on a real git repo.

pre-commit clones the hook repo at a commit and pip-installs it into its own virtualenv, so the
tests point it at a commit of the current working tree (uncommitted changes included). The
virtualenv is built once per test session (~15 s with a warm pip cache) and shared.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.precommit

TRAIN = textwrap.dedent('''\
    import torch
    import torch.distributed as dist


    def setup(rank):
        dist.init_process_group("nccl", rank=rank)
        torch.cuda.set_device(rank)
        model = Net().cuda()
        torch.backends.cudnn.benchmark = True
        return model
    ''')

NOTES = "Run on 8 GPUs with CUDA 12.\n"


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PRE_COMMIT_HOME=str(home), NO_COLOR="1", PRE_COMMIT_COLOR="never",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    # pre-commit must be the one installed next to this interpreter
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def git(*args, cwd, env=None):
    r = subprocess.run(["git", *map(str, args)], cwd=cwd, capture_output=True, text=True, env=env)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.stdout.strip()


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory):
    """A git commit of the working tree as it is now (tracked and untracked, not ignored files)."""
    if shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    listed = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"], cwd=ROOT, capture_output=True)
    if listed.returncode != 0:
        pytest.skip("the source tree is not a git checkout")
    src = tmp_path_factory.mktemp("hook-repo")
    files = listed.stdout.split(b"\0")
    for rel in filter(None, (f.decode() for f in files)):
        s = ROOT / rel
        if s.is_file() and not rel.startswith(("corpus/", "tests/")):
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(s, src / rel)
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = _env(home)
    git("init", "-q", cwd=src)
    git("add", "-A", cwd=src)
    git("commit", "-qm", "snapshot for pre-commit tests", cwd=src, env=env)
    return src, git("rev-parse", "HEAD", cwd=src), env


@pytest.fixture
def user_repo(tmp_path, hook_repo):
    _, _, env = hook_repo
    repo = tmp_path / "user"
    (repo / "train").mkdir(parents=True)
    (repo / "train" / "setup.py").write_text(TRAIN)
    (repo / "NOTES.md").write_text(NOTES)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    return repo


def test_try_repo_both_hooks(hook_repo, user_repo):
    """`pre-commit try-repo` runs every hook of the repo in file order (one virtualenv for both):
    migrate-check lists the CUDA code and fails, then migrate-fix rewrites the file and fails."""
    src, _, env = hook_repo
    r = subprocess.run(["pre-commit", "try-repo", str(src), "--files", "train/setup.py", "NOTES.md"],
                       cwd=user_repo, env=env, capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    check, fix = out.split("migrate fix (CUDA -> Ascend safe fixes)")
    assert "migrate check (CUDA-only code)" in check and "Failed" in check
    assert "train/setup.py:6:" in check and "nccl" in check
    assert "train/setup.py:7:5: torch-cuda-api [*]" in check
    assert "train/setup.py:9:5: cuda-backend-flags" in check
    assert "fixable automatically: the `migrate-fix` pre-commit hook applies them." in check
    assert "NOTES.md" not in check
    assert "Failed" in fix and "files were modified by this hook" in fix
    assert "fixed train/setup.py" in fix
    new = (user_repo / "train" / "setup.py").read_text()
    assert 'dist.init_process_group("hccl", rank=rank)' in new
    assert "torch.npu.set_device(rank)" in new and "Net().npu()" in new and "import torch_npu\n" in new
    assert "torch.backends.cudnn.benchmark = True" in new
    assert (user_repo / "NOTES.md").read_text() == NOTES


def test_installed_hooks_fix_then_block_only_new_cuda_code(hook_repo, user_repo):
    """As a user adopts it: install both hooks, commit (fix, re-stage, commit), then a baseline
    keeps what a person still has to port and blocks only new CUDA-only code."""
    src, rev, env = hook_repo
    repo = user_repo
    (repo / ".pre-commit-config.yaml").write_text(textwrap.dedent(f'''\
        repos:
          - repo: {src}
            rev: {rev}
            hooks:
              - id: migrate-fix
              - id: migrate-check
                args: [--baseline, .migrate-baseline.json]
        '''))
    (repo / ".migrate-baseline.json").write_text('{"version": 1, "tool": "migrate", "findings": []}\n')
    r = subprocess.run(["pre-commit", "install"], cwd=repo, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    git("add", "-A", cwd=repo)

    def commit(msg):
        return subprocess.run(["git", "commit", "-m", msg], cwd=repo, env=env, capture_output=True, text=True,
                              timeout=600)

    c = commit("first")
    out = c.stdout + c.stderr
    assert c.returncode != 0, out
    assert "files were modified by this hook" in out  # migrate-fix rewrote train/setup.py
    assert "torch.npu.set_device(rank)" in (repo / "train" / "setup.py").read_text()
    git("add", "-A", cwd=repo)
    c = commit("first, fixed")
    assert c.returncode == 0, c.stdout + c.stderr  # only advice left: it does not block

    # a file with code a person must port (no automatic fix) blocks, until it is baselined
    (repo / "train" / "graphs.py").write_text(
        "import torch\n\ntorch.cuda.nvtx.range_push(\"fwd\")\ny = model(x)\ntorch.cuda.nvtx.range_pop()\n")
    git("add", "-A", cwd=repo)
    c = commit("graphs")
    out = c.stdout + c.stderr
    assert c.returncode != 0 and "train/graphs.py:3:1: torch-cuda-unsupported" in out, out
    venv_migrate = next(Path(env["PRE_COMMIT_HOME"]).glob("repo*/py_env-*/bin/migrate"))
    w = subprocess.run([str(venv_migrate), "baseline", "write"], cwd=repo, env=env, capture_output=True, text=True)
    assert w.returncode == 0, w.stderr
    git("add", "-A", cwd=repo)
    c = commit("graphs, baselined")
    assert c.returncode == 0, c.stdout + c.stderr

    # new CUDA-only code elsewhere in the same file is still caught
    (repo / "train" / "graphs.py").write_text(
        "import torch\nimport os\n\ntorch.cuda.nvtx.range_push(\"fwd\")\ny = model(x)\ntorch.cuda.nvtx.range_pop()\n"
        "import pycuda.autoinit\n")
    git("add", "-A", cwd=repo)
    c = subprocess.run(["pre-commit", "run", "migrate-check"], cwd=repo, env=env, capture_output=True, text=True)
    out = c.stdout + c.stderr
    assert c.returncode == 1, out
    lines = [ln for ln in out.splitlines() if ln.startswith("train/graphs.py:")]
    assert len(lines) == 1 and lines[0].startswith("train/graphs.py:7:8: cuda-python-libs"), lines
