"""`migrate check`: findings, exit codes, output formats and settings, through the real CLI."""

import json
import os
import pty
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT

TRAIN = textwrap.dedent('''\
    import argparse

    import torch
    import torch.distributed as dist


    def main():
        parser = argparse.ArgumentParser()
        parser.add_argument("--local_rank", type=int, default=0)
        args = parser.parse_args()
        dist.init_process_group(backend="nccl")
        torch.cuda.set_device(args.local_rank)
        model = build_model().cuda()
        torch.backends.cudnn.benchmark = True
        for batch in loader:
            batch = batch.to("cuda", non_blocking=True)
            loss = model(batch)
            loss.backward()
        torch.cuda.synchronize()
    ''')

CLEAN = textwrap.dedent('''\
    import torch
    import torch_npu


    def step(model, batch):
        return model(batch.to("npu"))
    ''')


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "clean.py").write_text(CLEAN)
    (tmp_path / "README.md").write_text("Uses torch.cuda.synchronize() on GPUs.\n")
    return tmp_path


def test_text_lists_every_finding_and_says_which_are_fixable(cli, repo):
    r = cli("check", "train.py", cwd=repo)
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    body = [ln for ln in lines if ln.startswith("train.py:")]
    # path:line:col: RULE message, in file order, with the original line numbers
    assert body[0] == "train.py:11:37: nccl-backend [*] backend `nccl` -> `hccl`"
    assert any(ln.startswith("train.py:12:5: torch-cuda-api [*] `torch.cuda.set_device`") for ln in body)
    assert any(ln.startswith("train.py:13:") and "tensor-cuda-method [*]" in ln for ln in body)
    assert any(ln.startswith("train.py:14:5: cuda-backend-flags ") and "[*]" not in ln for ln in body)
    rows = [tuple(map(int, ln.split(":")[1:3])) for ln in body]
    assert rows == sorted(rows)
    fixable = sum("[*]" in ln for ln in body)
    assert f"Found {len(body)} findings in 1 file." in r.stdout
    assert f"[*] {fixable} fixable with `migrate check --fix`" in r.stdout
    assert (repo / "train.py").read_text() == TRAIN  # check changes nothing


def test_exit_codes_clean_findings_error(cli, repo):
    clean = cli("check", "clean.py", "README.md", cwd=repo)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "All checked!" in clean.stdout
    assert cli("check", ".", cwd=repo).returncode == 1
    missing = cli("check", "nope.py", cwd=repo)
    assert missing.returncode == 2 and "nope.py: no such file or folder" in missing.stderr
    bad = cli("check", "train.py", "--select", "no-such-rule", cwd=repo)
    assert bad.returncode == 2 and "unknown rule" in bad.stderr


def test_advice_alone_does_not_fail(cli, tmp_path):
    (tmp_path / "bench.py").write_text("import torch\ntorch.backends.cudnn.benchmark = True\n")
    r = cli("check", "bench.py", cwd=tmp_path)
    assert "cuda-backend-flags" in r.stdout
    assert r.returncode == 0, r.stdout
    assert "advice only" in r.stdout


def test_folder_is_walked_like_run_and_honours_gitignore(cli, repo):
    (repo / "build").mkdir()
    (repo / "build" / "gen.py").write_text(TRAIN)
    (repo / ".gitignore").write_text("build/\n")
    (repo / "pkg").mkdir()
    (repo / "pkg" / "ops.py").write_text("import torch\nx = torch.zeros(1).cuda()\n")
    r = cli("check", ".", cwd=repo)
    paths = {ln.split(":")[0] for ln in r.stdout.splitlines() if ":" in ln and ln[0] != " " and ".py:" in ln}
    assert paths == {"train.py", "pkg/ops.py"}
    # a file named explicitly is checked even when .gitignore lists it (as pre-commit passes it)
    r = cli("check", "build/gen.py", cwd=repo)
    assert "build/gen.py:12:5: torch-cuda-api" in r.stdout


def test_paths_are_relative_to_the_current_folder(cli, repo):
    r = cli("check", str(repo / "train.py"), cwd=repo.parent)
    assert f"{repo.name}/train.py:12:5: torch-cuda-api" in r.stdout


def test_select_ignore_and_pyproject(cli, repo):
    only = cli("check", "train.py", "--select", "torch-cuda-api", cwd=repo)
    rules = {ln.split()[1] for ln in only.stdout.splitlines() if ln.startswith("train.py:")}
    assert rules == {"torch-cuda-api"}
    (repo / "pyproject.toml").write_text('[tool.migrate]\nignore = ["torch-cuda-api", "device-string"]\n')
    r = cli("check", "train.py", cwd=repo)
    rules = {ln.split()[1] for ln in r.stdout.splitlines() if ln.startswith("train.py:")}
    assert "torch-cuda-api" not in rules and "device-string" not in rules and "tensor-cuda-method" in rules
    (repo / "pyproject.toml").write_text('[tool.migrate]\nignore = "torch-cuda-api"\n')
    bad = cli("check", "train.py", cwd=repo)
    assert bad.returncode == 2 and "must be a list of strings" in bad.stderr


