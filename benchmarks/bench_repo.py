"""Whole-repo benchmark: `migrate run` (full report) against PyTorch's hipify on copies of the
same tree, in the same run. Prints figures; it is not a test.

    python benchmarks/bench_repo.py                       # transformers 4.57.1 (downloaded once)
    python benchmarks/bench_repo.py --tree timm --runs 3
    python benchmarks/bench_repo.py --tree /path/to/tree  # e.g. from make_synthetic.py

For each run:
  1. `migrate run SRC --out A` with an empty cache (the cold, full migration + report);
  2. the same command again (the warm run: the content-hash cache, nothing changed);
  3. `hipify_python.hipify(SRC, output_directory=B)` with .py among the extensions (it copies the
     tree and rewrites CUDA names, like `migrate run --out`), in the interpreter given by
     --hipify-python (torch 2.13.0 CPU, in its own venv so the tool's venv stays light).
  4. with --in-place too: each tool rewrites its own fresh copy of the tree in place (the copies
     are made before the clock starts; migrate's is a git work tree, as --in-place asks, and runs
     without --force, so its git check is timed): `migrate run COPY --in-place` and
     `hipify(COPY, output_directory=COPY)`. Neither copies the tree; only what changes is written.
The hipify figure is the hipify() call alone (torch's import is excluded: the conservative side
for our ratio). Peak RSS is the peak of the summed RSS of migrate and all its workers.
The machine is shared: run it at least twice and read the best and the spread.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, count_py, machine, measure, spread, tree  # noqa: E402

HIPIFY = r"""
import sys, time
from torch.utils.hipify import hipify_python
src, dst = sys.argv[1], sys.argv[2]
t, c = time.perf_counter(), time.process_time()
hipify_python.hipify(project_directory=src, output_directory=dst, show_progress=False,
                     extensions=(".cu", ".cuh", ".c", ".cc", ".cpp", ".h", ".in", ".hpp", ".py"),
                     includes=("*",), is_pytorch_extension=True)
