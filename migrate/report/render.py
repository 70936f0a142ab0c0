"""report.md and report.html from jinja2 templates (templates/report/), autoescaped HTML."""

from __future__ import annotations

from functools import cache


@cache
def _env(autoescape: bool):
    import jinja2

    from migrate.resources import resource_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates") / "report")),
        autoescape=autoescape, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def markdown(report: dict) -> str:
    return _env(False).get_template("report.md.j2").render(r=report)


def html(report: dict) -> str:
    return _env(True).get_template("report.html.j2").render(r=report)
