"""Write migrate/data/templates/: the shipped jinja2 templates compiled to Python modules, and a
manifest of the jinja2 version and each template's source hash (migrate/templating.py loads them
only while both hold, so a stale set costs speed, never correctness).

    python scripts/gen_compiled_templates.py          # rewrite migrate/data/templates/
    python scripts/gen_compiled_templates.py --check  # exit 1 if it is not made from today's templates/

Run it after editing templates/**/*.j2 or upgrading jinja2 (a test checks it).
"""

import filecmp
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jinja2  # noqa: E402

from migrate import templating  # noqa: E402
from migrate.lang.cuda import ascendc  # noqa: E402
from migrate.report import render  # noqa: E402
from migrate.resources import resource_dir  # noqa: E402

# set -> (templates/ folder, template names, the environment the migration renders them in)
SETS = {
    "report-md": ("report", (render.TEMPLATES[False][1],), lambda: render._env(False)),
    "report-html": ("report", (render.TEMPLATES[True][1],), lambda: render._env(True)),
    "ascendc": ("ascendc", ascendc.TEMPLATES, ascendc._env),
}


def build(target: Path) -> None:
    templating.compiled_dir = lambda: target / "none"  # no compiled set yet: environments read the sources
    manifest = {"jinja2": jinja2.__version__, "sets": {}}
    for name, (folder, names, env) in SETS.items():
        env().compile_templates(str(target / name), zip=None, filter_func=lambda n, names=names: n in names,
                                ignore_errors=False, log_function=None)
        manifest["sets"][name] = {n: templating.source_hash(resource_dir("templates") / folder / n) for n in names}
    (target / templating.MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def same(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b, ignore=["__pycache__"])
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    _match, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(same(a / d, b / d) for d in cmp.common_dirs)


def main() -> int:
    dest = templating.compiled_dir()
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / "templates"
        build(built)
        if "--check" in sys.argv[1:]:
            return 0 if dest.is_dir() and same(built, dest) else 1
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(built, dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