print("hipify_cpu", time.process_time() - c)
print("hipify_seconds", time.perf_counter() - t)
"""

STAGES = ("discover", "project", "cache", "prefilter", "parse", "rewrite", "diff", "migrate_wall", "write", "report")


def migrate_cmd(src: Path, out: Path | None, jobs: int, extra=()) -> list[str]:
    where = ["--out", str(out)] if out is not None else ["--in-place"]
    return [sys.executable, "-m", "migrate", "run", str(src), *where, "-q", "--timings",
            *(["-j", str(jobs)] if jobs else []), *extra]


def git_copy(src: Path, dst: Path) -> None:
    """A copy of the tree committed to a new git repo (what `migrate run --in-place` asks for)."""
    shutil.copytree(src, dst, symlinks=True)
    git = ["git", "-C", str(dst), "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
        subprocess.run(git + args, check=True, capture_output=True)


def hipify_once(python: str, src: Path, dst: Path) -> tuple[float, float, float]:
    """(seconds of the hipify() call, its CPU seconds, wall of the process with torch's import)."""
    h = measure([python, "-c", HIPIFY, str(src), str(dst)])
    if h["rc"] != 0:
        raise RuntimeError(h["stderr"][-2000:])
    return (float(h["stdout"].split("hipify_seconds")[-1]), float(h["stdout"].split("hipify_cpu")[-1].split()[0]),
            h["wall"])


def speed_up(theirs: list[float], ours: list[float]) -> str:
    """Best against best, and run by run (each run times both tools back to back), with the
    median of the runs: on a host whose speed drifts, the best of each side may come from
    different phases, and the median says what a typical run sees."""
    import statistics

    ratios = [h / c for h, c in zip(theirs, ours)]
    per_run = ", ".join(f"{r:.1f}x" for r in ratios)
    return f"{min(theirs) / min(ours):.1f}x best-to-best (per run: {per_run}; median {statistics.median(ratios):.1f}x)"


def timings(stderr: str) -> dict:
    for line in stderr.splitlines():
        if line.startswith("timings: "):
            return json.loads(line[len("timings: "):])
    return {}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", default="transformers", help="transformers, timm, or a folder")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=0, help="migrate --jobs (default: all cores)")
    ap.add_argument("--hipify-python", default=os.environ.get("MIGRATE_BENCH_HIPIFY_PYTHON", ""),
                    help="a Python with torch installed (a venv with `pip install torch==2.13.0`; default "
                         "$MIGRATE_BENCH_HIPIFY_PYTHON); empty: skip hipify")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temp folder)")
    ap.add_argument("--in-place", action="store_true",
                    help="also time both tools rewriting their own copy of the tree in place (step 4)")
    args = ap.parse_args()

    src = tree(args.tree)
    files, lines = count_py(src)
    print(f"tree: {args.tree} ({src}): {files:,} .py files, {lines:,} lines")
    print(f"machine: {machine()}")
    work = Path(tempfile.mkdtemp(prefix="migrate-bench-", dir=args.work))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # as installed: pip writes .pyc files at install time, so a run never compiles migrate's source
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "migrate")], env=env, check=True)
    cold, warm, hip, rss, cpu, hip_cpu = [], [], [], [], [], []
    ip, ip_cpu, ip_hip, ip_hip_cpu = [], [], [], []
    split = []
    report = {}
    try:
        for i in range(args.runs):
            out = work / f"out-{i}"
            m = measure(migrate_cmd(src, out, args.jobs), cwd=REPO, env=env)
            if m["rc"] not in (0, 1):
                print(m["stderr"], file=sys.stderr)
                return 2
            report = json.loads((out / ".migrate" / "report" / "report.json").read_text())
            cold.append(m["wall"])
            rss.append(m["peak_rss_sum_mib"])
            cpu.append(m["cpu"])
            split.append(timings(m["stderr"]))
            w = measure(migrate_cmd(src, out, args.jobs), cwd=REPO, env=env)
            warm.append(w["wall"])
            line = (f"run {i + 1}: migrate cold {m['wall']:.2f} s (cpu {m['cpu']:.1f} s, peak RSS {m['peak_rss_sum_mib']:.0f} MiB"
                    f" summed over workers), warm {w['wall']:.2f} s (peak RSS {w['peak_rss_sum_mib']:.0f} MiB)")
            if args.hipify_python:
                secs, hcpu, process = hipify_once(args.hipify_python, src, work / f"hip-{i}")
                hip.append(secs)
                hip_cpu.append(hcpu)
                line += f"; hipify {secs:.2f} s (cpu {hcpu:.1f} s; process {process:.2f} s with torch's import)"
                shutil.rmtree(work / f"hip-{i}", ignore_errors=True)
            print(line, flush=True)
            shutil.rmtree(out, ignore_errors=True)
            if args.in_place:
                mine, theirs = work / f"ip-migrate-{i}", work / f"ip-hipify-{i}"
                git_copy(src, mine)
                shutil.copytree(src, theirs, symlinks=True)
                subprocess.run(["sync"], check=False)
                m = measure(migrate_cmd(mine, None, args.jobs), cwd=REPO, env=env)
                if m["rc"] not in (0, 1):
                    print(m["stderr"], file=sys.stderr)
                    return 2
                ip.append(m["wall"])
                ip_cpu.append(m["cpu"])
                line = f"run {i + 1} in place: migrate {m['wall']:.2f} s (cpu {m['cpu']:.1f} s)"
                if args.hipify_python:
                    secs, hcpu, _ = hipify_once(args.hipify_python, theirs, theirs)
                    ip_hip.append(secs)
                    ip_hip_cpu.append(hcpu)
                    line += f"; hipify {secs:.2f} s (cpu {hcpu:.1f} s)"
                print(line, flush=True)
                shutil.rmtree(mine, ignore_errors=True)
                shutil.rmtree(theirs, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    s = report.get("summary", {})
    best = min(cold)
    print()
    print(f"migrate run, cold (full report): {spread(cold)} s")
    print(f"migrate run, warm cache:         {spread(warm)} s")
    if hip:
        print(f"hipify_python:                   {spread(hip)} s")
        print(f"speed-up vs hipify:              {speed_up(hip, cold)}")
    if hip_cpu:
        print(f"CPU seconds, migrate vs hipify:  {min(cpu):.1f} vs {min(hip_cpu):.1f} = {min(hip_cpu) / min(cpu):.1f}x less work "
              "(the figure other users of a shared machine cannot skew)")
    if ip:
        print(f"in place, migrate:               {spread(ip)} s (CPU {min(ip_cpu):.1f} s)")
    if ip_hip:
        print(f"in place, hipify_python:         {spread(ip_hip)} s (CPU {min(ip_hip_cpu):.1f} s)")
        print(f"speed-up in place:               {speed_up(ip_hip, ip)}; CPU {min(ip_hip_cpu) / min(ip_cpu):.1f}x less work")
    print(f"peak RSS (migrate + workers):    {max(rss):.0f} MiB (max over runs)")
    print(f"CPU time (migrate + workers):    {min(cpu):.1f} s")
    print(f"throughput:                      {s.get('lines_scanned', lines) / best:,.0f} lines/s "
          f"({s.get('files_scanned', 0):,} files, {s.get('lines_scanned', 0):,} lines, "
          f"{s.get('files_changed', 0)} changed, {s.get('fixes_applied', 0)} fixes, {s.get('open_findings', 0)} open findings)")
    fastest = split[cold.index(best)]
    print("time split of the fastest cold run (s; prefilter/parse/rewrite/diff are CPU-seconds summed over workers):")
    print("  " + "  ".join(f"{k} {fastest[k]:.2f}" for k in STAGES if k in fastest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
