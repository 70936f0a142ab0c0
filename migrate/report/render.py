"""report.md and report.html from jinja2 templates (templates/report/), autoescaped HTML.

Both render the report dict plus model.view(report) (derived data: findings grouped by file,
rule rows, ...), so a saved report.json renders the same as a fresh run.
"""

from __future__ import annotations

import re
from functools import cache

_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def md_text(text) -> str:
    """Markdown prose from plain text: `code spans` kept, HTML-special characters outside them escaped
    (a file named `<b>x.py` stays text)."""
    text = "" if text is None else str(text)
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_md_escape(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_md_escape(text[pos:]))
    return "".join(out)


_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def _md_escape(s: str) -> str:
    # `<` starts raw HTML and `&name;` an entity; `>` only matters at a line start (a quote).
    s = _ENTITY.sub("&amp;", s).replace("<", "&lt;")
    return re.sub(r"(?m)^(\s*)>", r"\1&gt;", s)


def md_cell(text) -> str:
    """One Markdown table cell: `|` escaped (GFM honours `\\|` even inside code spans), one line."""
    return md_text(text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def md_code(text) -> str:
    """A path or identifier as a Markdown code span that survives any backticks inside it."""
    text = "" if text is None else str(text)
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def md_fence(text, lang: str = "") -> str:
    """A fenced code block longer than any backtick run in `text`."""
    text = "" if text is None else str(text)
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence}{lang}\n{text.rstrip(chr(10))}\n{fence}"


def html_inline(text):
    """Escape, then show `code spans` as <code>: for rule messages and docs in HTML."""
    from markupsafe import Markup, escape

    text = "" if text is None else str(text)
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(str(escape(text[pos:m.start()])))
        out.append(f"<code>{escape(m.group(2))}</code>")
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def diff_html(section) -> str:
    """A file section's diff rows as the spans of the report's <pre class="diff">: one per line,
    the old and new line numbers as data attributes, the lines that open findings link to as ids.
    Built here, not in the template: a big migration's diff has tens of thousands of rows, and a
    template loop escaping four values per row was most of the HTML report's time."""
    from markupsafe import Markup, escape

    linked = section["linked_lines"]
    anchor = escape(section["anchor"])
    rows = [row for row in section["diff"] if row[0] != "meta"]
    # one escape for all the lines: they hold no line break (diff_lines split on every kind)
    texts = str(escape("\n".join(row[3] for row in rows))).split("\n")
    out = []
    for (kind, old, new, _text), shown in zip(rows, texts):
        where = f' id="{anchor}-L{old}"' if old in linked else ""
        out.append(f'<span class="{kind}"{where}><i data-n="{"" if old is None else old}"></i>'
                   f'<i data-n="{"" if new is None else new}"></i>{shown}</span>')
    return Markup("".join(out))


def hours(value) -> str:
    """Person-hours as in the terminal summary: 82.25, 72, 0.05 (no float noise)."""
    text = f"{float(value or 0):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# autoescape -> (the set compiled ahead, the template) of each report (migrate/templating.py)
TEMPLATES = {False: ("report-md", "report.md.j2"), True: ("report-html", "report.html.j2")}


@cache
def _env(autoescape: bool):
    import jinja2

    from migrate.templating import environment

    compiled_set, name = TEMPLATES[autoescape]
    env = environment(compiled_set, "report", (name,), autoescape=autoescape, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters.update(md_text=md_text, md_cell=md_cell, md_code=md_code, md_fence=md_fence,
                       inline=html_inline, hours=hours, diff_html=diff_html)
    return env


def load_templates() -> None:
    """Load the report templates (jinja2's import, and their compile when the ones compiled ahead
    do not apply: migrate/templating.py). `migrate run` calls it in a thread while the files are
    migrated, so the report at the end does not wait for it. An error is left for the real render
    to report."""
    try:
        for autoescape, (_set, name) in TEMPLATES.items():
            _env(autoescape).get_template(name)
    except Exception:  # noqa: BLE001 - rendering raises it again, with its message, where it counts
        pass


def _render(report: dict, autoescape: bool, v: dict | None) -> str:
    from migrate.report.model import view

    _set, name = TEMPLATES[autoescape]
    return _env(autoescape).get_template(name).render(r=report, v=view(report) if v is None else v)


def markdown(report: dict, v: dict | None = None) -> str:
    """`v`: model.view(report), when the caller renders both reports from it."""
    return _render(report, False, v)


def html(report: dict, v: dict | None = None) -> str:
    return _render(report, True, v)
