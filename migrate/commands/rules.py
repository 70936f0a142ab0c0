"""`migrate rules`: the rule table."""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("--language", help="only rules for this file kind (python, cuda, shell, ...)")
    p.add_argument("--format", choices=("table", "json"), default="table")


def main(args) -> int:
    import json

    from migrate.ruleset import all_rules

    rules = [r for r in all_rules() if not args.language or args.language in r.languages]
    if args.format == "json":
        print(json.dumps([{"id": r.id, "title": r.title, "languages": list(r.languages), "severity": r.severity.value,
                           "safety": r.safety.value, "effort": r.effort.value, "opt_in": r.opt_in} for r in rules], indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{len(rules)} rules", show_lines=False)
    t.add_column("id", no_wrap=True, style="bold")
    for col in ("languages", "fix", "severity", "title"):
        t.add_column(col, overflow="fold")
    for r in rules:
        t.add_row(r.id, ",".join(r.languages), r.safety.value + (" (opt-in)" if r.opt_in else ""), r.severity.value, r.title)
    Console(highlight=False).print(t)
    return 0
