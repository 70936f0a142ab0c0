"""Where the shipped rule YAML and templates live, in a source checkout and when installed."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """`rules` or `templates`: migrate/<name> when installed, <repo>/<name> in a checkout."""
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ folder next to {_PKG}")


def data_dir() -> Path:
    return _PKG / "data"
