"""The terminal summary at the end of a run (rich tables; respects NO_COLOR and non-tty output)."""

from __future__ import annotations


def print_summary(report: dict, console, *, report_dir=None, out=None) -> None:
    from rich import box
    from rich.table import Table

    s = report["summary"]
    head = Table(box=box.SIMPLE_HEAVY, show_header=False, title=f"migrate → torch_npu {report['target']['torch_npu']}")
    head.add_column(justify="left", style="bold")
    head.add_column(justify="right")
    head.add_row("files scanned", f"{s['files_scanned']:,} ({s['lines_scanned']:,} lines)")
    head.add_row("files changed", f"{s['files_changed']:,}")
    if s["files_skipped"] or s["files_error"]:
        head.add_row("files skipped / errors", f"{s['files_skipped']:,} / {s['files_error']:,}")
    head.add_row("fixes applied", f"{s['fixes_applied']:,}")
    head.add_row("open findings", f"{s['open_findings']:,} ({s['needs_person']:,} need a person)")
    sev = s["open_by_severity"]
    head.add_row("  by severity", f"error {sev['error']} · warning {sev['warning']} · info {sev['info']}")
    eff = s["open_by_effort"]
    head.add_row("  by effort", " · ".join(f"{k} {v}" for k, v in eff.items() if v) or "-")
    if s["kernels"]:
        head.add_row("CUDA kernels", f"{s['kernels']} ({s['kernels_complete']} translated completely)")
    head.add_row("estimated effort", f"{s['effort_hours']:g} person-hours")
    console.print(head)

    if s["by_rule"]:
        t = Table(title="by rule", box=box.SIMPLE)
        t.add_column("rule")
        t.add_column("fixed", justify="right", style="green")
        t.add_column("open", justify="right", style="yellow")
        for rid, c in sorted(s["by_rule"].items(), key=lambda kv: -(kv[1]["fixed"] + kv[1]["open"])):
            t.add_row(rid, str(c["fixed"] or ""), str(c["open"] or ""))
        console.print(t)
    if s["top_unsupported"]:
        t = Table(title="top unsupported APIs", box=box.SIMPLE)
        t.add_column("API")
        t.add_column("uses", justify="right")
        for row in s["top_unsupported"]:
            t.add_row(row["api"], str(row["count"]))
        console.print(t)
    problems = [f for f in report["files"] if f["status"] in ("skipped", "error")]
    if problems:
        t = Table(title="files not migrated", box=box.SIMPLE)
        t.add_column("file")
        t.add_column("status")
        t.add_column("reason")
        for f in problems[:20]:
            t.add_row(f["path"], f["status"], f["reason"] or "")
        if len(problems) > 20:
            t.add_row(f"... {len(problems) - 20} more in the report", "", "")
        console.print(t)
    walk_problems = report.get("problems") or []
    if walk_problems:
        t = Table(title="paths not read or not copied", box=box.SIMPLE)
        t.add_column("path")
        t.add_column("reason")
        for p in walk_problems[:20]:
            t.add_row(p["path"], p["reason"])
        if len(walk_problems) > 20:
            t.add_row(f"... {len(walk_problems) - 20} more in the report", "")
        console.print(t)
    if out:
        console.print(f"migrated tree: {out}")
    if report_dir:
        console.print(f"report: {report_dir}/report.html  (also report.md, report.json, migration.patch, CSVs)")
