"""jinja2 environments for the shipped templates (the reports, the Ascend C kernel ports), which
load the templates compiled ahead of time when that gives the same result.

scripts/gen_compiled_templates.py compiles each set of templates into
migrate/data/templates/<set>/ (Python modules, as jinja2's Environment.compile_templates writes
them; pip byte-compiles them at install) and records the jinja2 version and a hash of each
template's source in manifest.json. An environment loads those modules only when the installed
jinja2 is that version and every source is unchanged; otherwise it compiles the sources, as
before: ~0.2 s for the two report templates in a run's main process, and the Ascend C templates
once in every worker that ports a kernel. The environment's options and filters are compiled in
too; tests/test_report.py rebuilds the set and fails when it differs from the one shipped.
"""

from __future__ import annotations

import json
from pathlib import Path

from migrate.resources import data_dir, resource_dir

MANIFEST = "manifest.json"


def compiled_dir() -> Path:
    return data_dir() / "templates"


def source_hash(path: Path) -> str:
    from migrate.cache import digest

    return digest(path.read_bytes())


def environment(compiled_set: str, folder: str, names: tuple[str, ...], **options):
    """A jinja2 Environment with `options` for templates/<folder>. `compiled_set`: the folder
    under migrate/data/templates holding `names` compiled with these same options."""
    import jinja2

    source = resource_dir("templates") / folder
    compiled = compiled_dir() / compiled_set
    loader = jinja2.ModuleLoader(str(compiled)) if _fresh(compiled_set, source, names, jinja2.__version__) else None
    return jinja2.Environment(loader=loader or jinja2.FileSystemLoader(str(source)), **options)


def _fresh(compiled_set: str, source: Path, names: tuple[str, ...], jinja_version: str) -> bool:
    try:
        manifest = json.loads((compiled_dir() / MANIFEST).read_bytes())
        recorded = manifest["sets"][compiled_set]
        return (manifest["jinja2"] == jinja_version and set(recorded) == set(names)
                and all(recorded[name] == source_hash(source / name) for name in names))
    except (OSError, ValueError, KeyError, TypeError):
        return False
