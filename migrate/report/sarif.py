"""SARIF 2.1.0 for `migrate check --format sarif`: what GitHub code scanning and IDE SARIF viewers read.

Rule metadata comes from the rule YAML (title, why, suggestion, an example; the help link is the rule's
first reference, a page documenting the Ascend side);
each result carries its location (columns count Unicode code points, as `check` prints them),
a fingerprint that survives lines moving, and the proposed fix as SARIF `fixes`.
"""

from __future__ import annotations

from migrate.model import Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _rule_descriptor(rule) -> dict:
    ex = next((e for e in rule.examples if e.after not in (None, e.before)), rule.examples[0] if rule.examples else None)
    help_text = [rule.why]
    help_md = [rule.why]
    if rule.suggestion and "{" not in rule.suggestion:
        help_text += ["", f"Use instead: {rule.suggestion}"]
        help_md += ["", f"**Use instead:** {rule.suggestion}"]
    if ex is not None:
        lang = "python" if ex.path.endswith(".py") else ""
        if ex.after is not None and ex.after != ex.before:
            help_text += ["", "Before:", ex.before.rstrip("\n"), "", "After:", ex.after.rstrip("\n")]
            help_md += ["", "Before:", "", f"```{lang}", ex.before.rstrip("\n"), "```", "", "After:", "",
                        f"```{lang}", ex.after.rstrip("\n"), "```"]
        else:
            help_text += ["", "Example (reported, not rewritten):", ex.before.rstrip("\n")]
            help_md += ["", "Example (reported, not rewritten):", "", f"```{lang}", ex.before.rstrip("\n"), "```"]
    if rule.references:
        help_text += ["", "References:", *rule.references]
        help_md += ["", "References:", "", *(f"- <{u}>" for u in rule.references)]
    help_md += ["", f"Fix safety: {rule.safety.value} · effort: {rule.effort.value} · `migrate explain {rule.id}`"]
    name = "".join(w.capitalize() for w in rule.id.split("-"))
    desc = {
        "id": rule.id,
        "name": name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {"text": "\n".join(help_text), "markdown": "\n".join(help_md)},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"safety": rule.safety.value, "effort": rule.effort.value,
                       "languages": list(rule.languages), "tags": ["ascend", "torch_npu", *rule.languages]},
    }
    if rule.docs_url:
        desc["helpUri"] = rule.docs_url
    return desc


def _region(start, end) -> dict:
    return {"startLine": start[0], "startColumn": start[1], "endLine": end[0], "endColumn": end[1]}


def _location(it) -> dict:
    f = it.finding
    end = (f.end_line or f.line, f.end_column or f.column)
    if end < (f.line, f.column):
        end = (f.line, f.column)
    return {"physicalLocation": {"artifactLocation": {"uri": it.path, "uriBaseId": "SRCROOT"},
                                 "region": _region((f.line, f.column), end)}}


def _fix(it) -> dict | None:
    if not it.fix:
        return None
    desc = f"{it.finding.rule}: " + (it.finding.suggestion or it.finding.message)
    if not it.fixable:
        desc += f" ({it.finding.safety.value} fix: review before applying)"
    return {
        "description": {"text": desc},
        "artifactChanges": [{
            "artifactLocation": {"uri": it.path, "uriBaseId": "SRCROOT"},
            "replacements": [{"deletedRegion": _region(r.start, r.end), "insertedContent": {"text": r.text}}
                             for r in it.fix],
        }],
    }


def build(checked, base, settings) -> dict:
    from migrate import __version__
    from migrate.ruleset import rules_of

    rules = rules_of(settings)
    used = sorted({it.finding.rule for it in checked.items if it.finding.rule in rules})
    index = {rid: i for i, rid in enumerate(used)}
    results = []
    for it in checked.items:
        f = it.finding
        res = {
            "ruleId": f.rule,
            "level": _LEVEL[f.severity],
            "message": {"text": f.message + (f"\n{f.suggestion}" if f.suggestion and not it.fixable else "")},
            "locations": [_location(it)],
            "partialFingerprints": {"migrateFinding/v1": it.fingerprint},
            "properties": {"safety": f.safety.value, "effort": f.effort.value, "fixable": it.fixable},
        }
        if f.rule in index:
            res["ruleIndex"] = index[f.rule]
        fix = _fix(it)
        if fix:
            res["fixes"] = [fix]
        results.append(res)
    notes = [{"level": "warning", "message": {"text": f"{p}: not checked: {r}"}} for p, r in checked.skipped]
    notes += [{"level": "error", "message": {"text": f"{p}: {r}"}} for p, r in checked.errors]
    run = {
        "tool": {"driver": {
            "name": "migrate",
            "version": __version__,
            "rules": [_rule_descriptor(rules[rid]) for rid in used],
        }},
        "originalUriBaseIds": {"SRCROOT": {"uri": base.resolve().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": not checked.errors, "toolExecutionNotifications": notes}],
        "results": results,
        "properties": {"target": {"torch_npu": settings.target}, "baselined": checked.baselined},
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
