"""Colours, progress and tables from rich respect NO_COLOR, a non-tty stdout and --quiet,
for `migrate run` (summary tables, progress bar) as for `check` (tests/test_check.py)."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT
from test_check import TRAIN, _has_colour, _run_in_pty


@pytest.fixture
def src(tmp_path):
    s = tmp_path / "src"
    s.mkdir()
    (s / "train.py").write_text(TRAIN)
    return s


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", **extra)
    return env


@pytest.mark.parametrize("no_color", [False, True])
def test_run_summary_on_a_terminal(src, tmp_path, no_color):
    env = _env(**({"NO_COLOR": "1"} if no_color else {}))
    out = _run_in_pty(["run", str(src), "--out", str(tmp_path / "out")], tmp_path, env)
    assert "files changed" in out and "torch-cuda-api" in out  # the summary tables
    assert _has_colour(out) is (not no_color)


def test_run_piped_is_plain_and_quiet_is_silent(src, tmp_path):
    r = subprocess.run([sys.executable, "-m", "migrate", "run", str(src), "--out", str(tmp_path / "o1")],
                       cwd=tmp_path, env=_env(), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr  # only advice is left open
    assert "files changed" in r.stdout
    assert "\x1b[" not in r.stdout + r.stderr  # no colours
    assert r.stderr == ""  # no progress bar (nor its leftovers) when stderr is not a terminal
    q = subprocess.run([sys.executable, "-m", "migrate", "run", str(src), "--out", str(tmp_path / "o2"), "-q"],
                       cwd=tmp_path, env=_env(), capture_output=True, text=True)
    assert q.returncode == 0 and q.stdout == "" and q.stderr == ""
    assert (tmp_path / "o2" / "train.py").read_text() != TRAIN  # quiet, but the work is done


@pytest.mark.parametrize("no_color", [False, True])
def test_diff_is_coloured_on_a_terminal_only(src, tmp_path, no_color):
    """Like `git diff`: red/green on a terminal, never with NO_COLOR, plain bytes into a pipe."""
    env = _env(**({"NO_COLOR": "1"} if no_color else {}))
    out = _run_in_pty(["diff", str(src)], tmp_path, env)
    assert "+import torch_npu" in out.replace("\x1b[32m", "")
    assert _has_colour(out) is (not no_color)
    if not no_color:
        assert "\x1b[31m-" in out and "\x1b[32m+" in out
    piped = subprocess.run([sys.executable, "-m", "migrate", "diff", str(src)], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
    assert piped.returncode == 1 and "+import torch_npu" in piped.stdout and "\x1b[" not in piped.stdout
