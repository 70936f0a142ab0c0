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


def require_terminal() -> None:
    import sys

    from migrate.runner import UsageError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("`migrate review` is interactive and needs a terminal; in scripts use "
                         "`migrate diff`, `migrate check` or `migrate run`")


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
        elif session.written_to is not None and _in_git(session.written_to):
            print("`git diff` shows what was written; `git checkout -- FILE` takes a file back")
    for p, reason in outcome.failed:
        print(f"migrate review: {p}: {reason}", file=sys.stderr)
    return 2 if outcome.failed else 0


def _in_git(root) -> bool:
    return any((d / ".git").exists() for d in (root, *root.parents))


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
    require_terminal()
    kind, outcome = run_app(session)
    return print_outcome(kind, outcome, session)


def run_reviewed(args, settings, ui=None) -> int:
    """`migrate run SRC (--in-place | --out DST) --review`: the review decides what is written.

    --in-place: accepted changes are written into SRC (a clean git tree unless --force), as with
    `migrate review SRC`. --out DST: after the review, DST becomes a full copy of SRC with only the
    accepted changes. Either way the report describes what was written: a change you did not accept
    is an open finding ("not accepted in review"). Quitting without writing (Ctrl+C) writes nothing:
    no file, no copy, no report.
    """
    from migrate import diffs as difflib_
    from migrate import discover, writer
    from migrate.report import model, write
    from migrate.report.summary import print_summary
    from migrate.writer import ignore_folder

    from migrate.commands.common import console

    src = args.src.resolve()
    out = args.out.resolve() if args.out else None
    session = load(src, settings, None, args.jobs, quiet=args.quiet)
    if session.files:
        if ui is None:
            require_terminal()
        kind, outcome = (ui or run_app)(session, target=out)
        if kind != "written":
            return print_outcome(kind, outcome, session)
    else:
        print("nothing to review: no proposed change and no open finding")
        outcome = session.write(out)
    if out is not None:  # the rest of the tree (the reviewed files are already written into DST)
        done = set(outcome.written)
        for e in discover.walk(src, settings.exclude).entries:
            if e.rel in done:
                continue
            if e.kind == "symlink":
                writer.copy_symlink(e.link or "", out / e.rel)
            else:
                writer.copy_file(src / e.rel, out / e.rel)
    code = print_outcome("written", outcome, session, quiet=args.quiet)
    results = [outcome.results.get(r.path, r) for r in session.first_pass]
    diffs = {}
    by_path = {f.path: f for f in session.files}
    for r in results:
        if r.path in outcome.written and r.new_data is not None:
            diffs[r.path] = difflib_.unified(r.path, by_path[r.path].data, r.new_data)
    problems = [{"path": p, "reason": r} for p, r in outcome.failed]
    report = model.build(results, settings, root_name=src.name, diffs=diffs, extra={"problems": problems})
    base = out or src
    report_dir = args.report_dir.resolve() if args.report_dir else base / ".migrate" / "report"
    if args.report_dir is None:
        ignore_folder(base / ".migrate")
    v = model.view(report)
    write.write_all(report, report_dir, v)
    print_summary(report, console(args), report_dir=report_dir, out=args.out, v=v)
    if code:
        return code
    s = report["summary"]
    return 1 if (s["needs_person"] or s["files_error"] or s["files_skipped"]) else 0
