"""`migrate check PATH...`: report what needs migrating; change nothing (unless --fix).

Exit 0: nothing to migrate (advice of severity info is shown but does not fail); 1: findings
(or --fix changed files); 2: error (a file could not be
read, an internal error, bad arguments). Files that do not parse are reported as not checked
and do not fail the check on their own.
"""

from __future__ import annotations

import sys
from pathlib import Path

from migrate.commands.common import add_output_options, add_paths, add_rule_options, prepare

FORMATS = ("text", "json", "sarif", "github")


def add_arguments(p) -> None:
    add_paths(p)
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text (default), json, sarif (SARIF 2.1.0 for code scanning), github (workflow annotations)")
    p.add_argument("--fix", action="store_true",
                   help="apply the fixes to these files in place (atomic writes, nothing else touched); "
                        "exit 1 if any file changed or findings remain")
    p.add_argument("--fix-only", action="store_true",
                   help="apply the fixes in place and report only what was fixed: exit 1 if a file changed "
                        "(the pre-commit hook migrate-fix, as formatters do)")
    p.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead (like `migrate diff`)")
    p.add_argument("--baseline", metavar="FILE", type=Path,
                   help="ignore findings recorded in FILE (see `migrate baseline write`)")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, help="write the report to FILE instead of stdout")
    add_rule_options(p)
    add_output_options(p)


def _accept_all_but(vetoed):
    def accept(f) -> bool:
        return (f.rule, f.start, f.end) not in vetoed
    return accept


def _fix(targets, settings, results, keys, baseline_file):
    """Write the fixes of `results` in place; baselined findings keep their code as it is.
    Returns (fixed findings, changed paths)."""
    import os

    from migrate import checking
    from migrate.writer import atomic_write

    if keys is not None:
        # Findings the baseline records are left alone: re-run those files with their fixes vetoed.
        checked = checking.build(targets, results)
        hidden = {id(i.finding) for i in checked.items}
        checking.apply_baseline(checked, keys, baseline_file, targets.base)
        hidden -= {id(i.finding) for i in checked.items}
        redo = {}
        for r in results:
            vetoed = {(f.rule, f.start, f.end) for f in r.findings if id(f) in hidden and f.fixed}
            if vetoed:
                redo[r.path] = vetoed
        if redo:
            from migrate.core import migrate_file

            results = [migrate_file(r.path, (targets.base / r.path).read_bytes(), settings,
                                    accept=_accept_all_but(redo[r.path])) if r.path in redo else r for r in results]
    fixed, changed = 0, []
    for r in results:
        if r.status != "changed" or r.new_data is None:
            continue
        path = targets.base / r.path
        try:
            mode = os.stat(path, follow_symlinks=False).st_mode
            atomic_write(path, r.new_data, mode, root=targets.base)  # never through a symlinked folder
        except OSError as e:  # this file stays as it was; the others are still fixed
            print(f"migrate: {r.path}: not fixed: {e.strerror or e}", file=sys.stderr)
            for f in r.findings:
                f.fixed = False
            continue
        fixed += sum(1 for f in r.findings if f.fixed)
        changed.append(r.path)
    return fixed, changed


def main(args) -> int:
    from migrate import checking, scan
    from migrate.runner import UsageError

    if args.diff:
        if args.fix or args.format != "text" or args.baseline:
            raise UsageError("--diff prints the fixes as a patch; it cannot be combined with --fix, --format or --baseline")
        from migrate.commands.diff import print_diff

        return print_diff(args)
    if args.fix_only:
        args.fix = True
    targets, settings = prepare(args)
    keys = None
    baseline_file = None
    if args.baseline is not None:
        from migrate.baseline import BaselineError, load

        baseline_file = Path(args.baseline).absolute()
        try:
            keys = load(baseline_file)
        except BaselineError as e:
            raise UsageError(str(e)) from None
    results = list(scan.results(targets, settings, args.jobs))
    fixed, changed = 0, []
    if args.fix:
        fixed, changed = _fix(targets, settings, results, keys, baseline_file)
        if changed:  # what is left, with line numbers of the files as they are now
            redo = set(changed)
            again = {r.path: r for r in scan.results(
                scan.Targets(targets.base, targets.config_root, [e for e in targets.entries if e.rel in redo]),
                settings, args.jobs)}
            results = [again.get(r.path, r) for r in results]
    checked = checking.build(targets, results)
    if keys is not None:
        checking.apply_baseline(checked, keys, baseline_file, targets.base)
    if args.fix_only:
        return _fixed_only(args, targets, fixed, changed, checked)
    if args.fix:  # everything fixable was just fixed (or is baselined): show what a person must do
        checked.items = [i for i in checked.items if not i.fixable]

    if args.format == "text":
        _text(args, checked, fixed, len(changed))
    else:
        if args.format == "json":
            from migrate.report.lint import as_json

            out = as_json(checked) + "\n"
        elif args.format == "github":
            from migrate.report.lint import github

            out = github(checked)
        else:
            import json

            from migrate.report.sarif import build

            out = json.dumps(build(checked, targets.base, settings), indent=2, ensure_ascii=False) + "\n"
        _emit(args, out)
        for p, reason in checked.errors:
            print(f"{p}: error: {reason}", file=sys.stderr)
    if checked.errors:
        return 2
    return 1 if (changed or any(needs_migrating(i) for i in checked.items)) else 0


def needs_migrating(item) -> bool:
    """Fails the check: a fix to apply, or an error/warning for a person. Advice (info) is shown only."""
    from migrate.model import Severity

    return item.fixable or item.finding.severity is not Severity.INFO


def _emit(args, text: str) -> None:
    if args.output:
        from migrate.writer import atomic_write

        atomic_write(Path(args.output), text.encode("utf-8"), 0o644)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _text(args, checked, fixed: int, changed: int) -> None:
    from migrate.report.lint import write_text

    kw = dict(quiet=args.quiet, fixed=fixed, fixed_files=changed)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            write_text(checked, fh, _sink(sys.stderr), **kw)
        return
    write_text(checked, _sink(sys.stdout), _sink(sys.stderr), **kw)


def _sink(stream):
    """The stream itself where it shows no colour (not a terminal, and neither FORCE_COLOR nor
    TTY_COMPATIBLE in the environment: a pre-commit hook, CI, `| less`), else a rich Console on it,
    which decides on colours (NO_COLOR, FORCE_COLOR) and the terminal's width."""
    import os

    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty and "FORCE_COLOR" not in os.environ and "TTY_COMPATIBLE" not in os.environ:
        return stream
    from rich.console import Console

    return Console(file=stream, highlight=False)


def _fixed_only(args, targets, fixed: int, changed: list[str], checked) -> int:
    from migrate.scan import display

    for p, reason in checked.errors:
        print(f"{p}: error: {reason}", file=sys.stderr)
    if not args.quiet:
        for rel in changed:
            print(f"fixed {display(targets.base, rel)}")
        if changed:
            print(f"migrate: applied {fixed} fix{'es' if fixed != 1 else ''} in {len(changed)} "
                  f"file{'s' if len(changed) != 1 else ''}; review them (`git diff`) and stage them again")
    if checked.errors:
        return 2
    return 1 if changed else 0
