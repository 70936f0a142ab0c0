"""Write the report folder: report.json, report.md, report.html, migration.patch and the CSVs."""

from __future__ import annotations

import json
from pathlib import Path

from migrate.writer import atomic_write

FILES = ("report.json", "report.md", "report.html", "migration.patch", "change_list.csv", "unsupported_api.csv")


def write_all(report: dict, directory: Path, v=None) -> list[Path]:
    """`v`: model.view(report), what both reports and the terminal summary show, when the caller
    has derived it already."""
    from migrate.report import csvs, render
    from migrate.report.model import view

    directory.mkdir(parents=True, exist_ok=True)
    v = view(report) if v is None else v
    outputs = {
        "report.json": json.dumps(report, indent=2, ensure_ascii=False) + "\n",
        "report.md": render.markdown(report, v),
        "report.html": render.html(report, v),
        "migration.patch": "".join(report["diffs"].values()),
        "change_list.csv": csvs.change_list(report),
        "unsupported_api.csv": csvs.unsupported_api(report),
    }
    written = []
    for name, text in outputs.items():
        path = directory / name
        atomic_write(path, text.encode("utf-8"), 0o644)  # readable like any file a user creates (not the temp file's 0600)
        written.append(path)
    return written
