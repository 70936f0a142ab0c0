"""The walk honours .gitignore files as git does: real git is the oracle (`git ls-files --others
--exclude-standard` lists what git would not ignore in a fresh repo)."""

import os
import subprocess

import pytest

from migrate import discover

TREE = {
    ".gitignore": "build/\n*.log\n/checkpoints\n!keep.log\n",
    "train.py": "import torch\n",
    "keep.log": "kept by the negation\n",
    "run.log": "ignored\n",
    "build/lib/model.py": "ignored folder\n",
    "checkpoints/last.pt": "anchored at the root\n",
    "src/checkpoints/readme.md": "not anchored here: kept\n",
    "src/model/.gitignore": "*.cu\n!keep.cu\ngen/\n",
    "src/model/kernel.cu": "ignored by the nested file\n",
    "src/model/keep.cu": "negated in the nested file\n",
    "src/model/gen/out.py": "ignored folder, nested\n",
    "src/model/layers.py": "import torch\n",
    "src/other/kernel.cu": "the nested .gitignore does not reach here\n",
    "third_party/apex/.gitignore": "*.so\n",
    "third_party/apex/fused.so": "ignored\n",
    "third_party/apex/setup.py": "from setuptools import setup\n",
}


def _make(root, tree):
    for rel, text in tree.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def _git_view(root) -> set[str]:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    out = subprocess.run(["git", "-C", str(root), "ls-files", "--others", "--exclude-standard", "-z"],
                         capture_output=True, text=True, check=True).stdout
    return {x for x in out.split("\0") if x}


def test_walk_ignores_what_git_ignores(tmp_path):
    _make(tmp_path, TREE)
    mine = {e.rel for e in discover.walk(tmp_path).entries}
    assert mine == _git_view(tmp_path)
    assert "src/model/keep.cu" in mine and "src/other/kernel.cu" in mine and "src/model/kernel.cu" not in mine


def test_exclude_patterns_join_the_root_gitignore(tmp_path):
    _make(tmp_path, TREE)
    walk = discover.walk(tmp_path, ("third_party/", "*.md"))
    rels = {e.rel for e in walk.entries}
    assert not any(r.startswith("third_party/") or r.endswith(".md") for r in rels)
    assert "train.py" in rels and "keep.log" in rels and "run.log" not in rels
    # without a root .gitignore the patterns alone apply
    os.unlink(tmp_path / ".gitignore")
    rels = {e.rel for e in discover.walk(tmp_path, ("*.log",)).entries}
    assert "run.log" not in rels and "keep.log" not in rels and "build/lib/model.py" in rels


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_linked_gitignore_is_not_followed(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "rules").write_text("*.py\n")
    repo = tmp_path / "repo"
    _make(repo, {"a.py": "x = 1\n", "sub/b.py": "y = 2\n"})
    os.symlink(tmp_path / "outside" / "rules", repo / "sub" / ".gitignore")
    walk = discover.walk(repo)
    assert {e.rel for e in walk.entries if e.kind == "file"} == {"a.py", "sub/b.py"}
    assert [e.rel for e in walk.entries if e.kind == "symlink"] == ["sub/.gitignore"]
