"""The `migrate` command line. Each command lives in migrate/commands/<name>.py and is imported
only when used, so `migrate check FILE` in a pre-commit hook starts fast."""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "run": ("migrate.commands.run", "migrate a repo: write a patched copy (or rewrite in place) and a report"),
    "check": ("migrate.commands.check", "report what needs migrating, change nothing (exit 1 if anything does)"),
    "diff": ("migrate.commands.diff", "print the migration as a unified diff that `git apply` accepts"),
    "review": ("migrate.commands.review", "review proposed changes hunk by hunk in the terminal and write what you accept"),
    "baseline": ("migrate.commands.baseline", "record today's findings so `check --baseline` reports only new ones"),
    "rules": ("migrate.commands.rules", "list the rules"),
    "explain": ("migrate.commands.explain", "show a rule's documentation and examples"),
}


def _load(name: str):
    try:
        return importlib.import_module(COMMANDS[name][0])
    except ModuleNotFoundError as e:
        if e.name == COMMANDS[name][0]:
            return None
        raise


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    from migrate import __version__

    parser = argparse.ArgumentParser(
        prog="migrate",
        description="Migrate PyTorch/CUDA code bases to Huawei Ascend NPUs (torch_npu, CANN).",
        epilog="Run `migrate COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"migrate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_mod, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or only == name:
            module = _load(name)
            if module is not None:
                module.add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    wanted = next((a for a in argv if not a.startswith("-")), None)
    only = wanted if wanted in COMMANDS else None
    parser = build_parser(only if only else ("__none__" if wanted else None))
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    module = _load(args.command)
    if module is None:
        print(f"migrate: `{args.command}` is not available in this build", file=sys.stderr)
        return 2
    from migrate.runner import UsageError

    try:
        return int(module.main(args) or 0)
    except UsageError as e:
        print(f"migrate: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("migrate: interrupted; files already written are complete (writes are atomic)", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # the file system said no (permissions, disk full, a file where a folder should be)
        if getattr(args, "verbose", False):
            raise
        where = f"{e.filename}: " if e.filename else ""
        print(f"migrate: error: {where}{e.strerror or e}\n"
              "Check that the path exists and that you may write there (or choose another with --out/--report-dir).",
              file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - never a bare traceback for the user
        if getattr(args, "verbose", False):
            raise
        print(f"migrate: internal error: {type(e).__name__}: {e}\n"
              "Run again with --verbose for the traceback, and please report it.", file=sys.stderr)
        return 2
