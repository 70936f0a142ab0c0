"""`migrate explain RULE`: a rule's docs, generated from its YAML entry."""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("rule", metavar="RULE", help="a rule id (see `migrate rules`)")


def render(rule) -> str:
    lines = [f"# {rule.id}: {rule.title}", "",
             f"Languages: {', '.join(rule.languages)}  ·  fix: {rule.safety.value}  ·  severity: {rule.severity.value}"
             f"  ·  effort: {rule.effort.value}" + ("  ·  opt-in (select it to run)" if rule.opt_in else ""), "",
             "## Why", "", rule.why, ""]
    if rule.suggestion:
        lines += ["## Use instead", "", rule.suggestion, ""]
    if rule.examples:
        lines += ["## Examples", ""]
        for ex in rule.examples:
            lines += [f"### {ex.name}", ""]
            if ex.settings:
                lines += ["Settings: " + ", ".join(f"{k}={v}" for k, v in ex.settings.items()), ""]
            lang = "python" if ex.path.endswith(".py") else ""
            if ex.after is None or ex.after == ex.before:
                lines += ["Stays as it is" + (f" (reported: {', '.join(ex.findings)})" if ex.findings else "") + ":", "",
                          f"```{lang}", ex.before.rstrip("\n"), "```", ""]
            else:
                lines += ["Before:", "", f"```{lang}", ex.before.rstrip("\n"), "```", "", "After:", "",
                          f"```{lang}", ex.after.rstrip("\n"), "```", ""]
    if rule.references:
        lines += ["## References", ""] + [f"- {u}" for u in rule.references] + [""]
    lines += [f"Defined in rules/{rule.source}."]
    return "\n".join(lines)


def main(args) -> int:
    import difflib

    from migrate.ruleset import rules_by_id
    from migrate.runner import UsageError

    rules = rules_by_id()
    rule = rules.get(args.rule)
    if rule is None:
        close = difflib.get_close_matches(args.rule, list(rules), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `migrate rules` lists them"
        raise UsageError(f"no rule {args.rule!r}{hint}")
    from rich.console import Console
    from rich.markdown import Markdown

    con = Console(highlight=False)
    if con.is_terminal:
        con.print(Markdown(render(rule)))
    else:
        print(render(rule))
    return 0
