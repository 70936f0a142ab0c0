"""Issue 6.4: symlinks, loops, unreadable files, odd names, mode bits, atomic writes, and the
guards around --out and --in-place. Real files, real git, the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migrate import runner, writer
from migrate.settings import Settings

CUDA = b"import torch\nmodel = Net().cuda()\n"
NPU = b"import torch\nmodel = Net().npu()\n"  # not an entry script: no torch_npu import


def git(cwd, *args):
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}).stdout


def make_repo(root: Path, commit=True) -> Path:
    root.mkdir(parents=True)
    (root / "train.py").write_bytes(CUDA)
    if commit:
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "init")
    return root


@pytest.fixture
def outside(tmp_path):
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret.py").write_bytes(CUDA)
    (d / "pkg").mkdir()
    (d / "pkg" / "mod.py").write_bytes(CUDA)
    return d


def test_symlinks_stay_links_and_nothing_outside_is_read_or_written(tmp_path, outside, cli):
    src = make_repo(tmp_path / "repo", commit=False)
    os.symlink(outside / "secret.py", src / "link.py")  # absolute link to a file outside
    os.symlink("../outside/pkg", src / "vendor")  # relative link to a folder outside
    os.symlink("loop_b", src / "loop_a")
    os.symlink("loop_a", src / "loop_b")
    os.symlink(".", src / "self")  # a link to the root itself
    os.symlink("missing.py", src / "dangling.py")
    out = tmp_path / "out"
    p = cli("run", src, "--out", out, "-q")
    assert p.returncode == 1, p.stderr  # the links out of the tree are for a person to look at
    assert (out / "train.py").read_bytes() == NPU
    for name, target in [("link.py", str(outside / "secret.py")), ("vendor", "../outside/pkg"),
                         ("loop_a", "loop_b"), ("self", "."), ("dangling.py", "missing.py")]:
        assert (out / name).is_symlink() and os.readlink(out / name) == target, name
    assert (outside / "secret.py").read_bytes() == CUDA
    assert (outside / "pkg" / "mod.py").read_bytes() == CUDA
    report = json.loads((out / ".migrate/report/report.json").read_text())
    files = {f["path"]: f for f in report["files"]}
    assert set(files) == {"train.py", "link.py", "vendor"}  # loops, dangling and inside links: nothing to say
    assert files["link.py"]["status"] == "skipped" and "file outside the repo" in files["link.py"]["reason"]
    assert files["vendor"]["status"] == "skipped" and "folder outside the repo" in files["vendor"]["reason"]


def test_in_place_never_writes_through_a_symlink(tmp_path, outside, cli):
    src = tmp_path / "repo"
    src.mkdir()
    (src / "train.py").write_bytes(CUDA)
    os.symlink(outside / "secret.py", src / "link.py")
    os.symlink("../outside/pkg", src / "vendor")
    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-qm", "init")
    p = cli("run", src, "--in-place", "-q")
    assert p.returncode == 1, p.stderr  # links out of the tree are listed as skipped
    assert (src / "train.py").read_bytes() == NPU
    assert (src / "link.py").is_symlink() and (src / "vendor").is_symlink()
    assert (outside / "secret.py").read_bytes() == CUDA
    assert (outside / "pkg" / "mod.py").read_bytes() == CUDA
    assert git(src, "status", "--porcelain").splitlines() == [" M train.py"]


def test_writer_refuses_a_symlinked_folder_inside_the_root(tmp_path, outside):
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside / "pkg", root / "vendor")
    with pytest.raises(OSError, match="symlink"):
        writer.atomic_write(root / "vendor" / "mod.py", b"pwned", root=root)
    with pytest.raises(OSError, match="symlink"):
        writer.copy_file(outside / "secret.py", root / "vendor" / "new.py", root=root)
    # a run's memory of folders it found real never covers one it has not seen
    checked: set[str] = set()
    (root / "pkg").mkdir()
    writer.copy_file(outside / "secret.py", root / "pkg" / "a.py", root=root, checked=checked)
    assert checked == {str(root / "pkg")}
    with pytest.raises(OSError, match="symlink"):
        writer.copy_file(outside / "secret.py", root / "vendor" / "new.py", root=root, checked=checked)
    assert (outside / "pkg" / "mod.py").read_bytes() == CUDA
    assert not (outside / "pkg" / "new.py").exists()
    os.symlink(outside / "secret.py", root / "file_link.py")
    with pytest.raises(OSError, match="symlink"):
        writer.atomic_write(root / "file_link.py", b"pwned", root=root)
    assert (outside / "secret.py").read_bytes() == CUDA


def test_output_folder_with_a_stale_symlink_is_not_written_through(tmp_path, outside, cli):
    # a previous run's output (or a hostile one) has `pkg -> outside`; SRC now has a real pkg/
    src = make_repo(tmp_path / "repo", commit=False)
    (src / "pkg").mkdir()
    (src / "pkg" / "mod.py").write_bytes(CUDA)
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(outside / "pkg", out / "pkg")
    p = cli("run", src, "--out", out, "-q")
    assert (outside / "pkg" / "mod.py").read_bytes() == CUDA  # never written through
    assert p.returncode == 1
    report = json.loads((out / ".migrate/report/report.json").read_text())
    bad = {f["path"]: f for f in report["files"]}["pkg/mod.py"]
    assert bad["status"] == "error" and "symlink" in bad["reason"]
    assert (out / "train.py").read_bytes() == NPU  # the rest of the run went on


def _drop_root_read_caps():
    """chmod 000 does not stop root. Dropping CAP_DAC_OVERRIDE/READ_SEARCH from the bounding set
    (setpriv) makes the kernel apply the mode bits to root as well."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    probe = subprocess.run(["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"setpriv cannot drop capabilities here: {probe.stderr.decode().strip()}")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]


