"""The report model: one dict that every report format is rendered from.

Schema (version 1) is documented in docs/report-schema.md; report.json is this dict as JSON.
"""

from __future__ import annotations

import re
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
    from migrate.ruleset import rules_of

    results = sorted(results, key=lambda r: r.path)
    findings = [f for r in results for f in r.findings]
    rules = rules_of(settings)
    by_rule: dict[str, dict] = defaultdict(lambda: {"fixed": 0, "open": 0})
    for f in findings:
        by_rule[f.rule]["fixed" if f.fixed else "open"] += 1
    open_findings = [f for f in findings if not f.fixed]
    kernels = [k for r in results for k in r.kernels]
    effort_breakdown = _effort_breakdown(open_findings, kernels)
    effort_hours = sum(row["hours"] for row in effort_breakdown)
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
        "effort_breakdown": effort_breakdown,
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
        "files": [_file_json(r) for r in results if r.status != "unchanged" or r.findings],
        "findings": [f.to_json() for f in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.rule))],
        "kernels": kernels,
        "rules": {rid: _rule_json(rules[rid]) for rid in sorted(by_rule) if rid in rules},
        "diffs": dict(sorted((diffs or {}).items())),
    }
    notes = notes_for(settings)
    if notes:
        report["notes"] = notes
    if extra:
        report.update(extra)
    return report


def _file_json(r: FileResult) -> dict:
    out = r.to_json()
    out["fixes"] = sum(1 for f in r.findings if f.fixed)
    out["open"] = sum(1 for f in r.findings if not f.fixed)
    return out


def _effort_breakdown(open_findings, kernels) -> list[dict]:
    """Where the person-hours come from: one row per effort level with open findings, then kernels.
    The rows' hours add up to summary.effort_hours."""
    rows = []
    for e in Effort:
        n = sum(1 for f in open_findings if f.effort == e)
        if n:
            rows.append({"source": "findings", "effort": e.value, "count": n, "hours_each": EFFORT_HOURS[e],
                         "hours": round(n * EFFORT_HOURS[e], 2)})
    todo = Counter(_kernel_effort(k) for k in kernels if not k.get("complete"))
    for e in Effort:
        if todo[e]:
            rows.append({"source": "kernels", "effort": e.value, "count": todo[e], "hours_each": EFFORT_HOURS[e],
                         "hours": round(todo[e] * EFFORT_HOURS[e], 2)})
    return rows


SHIM_NOTE = {
    "title": "What the transfer_to_npu shim does not cover",
    "text": (
        "With --shim, entry scripts import torch_npu.contrib.transfer_to_npu, which patches torch.cuda, "
        "device arguments of about 50 torch functions, Tensor/Module .cuda() and init_process_group('nccl') at run "
        "time. It does not touch: comparisons such as x.device.type == 'cuda' or backend == 'nccl' (migrated or "
        "listed here), torch.backends.cudnn/cuda settings, apex, flash-attn, xformers, Triton kernels and C++/CUDA "
        "extensions (all listed here). Under the shim torch.cuda.is_available() is True, which sends libraries such "
        "as accelerate down their CUDA paths, and torch.jit.script is disabled."
    ),
}


def notes_for(settings) -> list[dict]:
    return [SHIM_NOTE] if settings.shim else []


def _rule_json(rule) -> dict:
    ex = next((e for e in rule.examples if e.after not in (None, e.before)), rule.examples[0] if rule.examples else None)
    return {
        "title": rule.title, "severity": rule.severity.value, "safety": rule.safety.value,
        "effort": rule.effort.value, "why": rule.why, "docs": rule.docs_url,
        "example": {"before": ex.before, "after": ex.after} if ex else None,
    }


def _kernel_effort(k: dict) -> Effort:
    try:
        return Effort(k.get("effort") or "medium")
    except ValueError:
        return Effort.MEDIUM


# ---------------------------------------------------------------------------------------------
# The view: what the Markdown and HTML templates need beyond report.json, derived in one place
# from the report dict (so a saved report.json renders the same). Not written to report.json.

