"""Every example of every rule is a test: `before` must become `after` (or stay unchanged), and
the open findings must be exactly the listed rule ids."""

from collections import Counter

import pytest

from migrate.core import migrate_file
from migrate.ruleset import all_rules
from migrate.settings import Settings

CASES = [pytest.param(rule, ex, id=f"{rule.id}: {ex.name}") for rule in all_rules() for ex in rule.examples]


def settings_for(ex) -> Settings:
    kw = dict(ex.settings)
    for key in ("select", "ignore"):
        if key in kw:
            kw[key] = tuple(kw[key])
    return Settings(**kw)


@pytest.mark.parametrize("rule,ex", CASES)
def test_example(rule, ex):
    result = migrate_file(ex.path, ex.before.encode(), settings_for(ex))
    assert result.status in ("changed", "unchanged"), result.reason
    out = result.new_data.decode() if result.new_data is not None else ex.before
    expected = ex.after if ex.after is not None else ex.before
    assert out == expected
    open_rules = Counter(f.rule for f in result.findings if not f.fixed)
    assert open_rules == Counter(ex.findings), [(f.rule, f.line, f.message) for f in result.findings if not f.fixed]
    if ex.after is not None and ex.after != ex.before and rule.safety.value != "manual":
        assert any(f.fixed and f.rule == rule.id for f in result.findings), "the rule's own fix must be applied"


def test_every_rule_has_examples():
    missing = [r.id for r in all_rules() if not r.examples]
    assert not missing, f"rules without examples: {missing}"


def test_every_fixing_rule_has_a_rewrite_example():
    from migrate.model import Safety

    lacking = [r.id for r in all_rules()
               if r.safety is not Safety.MANUAL and not any(ex.after not in (None, ex.before) for ex in r.examples)]
    assert not lacking, f"rules that fix without a before/after example: {lacking}"


def test_second_pass_is_a_no_op():
    for rule in all_rules():
        for ex in rule.examples:
            if ex.after is None:
                continue
            again = migrate_file(ex.path, ex.after.encode(), settings_for(ex))
            assert again.status == "unchanged", (rule.id, ex.name, again.new_data)


def test_every_rule_has_documentation_references():
    """Help links (SARIF helpUri, report.json docs link) come from `references:`: every rule needs 1-3 real https
    pages, never the invented migrate.readthedocs.io site."""
    bad = {}
    for rule in all_rules():
        wrong = [u for u in rule.references
                 if not u.startswith("https://") or any(c.isspace() for c in u) or "migrate.readthedocs.io" in u]
        if wrong or not 1 <= len(rule.references) <= 3:
            bad[rule.id] = wrong or list(rule.references)
    assert not bad, bad
