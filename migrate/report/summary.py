"""The terminal summary at the end of a run (rich tables; respects NO_COLOR and non-tty output).

Same numbers as report.html/report.md: everything comes from report["summary"] and model.view().
Text from the scanned repo (paths, reasons, API names) is passed as rich Text, never as markup,
so a file called `[bold]x.py` prints as it is.
"""

from __future__ import annotations

SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "blue"}
MAX_PROBLEMS = 20


def _hours(value) -> str:
    from migrate.report.render import hours

    return hours(value)


def print_summary(report: dict, console, *, report_dir=None, out=None, v=None) -> None:
    """`v`: model.view(report) when the caller has it. A quiet console (-q) prints nothing, so
    nothing is rendered for it."""
    if console.quiet:
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from migrate.report.model import view

    s = report["summary"]
    v = view(report) if v is None else v
    title = Text.assemble(("migrate", "bold"), f" {report['tool']['version']} → torch_npu {report['target']['torch_npu']}: ",
                          (str(report["root"]), "bold"))
    head = Table(box=box.SIMPLE_HEAD, show_header=False, title=title, title_justify="left", pad_edge=False)
    head.add_column(style="bold", no_wrap=True)
    head.add_column(overflow="fold")
    head.add_row("files scanned", f"{s['files_scanned']:,} ({s['lines_scanned']:,} lines)")
    head.add_row("files changed", Text(f"{s['files_changed']:,}", style="green" if s["files_changed"] else ""))
    if s["files_skipped"] or s["files_error"]:
        head.add_row("skipped / errors", Text(f"{s['files_skipped']:,} / {s['files_error']:,}", style="yellow"))
    head.add_row("fixes applied", Text(f"{s['fixes_applied']:,}", style="green" if s["fixes_applied"] else ""))
    sev = s["open_by_severity"]
    parts = [Text(f"{s['open_findings']:,}", style="bold")]
    if s["open_findings"]:
        parts.append(Text(": "))
        parts.append(Text(" · ").join(Text(f"{sev[k]} {k}", style=SEVERITY_STYLE[k]) for k in ("error", "warning", "info") if sev[k]))
    head.add_row("open findings", Text.assemble(*parts))
    if s["open_findings"]:
        head.add_row("need a person", f"{s['needs_person']:,} in {v['files_need_person']:,} file{'s' if v['files_need_person'] != 1 else ''}")
    if s["kernels"]:
        head.add_row("CUDA kernels", f"{s['kernels']:,} ({s['kernels_complete']:,} translated completely)")
    head.add_row("estimated effort", Text(f"{_hours(s['effort_hours'])} person-hours", style="bold"))
    rows = sorted(s.get("effort_breakdown") or [], key=lambda row: -row["hours"])
    if rows:
        head.add_row("  from", Text(" · ".join(
            f"{row['count']:,} {row['effort']}{' kernel' + ('s' if row['count'] != 1 else '') if row['source'] == 'kernels' else ''}"
            f" {_hours(row['hours'])}h" for row in rows), style="dim"))
    console.print(head)

    if v["by_rule"]:
        t = Table(title="findings by rule", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        t.add_column("rule", overflow="fold")
        t.add_column("severity", no_wrap=True)
        t.add_column("fix", no_wrap=True)
        t.add_column("fixed", justify="right", style="green", no_wrap=True)
        t.add_column("open", justify="right", no_wrap=True)
        for rule in v["by_rule"]:
            sv = rule.get("severity", "")
            t.add_row(Text(rule["id"]), Text(sv, style=SEVERITY_STYLE.get(sv, "")), rule.get("safety", ""),
                      f"{rule['fixed']:,}" if rule["fixed"] else "", Text(f"{rule['open']:,}" if rule["open"] else "", style="yellow"))
        console.print(t)
    if s["top_unsupported"]:
        t = Table(title="top unsupported APIs", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        t.add_column("API", overflow="fold")
        t.add_column("uses", justify="right", no_wrap=True)
        for row in s["top_unsupported"]:
            t.add_row(Text(row["api"]), f"{row['count']:,}")
        console.print(t)
    problems = v["not_migrated"]
    if problems:
        t = Table(title="files not migrated", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        t.add_column("file", overflow="fold", ratio=2)
        t.add_column("status", no_wrap=True)
        t.add_column("reason", overflow="fold", ratio=3)
        for f in problems[:MAX_PROBLEMS]:
            t.add_row(Text(f["path"]), Text(f["status"], style="yellow"), Text(f["reason"] or ""))
        if len(problems) > MAX_PROBLEMS:
            t.add_row(Text(f"… {len(problems) - MAX_PROBLEMS:,} more in the report", style="dim"), "", "")
        console.print(t)
    for n in report.get("notes") or ():
        console.print(Text(f"note: {n['title']}: see the report", style="yellow"))
    if out:
        console.print(Text.assemble(("migrated tree  ", "bold"), str(out)))
    if report_dir:
        console.print(Text.assemble(("report         ", "bold"), f"{report_dir}/report.html"))
        console.print(Text("               also report.md, report.json, migration.patch, CSVs", style="dim"))
