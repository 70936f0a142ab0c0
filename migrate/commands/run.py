"""`migrate run SRC --out DST | --in-place`: the one-off migration of a whole repo."""

from __future__ import annotations

import argparse
from pathlib import Path

from migrate.commands.common import add_output_options, add_rule_options, console, settings_for


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("src", metavar="SRC", type=Path, help="the repo to migrate")
    where = p.add_argument_group("where to write")
    where.add_argument("--out", metavar="DST", type=Path, help="write a full migrated copy of SRC here")
    where.add_argument("--in-place", action="store_true", help="rewrite SRC itself (must be a clean git tree)")
    where.add_argument("--diff", action="store_true",
                       help="print the migration as a unified diff (for `git apply`) and write nothing: no tree, no report")
    where.add_argument("--force", action="store_true", help="with --in-place: allow a dirty or non-git tree")
    where.add_argument("--report-dir", metavar="DIR", type=Path,
                       help="where to write the report (default: DST/.migrate/report, or SRC/.migrate/report in place)")
    p.add_argument("--review", action="store_true",
                   help="review the proposed changes in a terminal UI first; only accepted ones are written (docs/review.md)")
    p.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="worker processes (default: number of cores)")
    p.add_argument("--no-cache", action="store_true",
                   help="migrate every file again instead of reusing results from DST/.migrate/cache (SRC/.migrate/cache in place)")
    p.add_argument("--timings", action="store_true", help="print the time each stage took (JSON, on stderr)")
    add_rule_options(p)
    add_output_options(p)


def main(args) -> int:
    from migrate import runner
    from migrate.report import model, write
    from migrate.report.summary import print_summary
    from migrate.writer import ignore_folder

    src = args.src
    if args.diff:
        if args.out or args.in_place or args.report_dir:
            raise runner.UsageError("--diff writes nothing; drop --out, --in-place and --report-dir")
        if not src.is_dir():
            raise runner.UsageError(f"{src}: not a folder; `migrate diff FILE` prints a diff for files")
        from migrate.commands.diff import print_diff

        args.paths = [src]
        return print_diff(args)
    base = (args.out if args.out else src).resolve()
    cache_dir = None if args.no_cache else base / ".migrate" / "cache"
    if not args.review:  # first: it imports the pipeline while this process checks the paths and goes on
        runner.start_fork_server(args.jobs, cache_dir)
    runner.check_paths(src, args.out, args.in_place, args.force)
    if args.jobs < 0:
        raise runner.UsageError("--jobs must be 0 (all cores) or more")
    if args.report_dir is not None and args.report_dir.exists() and not args.report_dir.is_dir():
        raise runner.UsageError(f"--report-dir {args.report_dir} exists and is not a folder; choose a folder")
    settings = settings_for(args, src)
    if args.review:
        from migrate.commands.review import run_reviewed

        return run_reviewed(args, settings)
    if cache_dir is not None:
        ignore_folder(base / ".migrate")

    import contextlib
    import threading

    from migrate.report import render

    # -q prints nothing (errors are the CLI's): no consoles and no progress bar, so rich is not
    # imported (~0.09 s, before the first file could go to a worker)
    out_con = err_con = None
    bar = contextlib.nullcontext()
    if not args.quiet:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        out_con, err_con = console(args), console(args, stderr=True)
        bar = Progress(TextColumn("[bold]migrating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       TextColumn("{task.fields[current]}", style="dim"), console=err_con, transient=True,
                       disable=not err_con.is_terminal)
    with bar as progress:
        task = progress.add_task("migrate", total=None, current="") if progress is not None else None

        def tick(done, total, path):
            if done == 1:
                # the report's templates load (jinja2's import, ~0.1 s) while the workers migrate;
                # not sooner: this thread would take the interpreter lock from the walk of the tree
                threading.Thread(target=render.load_templates, name="migrate-report-templates", daemon=True).start()
            if progress is not None:
                progress.update(task, completed=done, total=total, current=path[-60:])

        result = runner.run(src.resolve(), settings, out=args.out.resolve() if args.out else None,
                            in_place=args.in_place, jobs=args.jobs, progress=tick, cache_dir=cache_dir)

    from migrate.timing import clock

    t0 = clock()
    timings = result.timings
    extra = {"problems": [{"path": p, "reason": r} for p, r in result.walk.problems], "timings": timings}
    if result.cache is not None:
        extra["cache"] = {"hits": result.cache["hits"], "misses": result.cache["misses"]}
    report = model.build(result.results, settings, root_name=src.resolve().name, diffs=result.diffs, extra=extra)
    timings["report_build"] = round(clock() - t0, 4)  # report.json is written below: its own write is not in it
    report_dir = args.report_dir.resolve() if args.report_dir else base / ".migrate" / "report"
    if args.report_dir is None:
        ignore_folder(base / ".migrate")
    v = model.view(report)  # what the reports and the summary show, derived once
    write.write_all(report, report_dir, v)
    timings["report"] = round(clock() - t0, 4)
    if args.timings:
        import json
        import sys

        print("timings: " + json.dumps(timings), file=sys.stderr)
    if out_con is None:
        return _exit_code(report)
    if args.verbose:
        for r in result.results:
            if r.detail:
                err_con.print(f"{r.path}: {r.reason}\n{r.detail}", markup=False, highlight=False)
        for f in report["findings"]:
            if not f["fixed"]:
                out_con.print(f"{f['path']}:{f['line']}:{f['column']}: {f['rule']} {f['message']}", markup=False)
    print_summary(report, out_con, report_dir=report_dir, out=args.out, v=v)
    return _exit_code(report)


def _exit_code(report: dict) -> int:
    s = report["summary"]
    return 1 if (s["needs_person"] or s["files_error"] or s["files_skipped"] or report["problems"]) else 0
