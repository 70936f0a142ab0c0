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


# --fuzz: long hypothesis runs and the slow scale cases (100k-file tree). Off by default so CI
# stays fast; `pytest --fuzz` (or HYPOTHESIS_PROFILE=fuzz) for a local soak.
def pytest_addoption(parser):
    parser.addoption("--fuzz", action="store_true", default=False,
                     help="run the long fuzz profile and the slow scale tests")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running; only with --fuzz")
    from hypothesis import HealthCheck, settings

    common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                         HealthCheck.filter_too_much])
    settings.register_profile("ci", max_examples=25, **common)
    settings.register_profile("fuzz", max_examples=2000, **common)
    wanted = "fuzz" if config.getoption("--fuzz") else os.environ.get("HYPOTHESIS_PROFILE", "ci")
    settings.load_profile(wanted)


def pytest_collection_modifyitems(config, items):
    if config.getoption("--fuzz"):
        return
    skip = pytest.mark.skip(reason="slow: run with --fuzz")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
