"""`migrate check` output in the formats CI systems and people read: text (ruff-like lines,
rich colours that honour NO_COLOR; plain text to a pipe or a file), JSON, and GitHub workflow commands.
SARIF lives in sarif.py."""

from __future__ import annotations

import json

from migrate.model import Severity


def lines(checked, *, quiet: bool = False, fixed: int = 0, fixed_files: int = 0):
    """What `migrate check` prints as text: findings on stdout (`path:line:col: RULE [*] message`),
    files not checked on stderr, then a summary. (stream, parts) per line: stream "out" or "err",
    parts (text, rich style or None); no line is folded at the terminal's width."""
    for it in checked.items:
        f = it.finding
        style = ("bold red" if f.severity is Severity.ERROR else "bold yellow"
                 if f.severity is Severity.WARNING else "bold cyan")
        parts = [(f"{it.shown}:{f.line}:{f.column}:", "bold"), (" ", None), (f.rule, style)]
        if it.fixable:
            parts.append((" [*]", "cyan"))
        parts.append((f" {f.message}", None))
        yield "out", parts
    for path, reason in checked.errors:
        yield "err", [(f"{path}: error: {reason}", "bold red")]
    if quiet:
        return
    for path, reason in checked.skipped:
        yield "err", [(f"{path}: not checked: {reason}", "yellow")]
    n = len(checked.items)
    fixable = sum(1 for i in checked.items if i.fixable)
    unsafe = sum(1 for i in checked.items if i.unsafe_fixable)
    files = "file" if checked.files == 1 else "files"
    if fixed:
        yield "out", [(f"Fixed {fixed} finding{'s' if fixed != 1 else ''} in {fixed_files} "
                       f"file{'s' if fixed_files != 1 else ''}.", "green")]
    not_checked = len(checked.skipped) + len(checked.errors)
    if n == 0:
        if checked.files == 0 and not_checked:
            yield "out", [(f"Nothing checked: {not_checked} file{'s' if not_checked != 1 else ''} could not be "
                           "read or parsed (see above).", "yellow")]
            return
        msg = f"All checked! ({checked.files} {files}, nothing left to migrate)"
        if checked.baselined:
            msg += f"; {checked.baselined} baselined finding{'s' if checked.baselined != 1 else ''} not shown"
        if not_checked:
            msg += f"; {not_checked} file{'s' if not_checked != 1 else ''} not checked (see above)"
        yield "out", [(msg, "green")]
        return
    with_findings = len({i.path for i in checked.items})
    summary = f"Found {n} finding{'s' if n != 1 else ''} in {with_findings} "
    summary += (f"file{'s' if with_findings != 1 else ''}" if with_findings == checked.files
                else f"of {checked.files} {files} checked")
    if checked.baselined:
        summary += f" ({checked.baselined} more in the baseline, not shown)"
    yield "out", [(summary + ".", "bold")]
    if fixable:
        import os

        if os.environ.get("PRE_COMMIT") == "1":  # inside a pre-commit hook: `migrate` may not be on PATH
            how = "automatically: the `migrate-fix` pre-commit hook applies them"
        else:
            how = "with `migrate check --fix` (or see them with `migrate diff`)"
        yield "out", [(f"[*] {fixable} fixable {how}.", "cyan")]
    if unsafe:
        yield "out", [(f"{unsafe} more fixable with `--unsafe-fixes` (review them: they may change behaviour).",
                       "dim")]
    advice = sum(1 for i in checked.items if not i.fixable and not i.unsafe_fixable and i.finding.severity is Severity.INFO)
    manual = n - fixable - unsafe - advice
    if advice:
        yield "out", [(f"{advice} {'is' if advice == 1 else 'are'} advice only (severity info): shown, "
                       "not failing the check.", "dim")]
    if manual:
        yield "out", [(f"{manual} need{'s' if manual == 1 else ''} a person: `migrate explain RULE` says why "
                       "and what to use instead.", "dim")]


def write_text(checked, out, err, **kw) -> None:
    """`lines` to `out` and `err`: each a rich Console (colours where it shows them), or a plain
    text stream (see commands/check.py `_sink`), where the lines are written as they are: what rich
    would print there, without its import (~40 ms of a pre-commit hook's start-up)."""
    for stream, parts in lines(checked, **kw):
        dest = out if stream == "out" else err
        if hasattr(dest, "print"):  # a rich Console
            from rich.text import Text

            line = Text()
            for part, style in parts:
                line.append(part, style=style)
            dest.print(line, soft_wrap=True)
        else:
            dest.write("".join(part for part, _style in parts) + "\n")


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