def test_unparseable_file_is_reported_not_fatal(cli, tmp_path):
    (tmp_path / "old.py").write_text("import torch\nprint 'cuda'\nx = y.cuda()\n")
    r = cli("check", "old.py", cwd=tmp_path)
    assert r.returncode == 0
    assert "old.py: not checked: Python 2 syntax" in r.stderr and "copied" not in r.stderr
    assert "All checked" not in r.stdout and "Nothing checked: 1 file could not be read or parsed" in r.stdout
    (tmp_path / "new.py").write_text("import torch\nx = torch.zeros(2)\n")
    (tmp_path / "gpu.py").write_text("import torch\nx = torch.zeros(2).cuda()\n")
    r = cli("check", "old.py", "new.py", cwd=tmp_path)
    assert "All checked! (1 file, nothing left to migrate); 1 file not checked (see above)" in r.stdout
    r = cli("check", ".", cwd=tmp_path)
    assert r.returncode == 1 and "Found 1 finding in 1 of 2 files checked." in r.stdout


def test_json_format(cli, repo):
    r = cli("check", "train.py", "--format", "json", cwd=repo)
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    f = next(f for f in doc["findings"] if f["rule"] == "torch-cuda-api" and f["line"] == 12)
    assert f["path"] == "train.py" and f["column"] == 5 and f["fixable"] is True
    # the fix: `cuda` -> `npu` in the call, plus the import torch_npu the rewrite needs
    assert f["fix"] == [
        {"start": {"line": 4, "column": 1}, "end": {"line": 4, "column": 1}, "content": "import torch_npu\n"},
        {"start": {"line": 12, "column": 11}, "end": {"line": 12, "column": 15}, "content": "npu"},
    ]
    manual = next(f for f in doc["findings"] if f["rule"] == "cuda-backend-flags")
    assert manual["fixable"] is False and manual["fix"] is None
    assert doc["summary"]["findings"] == len(doc["findings"])


def test_github_annotations_escape_properties_and_data(cli, tmp_path):
    d = tmp_path / "a,b:c"
    d.mkdir()
    (d / "m.py").write_text("import torch\nx = torch.zeros(1).cuda()\ntorch.backends.cudnn.benchmark = True\n")
    r = cli("check", ".", "--format", "github", cwd=tmp_path)
    lines = r.stdout.splitlines()
    assert lines[0].startswith("::error file=a%2Cb%3Ac/m.py,line=2,col=")
    assert ",title=tensor-cuda-method::" in lines[0]
    assert lines[0].endswith("(fixable: `migrate check --fix`)")
    assert any(ln.startswith("::notice file=a%2Cb%3Ac/m.py,line=3,col=1,") for ln in lines)
    assert all("\n" not in ln for ln in lines)


def test_quiet_prints_findings_only(cli, repo):
    r = cli("check", "train.py", "-q", cwd=repo)
    assert r.stdout.splitlines() and all(ln.startswith("train.py:") for ln in r.stdout.splitlines())
    r = cli("check", "clean.py", "-q", cwd=repo)
    assert r.stdout == "" and r.returncode == 0


def _has_colour(out: str) -> bool:
    import re

    for params in re.findall(r"\x1b\[([0-9;]*)m", out):
        codes = [int(c) for c in params.split(";") if c]
        if any(30 <= c <= 38 or 40 <= c <= 48 or 90 <= c <= 107 for c in codes):
            return True
    return False


