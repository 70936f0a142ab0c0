"""The report model: one dict that every report format is rendered from.

Schema (version 1) is documented in docs/report-schema.md; report.json is this dict as JSON.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from migrate import __version__
from migrate.model import EFFORT_HOURS, Effort, FileResult, Safety, Severity

SCHEMA_VERSION = "1.0"

# A finding a person still has to act on: open, and not mere advice.
def is_open(f) -> bool:
    return not f.fixed


def needs_person(f) -> bool:
    return not f.fixed and f.severity in (Severity.ERROR, Severity.WARNING)


def build(results: list[FileResult], settings, *, root_name: str, diffs: dict[str, str] | None = None,
          extra: dict | None = None) -> dict:
    from migrate.ruleset import rules_by_id

    results = sorted(results, key=lambda r: r.path)
    findings = [f for r in results for f in r.findings]
    rules = rules_by_id()
    by_rule: dict[str, dict] = defaultdict(lambda: {"fixed": 0, "open": 0})
    for f in findings:
        by_rule[f.rule]["fixed" if f.fixed else "open"] += 1
    open_findings = [f for f in findings if not f.fixed]
    effort_hours = round(sum(EFFORT_HOURS[Effort(f.effort)] for f in open_findings), 2)
    kernels = [k for r in results for k in r.kernels]
    effort_hours += sum(EFFORT_HOURS.get(Effort(k.get("effort", "medium")), 2.0) for k in kernels if not k.get("complete"))
    unsupported = Counter(f.api or f.rule for f in open_findings if f.severity is Severity.ERROR)
    status = Counter(r.status for r in results)
    summary = {
        "files_scanned": len(results),
        "files_changed": status.get("changed", 0),
        "files_unchanged": status.get("unchanged", 0),
        "files_skipped": status.get("skipped", 0),
        "files_error": status.get("error", 0),
        "lines_scanned": sum(r.lines for r in results),
        "fixes_applied": sum(1 for f in findings if f.fixed),
        "open_findings": len(open_findings),
        "needs_person": sum(1 for f in findings if needs_person(f)),
        "open_by_severity": {s.value: sum(1 for f in open_findings if f.severity is s) for s in Severity},
        "open_by_effort": {e.value: sum(1 for f in open_findings if f.effort == e) for e in Effort},
        "open_by_safety": {s.value: sum(1 for f in open_findings if f.safety == s) for s in Safety},
        "by_rule": {k: by_rule[k] for k in sorted(by_rule)},
        "effort_hours": round(effort_hours, 2),
        "kernels": len(kernels),
        "kernels_complete": sum(1 for k in kernels if k.get("complete")),
        "top_unsupported": [{"api": api, "count": n} for api, n in unsupported.most_common(10)],
        "generated_files": sorted(p for r in results for p in r.generated),
    }
    report = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "migrate", "version": __version__},
        "target": {"torch_npu": settings.target},
        "settings": {"select": list(settings.select), "ignore": list(settings.ignore),
                     "unsafe_fixes": settings.unsafe_fixes, "shim": settings.shim},
        "root": root_name,
        "summary": summary,
        "files": [r.to_json() for r in results if r.status != "unchanged" or r.findings],
        "findings": [f.to_json() for f in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.rule))],
        "kernels": kernels,
        "rules": {rid: _rule_json(rules[rid]) for rid in sorted(by_rule) if rid in rules},
        "diffs": dict(sorted((diffs or {}).items())),
    }
    if extra:
        report.update(extra)
    return report


def _rule_json(rule) -> dict:
    ex = next((e for e in rule.examples if e.after not in (None, e.before)), rule.examples[0] if rule.examples else None)
    return {
        "title": rule.title, "severity": rule.severity.value, "safety": rule.safety.value,
        "effort": rule.effort.value, "why": rule.why, "docs": rule.docs_url,
        "example": {"before": ex.before, "after": ex.after} if ex else None,
    }
