import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args, cwd=None, env=None, input=None):
    """Run the real CLI in a subprocess (`python -m migrate`), as a user would."""
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e.setdefault("NO_COLOR", "1")
    if env:
        e.update(env)
    return subprocess.run([sys.executable, "-m", "migrate", *map(str, args)], cwd=cwd, env=e,
                          capture_output=True, text=True, input=input, timeout=600)


@pytest.fixture
def cli():
    return run_cli