def _run_in_pty(args, cwd, env):
    """Run the CLI with stdout on a real pseudo-terminal; return what the terminal received."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.chdir(cwd)
        os.execve(sys.executable, [sys.executable, "-m", "migrate", *args], env)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    return out.decode("utf-8", "replace")


@pytest.mark.parametrize("no_color", [False, True])
def test_colours_on_a_terminal_only_and_never_with_no_color(repo, no_color):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env["PYTHONPATH"] = str(ROOT)
    env["TERM"] = "xterm-256color"
    if no_color:
        env["NO_COLOR"] = "1"
    out = _run_in_pty(["check", "train.py"], repo, env)
    assert "torch-cuda-api" in out
    # NO_COLOR (no-color.org) removes colours; bold/dim stay allowed
    assert _has_colour(out) is (not no_color)
    # the same command with stdout on a pipe: plain text
    piped = subprocess.run([sys.executable, "-m", "migrate", "check", "train.py"], cwd=repo, env=env,
                           capture_output=True, text=True)
    assert "torch-cuda-api" in piped.stdout and "\x1b[" not in piped.stdout


def test_piped_text_is_written_without_rich_and_equals_richs_rendering(repo):
    """Into a pipe (a pre-commit hook, CI) the lines are written as they are, without importing
    rich; that is byte for byte what rich prints into a pipe (forced through rich here with
    TTY_COMPATIBLE=0), and FORCE_COLOR still gets colours from rich."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")}
    env["PYTHONPATH"] = str(ROOT)
    (repo / "broken.py").write_text("import torch\ndef f(:\n    torch.cuda.synchronize()\n")
    probe = ("import sys, runpy; sys.argv = ['migrate', 'check', 'train.py', 'broken.py']\n"
             "try:\n    runpy.run_module('migrate', run_name='__main__')\n"
             "finally:\n    print('rich imported:', 'rich' in sys.modules, file=sys.stderr)\n")
    plain = subprocess.run([sys.executable, "-c", probe], cwd=repo, env=env, capture_output=True, text=True)
    assert plain.returncode == 1, plain.stderr
    assert "rich imported: False" in plain.stderr
    assert "torch-cuda-api" in plain.stdout and "broken.py: not checked:" in plain.stderr
    rich = subprocess.run([sys.executable, "-c", probe], cwd=repo, env={**env, "TTY_COMPATIBLE": "0"},
                          capture_output=True, text=True)
    assert "rich imported: True" in rich.stderr
    assert (rich.stdout, rich.stderr.replace("True", "False")) == (plain.stdout, plain.stderr)
    assert max(len(ln) for ln in plain.stdout.splitlines()) > 80  # long lines are not folded by either
    forced = subprocess.run([sys.executable, "-m", "migrate", "check", "train.py"], cwd=repo,
                            env={**env, "FORCE_COLOR": "1"}, capture_output=True, text=True)
    assert _has_colour(forced.stdout)


def test_fix_rewrites_only_the_given_files_atomically(cli, repo):
    other = repo / "other.py"
    other.write_text("import torch\ny = torch.zeros(1).cuda()\n")
    os.chmod(repo / "train.py", 0o754)
    r = cli("check", "--fix", "train.py", cwd=repo)
    assert r.returncode == 1  # a person still has to look at cudnn.benchmark, and files changed
    new = (repo / "train.py").read_text()
    assert 'dist.init_process_group(backend="hccl")' in new
    assert "torch.npu.set_device(args.local_rank)" in new and "build_model().npu()" in new
    assert "import torch_npu\n" in new
    assert "torch.backends.cudnn.benchmark = True" in new
    assert oct((repo / "train.py").stat().st_mode & 0o777) == "0o754"
    assert other.read_text() == "import torch\ny = torch.zeros(1).cuda()\n"  # not given: untouched
    assert sorted(p.name for p in repo.iterdir()) == ["README.md", "clean.py", "other.py", "train.py"]
    assert "Fixed " in r.stdout
    # what is left is reported with the line numbers of the file as it is now
    left = [ln for ln in r.stdout.splitlines() if ln.startswith("train.py:")]
    assert len(left) == 1 and "cuda-backend-flags" in left[0]
    lineno = int(left[0].split(":")[1])
    assert new.splitlines()[lineno - 1].strip() == "torch.backends.cudnn.benchmark = True"
    again = cli("check", "--fix", "train.py", cwd=repo)
    assert (repo / "train.py").read_text() == new  # a second run changes nothing
    assert "Fixed" not in again.stdout


def test_fix_only_is_formatter_like(cli, repo):
    r = cli("check", "--fix-only", "train.py", "clean.py", cwd=repo)
    assert r.returncode == 1
    assert "fixed train.py" in r.stdout and "clean.py" not in r.stdout
    assert "cuda-backend-flags" not in r.stdout
    r = cli("check", "--fix-only", "train.py", "clean.py", cwd=repo)
    assert r.returncode == 0 and r.stdout == ""


def test_symlink_is_passed_over_and_output_file(cli, repo):
    (repo / "link.py").symlink_to(repo / "train.py")
    r = cli("check", "link.py", "clean.py", "-o", "findings.txt", cwd=repo)
    assert r.returncode == 0, r.stderr
    assert "link.py: not checked: symbolic link: not followed" in r.stderr
    assert "All checked!" in (repo / "findings.txt").read_text()
    r = cli("check", "train.py", "--format", "json", "-o", "f.json", cwd=repo)
    assert r.returncode == 1 and r.stdout == ""
    assert json.loads((repo / "f.json").read_text())["summary"]["findings"] >= 5
