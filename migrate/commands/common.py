"""Options and helpers shared by commands."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_rule_options(p: argparse.ArgumentParser) -> None:
    from migrate.settings import DEFAULT_TARGET

    g = p.add_argument_group("rules")
    g.add_argument("--target-torch-npu", metavar="VERSION", dest="target",
                   help=f"torch_npu release whose API decides what exists (default: {DEFAULT_TARGET})")
    g.add_argument("--select", nargs="+", metavar="RULE", help="only these rules (ids or prefixes like 'perf-'; ALL for every rule)")
    g.add_argument("--ignore", nargs="+", metavar="RULE", help="skip these rules (ids or prefixes)")
    g.add_argument("--unsafe-fixes", action="store_true", default=None, help="also apply fixes marked unsafe")
    g.add_argument("--shim", action="store_true", default=None,
                   help="use Huawei's runtime shim (transfer_to_npu) in entry scripts instead of rewriting torch.cuda calls")


def add_output_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("output")
    g.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    g.add_argument("-v", "--verbose", action="store_true", help="print details (every finding, internal errors)")


def settings_for(args, root: Path | None):
    """CLI options over [tool.migrate] in ROOT/pyproject.toml over defaults."""
    from migrate import ruleset, tables
    from migrate.runner import UsageError
    from migrate.settings import ConfigError, Settings, from_pyproject

    cfg = {}
    if root is not None:
        try:
            cfg = from_pyproject((root if root.is_dir() else root.parent) / "pyproject.toml")
        except ConfigError as e:
            raise UsageError(str(e)) from None
    cli = {
        "target": getattr(args, "target", None),
        "select": tuple(args.select) if getattr(args, "select", None) else None,
        "ignore": tuple(args.ignore) if getattr(args, "ignore", None) else None,
        "unsafe_fixes": getattr(args, "unsafe_fixes", None),
        "shim": getattr(args, "shim", None),
    }
    s = Settings().merged(**cfg).merged(**cli)
    bad = ruleset.unknown_ids(s.select + s.ignore)
    if bad:
        raise UsageError(f"unknown rule(s): {', '.join(bad)}; `migrate rules` lists them")
    if s.target not in tables.SUPPORTED_VERSIONS:
        raise UsageError(f"no API table for torch_npu {s.target}; available: {', '.join(tables.SUPPORTED_VERSIONS)}")
    return s


def console(args, stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, quiet=getattr(args, "quiet", False), highlight=False)


def add_paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", metavar="PATH", type=Path, nargs="*", default=[Path(".")],
                   help="files or folders (folders are walked like `migrate run` walks them; default: .)")
    p.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                   help="worker processes for big folders (default: number of cores)")


def prepare(args):
    """PATH arguments -> (scan.Targets with the files to migrate, Settings)."""
    from migrate import scan
    from migrate.runner import UsageError

    if getattr(args, "jobs", 0) < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    targets = scan.locate(args.paths)
    settings = settings_for(args, targets.config_root)
    scan.collect(targets, args.paths, settings.exclude)
    return targets, settings