KERNEL_COLUMNS = ("name", "path", "line", "constructs", "effort", "complete", "generated")
_HUNK = re.compile(r"@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_SEV_RANK = {"error": 0, "warning": 1, "info": 2}


def view(report: dict) -> dict:
    open_by_path: dict[str, list[dict]] = defaultdict(list)
    rule_severity: dict[str, str] = {}
    for f in report["findings"]:
        if not f["fixed"]:
            open_by_path[f["path"]].append(f)
        seen = rule_severity.get(f["rule"])
        if seen is None or _SEV_RANK.get(f["severity"], 9) < _SEV_RANK.get(seen, 9):
            rule_severity[f["rule"]] = f["severity"]
    entries = {f["path"]: f for f in report["files"]}
    diffs = report.get("diffs") or {}
    sections = []
    used: set[str] = set()
    for path in sorted(set(entries) | set(diffs) | set(open_by_path)):
        e = entries.get(path) or {"path": path, "status": "generated" if path in diffs else "unchanged",
                                  "reason": None, "language": None, "lines": 0, "generated": []}
        found = sorted(open_by_path.get(path, ()), key=lambda f: (f["line"], f["column"], f["rule"]))
        sev = Counter(f["severity"] for f in found)
        rows = diff_lines(diffs.get(path, ""))
        sections.append({
            "path": path, "anchor": _anchor(path, used), "status": e["status"], "reason": e.get("reason"),
            "language": e.get("language"), "lines": e.get("lines", 0),
            "fixes": e.get("fixes", 0), "open": found,
            "by_severity": {k: sev[k] for k in ("error", "warning", "info") if sev[k]},
            "worst": min(sev, key=_SEV_RANK.__getitem__) if sev else None,
            "rules": sorted({f["rule"] for f in found}),
            "diff": rows,
            "diff_stat": _diff_stat(rows),
            # Diff rows a finding links to (old line numbers): only those get an id.
            "linked_lines": {f["line"] for f in found} & {row[1] for row in rows if row[1] is not None},
        })
    rules = report.get("rules") or {}
    # A rule's findings may carry another severity than its default: show the worst one seen.
    by_rule = [{"id": rid, "fixed": c["fixed"], "open": c["open"], **(rules.get(rid) or {}),
                **({"severity": rule_severity[rid]} if rid in rule_severity else {})}
               for rid, c in report["summary"]["by_rule"].items()]
    by_rule.sort(key=lambda r: (-r["open"], -r["fixed"], r["id"]))
    not_migrated = [{"path": f["path"], "status": f["status"], "reason": f.get("reason") or ""}
                    for f in report["files"] if f["status"] in ("skipped", "error")]
    not_migrated += [{"path": p["path"], "status": "not read", "reason": p.get("reason") or ""}
                     for p in report.get("problems") or ()]
    kernels = report.get("kernels") or []
    present = {k for kern in kernels for k in kern}
    columns = [c for c in KERNEL_COLUMNS if c in present] + sorted(present - set(KERNEL_COLUMNS))
    return {
        "files": sections,
        "files_with_open": sum(1 for s in sections if s["open"]),
        "files_need_person": sum(1 for s in sections if any(f["severity"] in ("error", "warning") for f in s["open"])),
        "by_rule": by_rule,
        "not_migrated": not_migrated,
        "kernel_columns": columns,
        "hours_per_effort": {e.value: EFFORT_HOURS[e] for e in Effort},
    }


def diff_lines(diff: str) -> list[tuple[str, int | None, int | None, str]]:
    """A unified diff as (kind, old line, new line, text) rows; kind is meta, hunk, add, del, ctx or note."""
    out = []
    in_header = True
    old = new = 0
    for line in diff.splitlines():
        if line.startswith("diff --git "):
            in_header = True
        m = _HUNK.match(line) if line.startswith("@@") else None
        if m:
            in_header = False
            old, new = int(m.group(1)), int(m.group(2))
            out.append(("hunk", None, None, line))
        elif in_header:
            out.append(("meta", None, None, line))
        elif line.startswith("+"):
            out.append(("add", None, new, line))
            new += 1
        elif line.startswith("-"):
            out.append(("del", old, None, line))
            old += 1
        elif line.startswith("\\"):
            out.append(("note", None, None, line))
        else:
            out.append(("ctx", old, new, line))
            old += 1
            new += 1
    return out


def _diff_stat(lines) -> dict:
    return {"added": sum(1 for row in lines if row[0] == "add"), "removed": sum(1 for row in lines if row[0] == "del")}


def _anchor(path: str, used: set[str]) -> str:
    base = "file-" + "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in path)
    anchor, n = base, 1
    while anchor in used:
        n += 1
        anchor = f"{base}-{n}"
    used.add(anchor)
    return anchor
