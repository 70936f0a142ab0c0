"""Issue 6.7/6.8: configs and custom rules from the scanned repo are data, validated with clear
errors (file, key, reason); a user error is a message with a way out, never a traceback; an
internal error on one file is reported for that file and the run goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
CUDA = "import torch\nmodel = Net().cuda()\n"

RULE = """\
rules:
- id: team-to-gpu
  title: our `.to_gpu()` helper -> `.to_npu()`
  why: the team's tensors grew a `to_gpu` method years ago
  languages: python
  matcher: tensor-method
  triggers: [to_gpu]
  severity: error
  safety: safe
  effort: trivial
  message: "`{old}` -> `{new}`"
  options:
    methods: {to_gpu: to_npu}
  examples:
  - name: calls
    before: "y = t.to_gpu()\\n"
    after: "y = t.to_npu()\\n"
"""


def repo(tmp_path, pyproject: str | None = None, files: dict | None = None) -> Path:
    src = tmp_path / "repo"
    src.mkdir()
    (src / "train.py").write_text(CUDA + "y = x.to_gpu()\n")
    if pyproject is not None:
        (src / "pyproject.toml").write_text(pyproject)
    for name, text in (files or {}).items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text)
    return src


def user_error(p, *needles):
    """Exit 2, one clear message on stderr naming what is wrong, no traceback."""
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr + p.stdout
    assert p.stderr.startswith("migrate: error:") or p.stderr.startswith("usage:"), p.stderr
    for n in needles:
        assert n in p.stderr, (n, p.stderr)


def test_project_rules_from_extend_rules_are_used(tmp_path, cli):
    src = repo(tmp_path, '[tool.migrate]\nextend-rules = ["tools/migrate/*.yaml"]\n',
               {"tools/migrate/team.yaml": RULE})
    out = tmp_path / "out"
    p = cli("run", src, "--out", out, "-q")
    assert p.returncode == 0, p.stderr
    assert (out / "train.py").read_text() == "import torch\nmodel = Net().npu()\ny = x.to_npu()\n"
    report = json.loads((out / ".migrate/report/report.json").read_text())
    assert {f["rule"] for f in report["findings"]} == {"tensor-cuda-method", "team-to-gpu"}
    # the team's rule is documented in the report like a shipped one (it has no references: no link)
    assert report["rules"]["team-to-gpu"]["why"].startswith("the team's tensors")
    assert report["rules"]["team-to-gpu"]["docs"] is None
    jsonschema.validate(report, json.loads((ROOT / "docs" / "report.schema.json").read_text()))


@pytest.mark.parametrize("case,pyproject,files,needles", [
    ("toml syntax", "[tool.migrate\n", {}, ["pyproject.toml", "TOML", "line 1"]),
    ("wrong type", '[tool.migrate]\nunsafe-fixes = "yes"\n', {}, ["pyproject.toml", "'unsafe-fixes'", "true or false"]),
    ("unknown key", "[tool.migrate]\nunsafe_fixes = true\n", {}, ["unknown key 'unsafe_fixes'", "unsafe-fixes"]),
    ("unknown rule id", '[tool.migrate]\nignore = ["no-such-rule"]\n', {}, ["'ignore'", "no-such-rule"]),
    ("tool not a table", 'tool = "migrate"\n', {}, ["key 'tool'"]),
    ("absolute rule path", '[tool.migrate]\nextend-rules = ["/etc/hostname"]\n', {}, ["extend-rules", "inside the repo"]),
    ("rule path outside", '[tool.migrate]\nextend-rules = ["../rules.yaml"]\n', {}, ["extend-rules", "inside the repo"]),
    ("no rule file", '[tool.migrate]\nextend-rules = ["rules/*.yaml"]\n', {}, ["matches no file"]),
    ("code in YAML", '[tool.migrate]\nextend-rules = ["r.yaml"]\n',
     {"r.yaml": "rules: !!python/object/apply:os.system ['touch PWNED']\n"}, ["r.yaml", "no tags that build objects"]),
    ("YAML syntax", '[tool.migrate]\nextend-rules = ["r.yaml"]\n', {"r.yaml": "rules: [\n"}, ["r.yaml", "invalid YAML"]),
    ("missing keys", '[tool.migrate]\nextend-rules = ["r.yaml"]\n',
     {"r.yaml": RULE.replace("  why: the team's tensors grew a `to_gpu` method years ago\n", "")}, ["team-to-gpu", "why"]),
    ("unknown matcher", '[tool.migrate]\nextend-rules = ["r.yaml"]\n',
     {"r.yaml": RULE.replace("matcher: tensor-method", "matcher: exec")}, ["team-to-gpu", "'matcher'", "tensor-method"]),
    ("built-in id", '[tool.migrate]\nextend-rules = ["r.yaml"]\n',
     {"r.yaml": RULE.replace("id: team-to-gpu", "id: tensor-cuda-method")}, ["built-in rule"]),
    ("options that break the matcher", '[tool.migrate]\nextend-rules = ["r.yaml"]\n',
     {"r.yaml": RULE.replace("methods: {to_gpu: to_npu}", "methods: 5")}, ["team-to-gpu", "'options'", "tensor-method"]),
    ("regex that backtracks exponentially", '[tool.migrate]\nextend-rules = ["r.yaml"]\n',
     {"r.yaml": RULE.replace("matcher: tensor-method", "matcher: pattern").replace(
         "methods: {to_gpu: to_npu}", "patterns: [{regex: '(\\w+\\s?)+$', message: slow}]").split("  examples:")[0]},
     ["team-to-gpu", "options.patterns[0]", "exponential"]),
    ("example that does not come out", '[tool.migrate]\nextend-rules = ["r.yaml"]\n',
     {"r.yaml": RULE.replace('after: "y = t.to_npu()', 'after: "y = t.npu()')}, ["team-to-gpu", "'examples'", "calls"]),
])
def test_bad_configs_and_rule_files_are_clear_user_errors(tmp_path, cli, case, pyproject, files, needles):
    src = repo(tmp_path, pyproject, files)
    p = cli("run", src, "--out", tmp_path / "out", cwd=tmp_path)
    user_error(p, *needles)
    assert not (tmp_path / "out").exists()  # nothing written before the config is known good
    assert not list(tmp_path.rglob("PWNED"))


def test_rule_file_through_a_symlink_is_refused(tmp_path, cli):
    (tmp_path / "elsewhere.yaml").write_text(RULE)
    src = repo(tmp_path, '[tool.migrate]\nextend-rules = ["r.yaml"]\n')
    (src / "r.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    user_error(cli("run", src, "--out", tmp_path / "out"), "r.yaml", "symlink")


def test_unreadable_pyproject_is_a_user_error(tmp_path):
    from tests.test_safety_fs import _drop_root_read_caps

    prefix = _drop_root_read_caps()
    src = repo(tmp_path, "[tool.migrate]\n")
    os.chmod(src / "pyproject.toml", 0)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    p = subprocess.run([*prefix, sys.executable, "-m", "migrate", "run", str(src), "--out", str(tmp_path / "out")],
                       capture_output=True, text=True, env=env, timeout=300)
    user_error(p, "pyproject.toml", "Permission denied")


@pytest.mark.parametrize("args,needles", [
    (["run", "missing", "--out", "o"], ["missing", "no such file"]),
    (["run", "repo"], ["--out", "--in-place"]),
    (["run", "repo", "--out", "o", "--bogus"], ["--bogus"]),
    (["run", "repo", "--out", "o", "--select", "cuda-nope"], ["cuda-nope", "migrate rules"]),
    (["run", "repo", "--out", "o", "--target", "1.0"], ["1.0", "2.14.0"]),
    (["run", "repo", "--out", "o", "--jobs", "-1"], ["--jobs"]),
    (["run", "repo/train.py", "--out", "o"], ["migrate check FILE"]),
    (["run", "repo", "--out", "repo/out"], ["inside"]),
    (["run", "repo", "--out", "afile/sub"], ["afile", "Not a directory", "--out"]),
    (["run", "repo", "--out", "o", "--report-dir", "afile"], ["--report-dir", "not a folder"]),
    (["check", "missing"], ["missing"]),
    (["diff", "missing"], ["missing"]),
    (["explain", "no-such-rule"], ["no-such-rule"]),
])
def test_user_errors_are_messages_not_tracebacks(tmp_path, cli, args, needles):
    repo(tmp_path)
    (tmp_path / "afile").write_text("x")
    user_error(cli(*args, cwd=tmp_path), *needles)


@pytest.fixture
def boom(monkeypatch):
    """A rule matcher with a bug: it raises on any file that mentions BOOM."""
    from migrate.lang.python import matchers

    m = matchers.get("tensor-method")
    real = type(m).chain

    def chain(self, pf, rule, *a, **k):
        if b"BOOM" in pf.ctx.source:
            raise KeyError("simulated bug")
        return real(self, pf, rule, *a, **k)

    monkeypatch.setattr(type(m), "chain", chain)


def test_an_internal_error_on_one_file_is_reported_and_the_run_goes_on(tmp_path, boom, capsys):
    from migrate import cli

    src = repo(tmp_path)
    bad = CUDA + "BOOM = 1\n"
    (src / "bad.py").write_text(bad)
    out = tmp_path / "out"
    rc = cli.main(["run", str(src), "--out", str(out), "-j", "1"])
    captured = capsys.readouterr()
    assert rc == 1
    assert "Traceback" not in captured.out + captured.err
    assert (out / "bad.py").read_text() == bad  # copied as it was
    assert (out / "train.py").read_text().startswith("import torch\nmodel = Net().npu()\n")  # the rest migrated
    report = json.loads((out / ".migrate/report/report.json").read_text())
    files = {f["path"]: f for f in report["files"]}
    assert files["bad.py"]["status"] == "error"
    assert "internal error: KeyError" in files["bad.py"]["reason"] and "simulated bug" in files["bad.py"]["reason"]
    assert files["train.py"]["status"] == "changed"
    assert "bad.py" in captured.out  # the summary names it
    assert "please report it" in files["bad.py"]["reason"]

    rc = cli.main(["run", str(src), "--out", str(tmp_path / "out2"), "-j", "1", "--verbose"])
    captured = capsys.readouterr()
    assert rc == 1
    assert "bad.py: internal error" in captured.err and "Traceback" in captured.err and "simulated bug" in captured.err