def test_unreadable_files_and_folders_are_reported_and_the_run_goes_on(tmp_path):
    prefix = _drop_root_read_caps()
    src = make_repo(tmp_path / "repo", commit=False)
    (src / "secret.py").write_bytes(CUDA)
    (src / "notes.txt").write_text("hi")
    (src / "locked").mkdir()
    (src / "locked" / "a.py").write_bytes(CUDA)
    for p in (src / "secret.py", src / "notes.txt", src / "locked"):
        os.chmod(p, 0)
    out = tmp_path / "out"
    try:
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "NO_COLOR": "1"}
        p = subprocess.run([*prefix, sys.executable, "-m", "migrate", "run", str(src), "--out", str(out)],
                           capture_output=True, text=True, env=env, timeout=300)
    finally:
        for q in (src / "secret.py", src / "notes.txt", src / "locked"):
            os.chmod(q, 0o755)
    assert p.returncode == 1, p.stderr
    assert "Traceback" not in p.stderr + p.stdout
    assert (out / "train.py").read_bytes() == NPU
    report = json.loads((out / ".migrate/report/report.json").read_text())
    files = {f["path"]: f for f in report["files"]}
    assert files["secret.py"]["status"] == "error" and "Permission denied" in files["secret.py"]["reason"]
    problems = {pr["path"]: pr["reason"] for pr in report["problems"]}
    assert "locked" in problems and "notes.txt" in problems
    assert "secret.py" in p.stdout and "notes.txt" in p.stdout  # the summary names them too


def test_odd_file_names(tmp_path, cli):
    src = tmp_path / "repo"
    src.mkdir()
    names = ["with space.py", "-leading-dash.py", "--help.py", "naïve_模型.py", "semi;colon.py", "quote'\".py",
             "new\nline.py"]
    for n in names:
        (src / n).write_bytes(CUDA)
    out = tmp_path / "out"
    p = cli("run", src, "--out", out, "-q")
    assert p.returncode == 0, p.stderr
    for n in names:
        assert (out / n).read_bytes() == NPU, n
    report = json.loads((out / ".migrate/report/report.json").read_text(encoding="utf-8"))
    assert {f["path"] for f in report["files"]} == set(names)
    # the patch names them (git quotes odd names; we at least keep them intact and relative)
    patch = (out / ".migrate/report/migration.patch").read_text(encoding="utf-8")
    assert "a/naïve_模型.py" in patch and "a/with space.py" in patch


def test_leading_dash_src_is_a_path_not_an_option(tmp_path, cli):
    src = make_repo(tmp_path / "-repo", commit=False)
    p = cli("run", "--out", tmp_path / "out", "-q", "--", "-repo", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "out" / "train.py").read_bytes() == NPU
    assert src.joinpath("train.py").read_bytes() == CUDA


