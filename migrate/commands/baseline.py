"""`migrate baseline write [PATH...] [--output FILE]`: record today's findings, so that
`migrate check --baseline FILE` reports only new ones (a half-migrated repo can turn the
pre-commit hook on today). See migrate/baseline.py for the fingerprints."""

from __future__ import annotations

from pathlib import Path

from migrate.commands.common import add_output_options, add_paths, add_rule_options


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    w = sub.add_parser("write", help="record the current findings of PATHs in a baseline file",
                       description="record the current findings of PATHs in a baseline file")
    add_paths(w)
    from migrate.baseline import DEFAULT_FILE

    w.add_argument("--output", "-o", metavar="FILE", type=Path, default=Path(DEFAULT_FILE),
                   help=f"the baseline file (default: {DEFAULT_FILE})")
    add_rule_options(w)
    add_output_options(w)


def main(args) -> int:
    from migrate import baseline, checking, scan
    from migrate.commands.common import prepare

    targets, settings = prepare(args)
    results = list(scan.results(targets, settings, args.jobs))
    checked = checking.build(targets, results)
    out = Path(args.output).absolute()
    entries = checking.baseline_entries(checked, out, targets.base)
    baseline.dump(entries, out)
    if not args.quiet:
        files = len({e["path"] for e in entries})
        print(f"migrate: recorded {len(entries)} finding{'s' if len(entries) != 1 else ''} in {files} "
              f"file{'s' if files != 1 else ''} to {args.output}; "
              f"`migrate check --baseline {args.output}` now reports only new ones")
    for p, reason in checked.errors:
        print(f"{p}: error: {reason}")
    return 2 if checked.errors else 0
