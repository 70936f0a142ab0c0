"""Settings for one run: from the command line, merged over [tool.migrate] in the repo's pyproject."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

DEFAULT_TARGET = "2.14.0"


@dataclass(frozen=True)
class Settings:
    target: str = DEFAULT_TARGET  # torch_npu version whose API table decides what exists
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    shim: bool = False  # add transfer_to_npu to entry scripts instead of import torch_npu
    exclude: tuple[str, ...] = field(default=())  # extra gitignore-style patterns

    def fingerprint(self) -> str:
        """A stable string for cache keys: changes whenever any setting changes."""
        import json

        return json.dumps(asdict(self), sort_keys=True)

    def merged(self, **overrides) -> "Settings":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


class ConfigError(ValueError):
    """The repo's [tool.migrate] table is invalid: says file, key and reason."""


_KEYS = {
    "target-torch-npu": ("target", str),
    "select": ("select", list),
    "ignore": ("ignore", list),
    "unsafe-fixes": ("unsafe_fixes", bool),
    "shim": ("shim", bool),
    "exclude": ("exclude", list),
}


def from_pyproject(path) -> dict:
    """Read [tool.migrate] from a pyproject.toml (data only, never executed). Missing file: {}."""
    import tomllib
    from pathlib import Path

    p = Path(path)
    if not p.is_file():
        return {}
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{p}: cannot read as TOML: {e}") from None
    table = doc.get("tool", {}).get("migrate", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{p}: [tool.migrate] must be a table")
    out = {}
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(f"{p}: [tool.migrate] unknown key {key!r}; known: {', '.join(sorted(_KEYS))}")
        name, typ = _KEYS[key]
        if not isinstance(value, typ) or (typ is list and not all(isinstance(v, str) for v in value)):
            want = "a list of strings" if typ is list else typ.__name__
            raise ConfigError(f"{p}: [tool.migrate] key {key!r} must be {want}")
        out[name] = tuple(value) if typ is list else value
    return out