def test_mode_bits_kept_for_changed_and_copied_files(tmp_path, cli):
    src = tmp_path / "repo"
    src.mkdir()
    (src / "run_train").write_bytes(b"#!/usr/bin/env python3\nimport torch\nx = t.cuda()\n")
    (src / "tool.py").write_bytes(CUDA)
    (src / "data.sh").write_bytes(b"echo hi\n")
    os.chmod(src / "run_train", 0o755)
    os.chmod(src / "tool.py", 0o640)
    os.chmod(src / "data.sh", 0o750)
    out = tmp_path / "out"
    assert cli("run", src, "--out", out, "-q").returncode == 0
    assert (out / "run_train").read_bytes().endswith(b"x = t.npu()\n")
    for name in ("run_train", "tool.py", "data.sh"):
        assert (out / name).stat().st_mode & 0o7777 == (src / name).stat().st_mode & 0o7777, name
    # in place too
    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-qm", "x")
    assert cli("run", src, "--in-place", "-q").returncode == 0
    assert (src / "run_train").stat().st_mode & 0o7777 == 0o755
    assert (src / "tool.py").stat().st_mode & 0o7777 == 0o640
    assert git(src, "status", "--porcelain").split() == ["M", "run_train", "M", "tool.py"]


def test_a_crash_mid_write_leaves_the_original_and_no_temp_file(tmp_path, monkeypatch):
    src = make_repo(tmp_path / "repo", commit=False)
    (src / "b.py").write_bytes(CUDA)

    def boom(a, b):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    result = runner.run(src, Settings(), in_place=True, jobs=1)
    assert (src / "train.py").read_bytes() == CUDA
    assert (src / "b.py").read_bytes() == CUDA
    assert sorted(p.name for p in src.iterdir()) == ["b.py", "train.py"]  # no temp files
    assert {r.path: r.status for r in result.results} == {"train.py": "error", "b.py": "error"}
    assert all("No space left" in r.reason for r in result.results)
    assert result.diffs == {}


def test_interrupt_mid_write_leaves_the_original_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "train.py"
    path.write_bytes(CUDA)

    def interrupted(a, b):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        writer.atomic_write(path, NPU)
    assert path.read_bytes() == CUDA
    assert os.listdir(tmp_path) == ["train.py"]


@pytest.mark.parametrize("layout", ["out-inside-src", "src-inside-out", "same"])
def test_out_and_src_must_not_nest(tmp_path, cli, layout):
    src = make_repo(tmp_path / "repo", commit=False)
    out = {"out-inside-src": src / "migrated", "src-inside-out": tmp_path, "same": src}[layout]
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    p = cli("run", src, "--out", out)
    assert p.returncode == 2
    assert "inside" in p.stderr and ("choose" in p.stderr)
    assert "Traceback" not in p.stderr
    assert sorted(q.relative_to(tmp_path) for q in tmp_path.rglob("*")) == before


def test_out_inside_src_through_a_symlink_is_refused(tmp_path, cli):
    src = make_repo(tmp_path / "repo", commit=False)
    os.symlink(src, tmp_path / "alias")
    p = cli("run", src, "--out", tmp_path / "alias" / "migrated")
    assert p.returncode == 2 and "inside" in p.stderr


def test_in_place_refuses_non_git_and_dirty_trees_unless_forced(tmp_path, cli):
    plain = make_repo(tmp_path / "plain", commit=False)
    p = cli("run", plain, "--in-place")
    assert p.returncode == 2 and "not in a git work tree" in p.stderr and "--force" in p.stderr
    assert (plain / "train.py").read_bytes() == CUDA

    repo = make_repo(tmp_path / "repo")
    (repo / "wip.py").write_text("x = 1\n")  # untracked counts as dirty
    p = cli("run", repo, "--in-place")
    assert p.returncode == 2 and "uncommitted" in p.stderr and "--force" in p.stderr
    assert (repo / "train.py").read_bytes() == CUDA
    (repo / "wip.py").unlink()
    (repo / "train.py").write_bytes(CUDA + b"# edited\n")  # modified tracked file
    p = cli("run", repo, "--in-place")
    assert p.returncode == 2 and "uncommitted" in p.stderr
    p = cli("run", repo, "--in-place", "--force", "-q")
    assert p.returncode == 0, p.stderr
    assert (repo / "train.py").read_bytes() == NPU + b"# edited\n"

    p = cli("run", plain, "--in-place", "--force", "-q")
    assert p.returncode == 0 and (plain / "train.py").read_bytes() == NPU


def test_in_place_on_a_clean_repo_changes_only_intended_files(tmp_path, cli):
    repo = make_repo(tmp_path / "repo")
    (repo / "README.md").write_text("uses .cuda()\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "readme")
    p = cli("run", repo, "--in-place", "-q")
    assert p.returncode == 0, p.stderr
    assert git(repo, "status", "--porcelain").splitlines() == [" M train.py"]  # .migrate/ ignores itself
    assert (repo / ".migrate/report/report.json").is_file()
