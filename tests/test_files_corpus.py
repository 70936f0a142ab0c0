"""The files-multinode corpus case (scripts, configs, requirements, containers, CI, a notebook).
tests/test_corpus.py compares its output tree and open findings with expected/ and
expected_findings.txt; here: file modes, the patch, and that expected/ is a fixed point."""

import json
import os
import stat
from pathlib import Path

from migrate.core import migrate_file
from migrate.settings import Settings

CASE = Path(__file__).resolve().parent.parent / "corpus" / "files-multinode"


def _files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def test_modes_and_patch(cli, tmp_path):
    out, rep = tmp_path / "out", tmp_path / "rep"
    r = cli("run", CASE / "input", "--out", out, "--report-dir", rep)
    assert r.returncode == 1, r.stderr  # open findings remain
    got, want = _files(out), _files(CASE / "expected")
    assert sorted(got) == sorted(want)
    for rel, p in want.items():
        assert got[rel].read_bytes() == p.read_bytes(), rel
        # mode bits survive (the launch scripts stay executable)
        assert stat.S_IMODE(os.stat(got[rel]).st_mode) == stat.S_IMODE(os.stat(CASE / "input" / rel).st_mode), rel
    assert os.access(out / "scripts" / "train_multinode.sh", os.X_OK)
    report = json.loads((rep / "report.json").read_text())
    langs = {f["path"]: f["language"] for f in report["files"]}
    assert langs["Makefile"] == "makefile" and langs["notebooks/quickstart.ipynb"] == "notebook"
    patch = (rep / "migration.patch").read_text()
    for rel in ("requirements.txt", "scripts/train_multinode.sh", "notebooks/quickstart.ipynb", "k8s/train-job.yaml"):
        assert f"a/{rel}" in patch


def test_expected_tree_is_a_fixed_point():
    for rel, p in _files(CASE / "expected").items():
        result = migrate_file(rel, p.read_bytes(), Settings())
        assert result.status == "unchanged", (rel, result.status, result.reason)


def test_unchanged_files_stay_byte_identical():
    inp = _files(CASE / "input")
    exp = _files(CASE / "expected")
    same = [rel for rel in inp if inp[rel].read_bytes() == exp[rel].read_bytes()]
    assert "configs/ds_zero2.json" in same  # findings only: the file itself is untouched


def test_check_and_diff_treat_these_files_like_python(cli, tmp_path):
    import shutil
    import subprocess

    root = tmp_path / "repo"
    shutil.copytree(CASE / "input", root)
    r = cli("check", root, "--format", "json")
    assert r.returncode == 1, r.stderr
    by_path = {f["path"].split("repo/", 1)[-1] for f in json.loads(r.stdout)["findings"]}
    for rel in ("Makefile", "docker/Dockerfile", "configs/train.yaml", "requirements.txt", "pyproject.toml",
                "notebooks/quickstart.ipynb", "k8s/train-job.yaml", ".github/workflows/gpu-tests.yml"):
        assert rel in by_path, rel
    d = cli("diff", root)
    (tmp_path / "m.patch").write_text(d.stdout)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "apply", "-p1", str(tmp_path / "m.patch")], check=True)
    # what git applied is exactly the reviewed expected tree
    for rel, p in _files(CASE / "expected").items():
        assert (root / rel).read_bytes() == p.read_bytes(), rel
    assert cli("check", root / "configs" / "ds_zero2.json").returncode == 1  # findings only, nothing to fix


def test_review_of_scripts_configs_and_notebooks_writes_exactly_the_accepted_changes(tmp_path):
    import random

    from test_review import ACCEPTED, assert_disk_matches_decisions, drive, load, make_repo, snapshot

    root = make_repo(tmp_path, "files-multinode")
    before = snapshot(root)
    s = load(root)
    assert {"Makefile", "notebooks/quickstart.ipynb", "requirements.txt", "k8s/train-job.yaml"} <= {
        f.path for f in s.files if f.changes}
    rng = random.Random(4)
    keys = [rng.choice("yn") for fr in s.files for _ in fr.changes]
    drive(s, keys + ["q"])
    assert sum(1 for v in s.decisions.values() if v is ACCEPTED) == keys.count("y")
    assert_disk_matches_decisions(root, s, before)
    nb = json.loads((root / "notebooks" / "quickstart.ipynb").read_text())  # still a valid notebook
    assert nb["nbformat"] == 4
