"""`migrate check` output in the formats CI systems and people read: text (ruff-like lines,
rich colours that honour NO_COLOR and a non-tty stdout), JSON, and GitHub workflow commands.
SARIF lives in sarif.py."""

from __future__ import annotations

import json

from migrate.model import Severity


def text(checked, console, err_console, *, quiet: bool = False, fixed: int = 0, fixed_files: int = 0) -> None:
    """Findings on stdout (`path:line:col: RULE [*] message`), files not checked on stderr, then a summary."""
    from rich.text import Text

    for it in checked.items:
        f = it.finding
        line = Text()
        line.append(f"{it.shown}:{f.line}:{f.column}:", style="bold")
        line.append(" ")
        line.append(f.rule, style="bold red" if f.severity is Severity.ERROR else "bold yellow"
                    if f.severity is Severity.WARNING else "bold cyan")
        if it.fixable:
            line.append(" [*]", style="cyan")
        line.append(f" {f.message}")
        console.print(line, soft_wrap=True)
    for path, reason in checked.errors:
        err_console.print(Text(f"{path}: error: {reason}", style="bold red"), soft_wrap=True)
    if quiet:
        return
    for path, reason in checked.skipped:
        err_console.print(Text(f"{path}: not checked: {reason}", style="yellow"), soft_wrap=True)
    n = len(checked.items)
    fixable = sum(1 for i in checked.items if i.fixable)
    unsafe = sum(1 for i in checked.items if i.unsafe_fixable)
    files = "file" if checked.files == 1 else "files"
    if fixed:
        console.print(Text(f"Fixed {fixed} finding{'s' if fixed != 1 else ''} in {fixed_files} "
                           f"file{'s' if fixed_files != 1 else ''}.", style="green"))
    not_checked = len(checked.skipped) + len(checked.errors)
    if n == 0:
        if checked.files == 0 and not_checked:
            console.print(Text(f"Nothing checked: {not_checked} file{'s' if not_checked != 1 else ''} could not be "
                               "read or parsed (see above).", style="yellow"))
            return
        msg = f"All checked! ({checked.files} {files}, nothing left to migrate)"
        if checked.baselined:
            msg += f"; {checked.baselined} baselined finding{'s' if checked.baselined != 1 else ''} not shown"
        if not_checked:
            msg += f"; {not_checked} file{'s' if not_checked != 1 else ''} not checked (see above)"
        console.print(Text(msg, style="green"))
        return
    with_findings = len({i.path for i in checked.items})
    summary = f"Found {n} finding{'s' if n != 1 else ''} in {with_findings} "
    summary += (f"file{'s' if with_findings != 1 else ''}" if with_findings == checked.files
                else f"of {checked.files} {files} checked")
    if checked.baselined:
        summary += f" ({checked.baselined} more in the baseline, not shown)"
    console.print(Text(summary + ".", style="bold"))
    if fixable:
        import os

        if os.environ.get("PRE_COMMIT") == "1":  # inside a pre-commit hook: `migrate` may not be on PATH
            how = "automatically: the `migrate-fix` pre-commit hook applies them"
        else:
            how = "with `migrate check --fix` (or see them with `migrate diff`)"
        console.print(Text(f"[*] {fixable} fixable {how}.", style="cyan"))
    if unsafe:
        console.print(Text(f"{unsafe} more fixable with `--unsafe-fixes` (review them: they may change behaviour).",
                           style="dim"))
    advice = sum(1 for i in checked.items if not i.fixable and not i.unsafe_fixable and i.finding.severity is Severity.INFO)
    manual = n - fixable - unsafe - advice
    if advice:
        console.print(Text(f"{advice} {'is' if advice == 1 else 'are'} advice only (severity info): shown, "
                           "not failing the check.", style="dim"))
    if manual:
        console.print(Text(f"{manual} need{'s' if manual == 1 else ''} a person: `migrate explain RULE` says why "
                           "and what to use instead.", style="dim"))


def as_json(checked) -> str:
    findings = []
    for it in checked.items:
        d = it.finding.to_json()
        d.pop("fixed", None)
        d["path"] = it.shown
        d["fixable"] = it.fixable
        d["fingerprint"] = it.fingerprint
        d["fix"] = [{"start": {"line": r.start[0], "column": r.start[1]}, "end": {"line": r.end[0], "column": r.end[1]},
                     "content": r.text} for r in it.fix] or None
        findings.append(d)
    doc = {
        "tool": "migrate",
        "findings": findings,
        "skipped": [{"path": p, "reason": r} for p, r in checked.skipped],
        "errors": [{"path": p, "reason": r} for p, r in checked.errors],
        "summary": {"files": checked.files, "findings": len(findings),
                    "fixable": sum(1 for i in checked.items if i.fixable), "baselined": checked.baselined},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


def github(checked) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on the PR's diff."""
    out = []
    for it in checked.items:
        f = it.finding
        props = [f"file={_prop(it.shown)}", f"line={f.line}", f"col={f.column}"]
        if f.end_line and (f.end_line, f.end_column) > (f.line, f.column):
            props += [f"endLine={f.end_line}", f"endColumn={f.end_column}"]
        props.append(f"title={_prop(f.rule)}")
        msg = f.message
        if it.fixable:
            msg += " (fixable: `migrate check --fix`)"
        elif f.suggestion:
            msg += f"\n{f.suggestion}"
        out.append(f"::{_LEVEL[f.severity]} {','.join(props)}::{_data(msg)}")
    for p, reason in checked.errors:
        out.append(f"::error file={_prop(p)},title=migrate::{_data(reason)}")
    for p, reason in checked.skipped:
        out.append(f"::warning file={_prop(p)},title=migrate::{_data('not checked: ' + reason)}")
    return "\n".join(out) + ("\n" if out else "")
