"""Start-up benchmark: what a pre-commit hook pays for `migrate check FILE` on one 100-line file.

    python benchmarks/bench_check.py [--runs 15] [--file PATH]

Times the whole command (a fresh interpreter each time, start-up and imports included) and
prints the median, best and worst. Target: median <= 0.30 s. Where `migrate check` is not
available in this build, it times `migrate run DIR --out OUT --no-cache` on a one-file tree
instead (the same start-up path plus the run machinery) and says so.
The default file is the first 100 lines of the corpus's nanoGPT-style train.py (torch.cuda
calls, device strings, DDP with nccl): a file that has something to report.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, machine  # noqa: E402

DEFAULT = REPO / "corpus" / "single-trainer" / "input" / "train.py"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--file", type=Path, default=DEFAULT)
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    # as installed: pip writes .pyc files at install time, so the hook never compiles migrate's
    # source (the warm-up run below writes them for a checkout)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    py = [sys.executable, "-m", "migrate"]
    work = Path(tempfile.mkdtemp(prefix="migrate-check-"))
    try:
        src = work / "src"
        src.mkdir()
        lines = args.file.read_bytes().splitlines(keepends=True)[:100]
        target = src / args.file.name
        target.write_bytes(b"".join(lines))
        has_check = (REPO / "migrate" / "commands" / "check.py").is_file()
        if has_check:
            cmd, what = [*py, "check", str(target)], "migrate check FILE"
        else:
            cmd, what = [*py, "run", str(src), "--out", str(work / "out"), "--no-cache", "-q"], \
                "migrate run DIR --out OUT --no-cache (`check` is not in this build)"
        print(f"machine: {machine()}")
        print(f"command: {what}; file: {len(lines)} lines of {args.file.name}")
        subprocess.run(cmd, env=env, capture_output=True)  # warm the OS file cache and .pyc files
        times, cpus = [], []
        for _ in range(args.runs):
            shutil.rmtree(work / "out", ignore_errors=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            r = subprocess.run(cmd, env=env, capture_output=True)
            times.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if r.returncode not in (0, 1):
                print(r.stderr.decode(errors="replace"), file=sys.stderr)
                return 2
        med = statistics.median(times)
        print(f"median {med:.3f} s, best {min(times):.3f} s, worst {max(times):.3f} s over {len(times)} runs "
              f"(target: median <= 0.30 s: {'met' if med <= 0.30 else 'NOT met'}); CPU median "
              f"{statistics.median(cpus):.3f} s; load average now {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
