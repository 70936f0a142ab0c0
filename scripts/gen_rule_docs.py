"""Write docs/rules.md from the rule YAML (the same text `migrate explain RULE` prints).

    python scripts/gen_rule_docs.py          # rewrite docs/rules.md
    python scripts/gen_rule_docs.py --check  # exit 1 if docs/rules.md is stale
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from migrate.commands.explain import render  # noqa: E402
from migrate.ruleset import all_rules  # noqa: E402


def build() -> str:
    rules = all_rules()
    by_lang: dict[str, list] = {}
    for r in rules:
        by_lang.setdefault(r.languages[0], []).append(r)
    out = ["# Rules", "", "Generated from `rules/**/*.yaml` by `scripts/gen_rule_docs.py`; do not edit by hand.",
           "`migrate explain RULE` prints the same text.", "",
           "| id | file kind | fix | severity | what |", "|---|---|---|---|---|"]
    for r in rules:
        fix = r.safety.value + (" (opt-in)" if r.opt_in else "")
        out.append(f"| [{r.id}](#{r.id}) | {', '.join(r.languages)} | {fix} | {r.severity.value} | {r.title.replace('|', '/')} |")
    out.append("")
    for lang, rs in by_lang.items():
        for r in rs:
            out += [f'<a id="{r.id}"></a>', "", render(r).replace("# ", "## ", 1).replace("\n## ", "\n### "), ""]
    return "\n".join(out)


if __name__ == "__main__":
    text = build()
    target = ROOT / "docs" / "rules.md"
    if "--check" in sys.argv:
        sys.exit(0 if target.exists() and target.read_text() == text else 1)
    target.write_text(text)
    print(f"wrote {target} ({len(all_rules())} rules)")
