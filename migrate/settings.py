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
    # Project-local rules from [tool.migrate] extend-rules (validated data, see ruleset.load_custom)
    extra_rules: tuple = field(default=())

    def rules_for(self, language: str) -> tuple:
        return tuple(r for r in self.extra_rules if language in r.languages)

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
    "extend-rules": ("extend_rules", list),
}


def from_pyproject(path) -> dict:
    """Read [tool.migrate] from a pyproject.toml (data only, never executed). Missing file: {}."""
    from pathlib import Path

    p = Path(path)
    if p.is_symlink() or not p.is_file():  # a link could point anywhere: not read
        return {}
    import tomllib  # only now: its import compiles its regexes (~15 ms)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{p}: cannot read as TOML: {e}; fix the file or move it aside") from None
    except OSError as e:
        raise ConfigError(f"{p}: cannot read: {e.strerror or e}") from None
    tool = doc.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{p}: key 'tool' must be a table ([tool.migrate] holds migrate's settings)")
    table = tool.get("migrate", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{p}: [tool.migrate] must be a table")
    out = {}
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(f"{p}: [tool.migrate] unknown key {key!r}; known: {', '.join(sorted(_KEYS))}")
        name, typ = _KEYS[key]
        if not isinstance(value, typ) or (typ is list and not all(isinstance(v, str) for v in value)):
            want = "a list of strings" if typ is list else ("true or false" if typ is bool else f"a {typ.__name__}")
            raise ConfigError(f"{p}: [tool.migrate] key {key!r} must be {want}, got {value!r}")
        out[name] = tuple(value) if typ is list else value
    return out
