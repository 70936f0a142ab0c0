"""`migrate review PATH`: walk the proposed changes in a terminal UI and write only what you accept."""

from __future__ import annotations

import argparse
from pathlib import Path

from migrate.commands.common import add_rule_options, settings_for


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH", type=Path, help="a folder (a repo) or one file to review; changes are written in place")
    p.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="worker processes for the first pass (default: cores)")
    add_rule_options(p)


def load(root: Path, settings, paths=None, jobs: int = 0, quiet: bool = False):
    """Compute every proposal before the UI starts (a rich status line on stderr meanwhile)."""
    from rich.console import Console

    from migrate.review.model import Session
    from migrate.runner import default_jobs

    con = Console(stderr=True, quiet=quiet, highlight=False)
    with con.status("reading the repo and computing proposed changes...") as status:
        return Session.load(root, settings, paths, jobs=jobs or default_jobs(),
                            progress=lambda p: status.update(f"computing proposed changes: {p[-60:]}"))


def run_app(session, target=None) -> tuple[str, object]:
    from migrate.review.app import ReviewApp

    app = ReviewApp(session, target=target)
    result = app.run()
    return result or ("aborted", None)


def print_outcome(kind: str, outcome, session, quiet: bool = False) -> int:
    import sys

    acc, skip, pend = session.counts()
    if kind != "written":
        print("migrate review: quit without writing; no file was changed", file=sys.stderr)
        return 130
    if not quiet:
        print(f"accepted {acc} change(s), skipped {skip}, left {pend} undecided (not written)")
        for p in outcome.written:
            print(f"  wrote {p}")
        if not outcome.written:
            print("  no file written")
    for p, reason in outcome.failed:
        print(f"migrate review: {p}: {reason}", file=sys.stderr)
    return 2 if outcome.failed else 0


def main(args) -> int:
    from migrate import languages
    from migrate.runner import UsageError

    path = args.path
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    if path.is_dir():
        root, paths = path.resolve(), None
    else:
        if path.is_symlink():
            raise UsageError(f"{path} is a symlink; review the file it points to")
        root, paths = path.resolve().parent, [path.name]
        if languages.classify(path.name) is None:
            raise UsageError(f"{path}: not a file kind migrate handles (`migrate rules` lists them)")
    settings = settings_for(args, root)
    session = load(root, settings, paths, args.jobs)
    if not session.files:
        print("nothing to review: no proposed change and no open finding")
        return 0
    kind, outcome = run_app(session)
    return print_outcome(kind, outcome, session)
