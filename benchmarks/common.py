"""Helpers shared by the benchmark scripts: fetch and unpack the test trees, run a command while
sampling the summed RSS of its whole process tree, machine facts. Standard library only."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("MIGRATE_BENCH_DATA", REPO / "benchmarks" / ".data"))

WHEELS = {"transformers": "transformers==4.57.1", "timm": "timm==1.0.22"}


def tree(name: str) -> Path:
    """transformers / timm: the wheel (from $MIGRATE_TEST_WHEELS, else PyPI), unzipped once under
    DATA ($MIGRATE_BENCH_DATA, default benchmarks/.data); else a path."""
    if name not in WHEELS:
        p = Path(name)
        if not p.is_dir():
            sys.exit(f"no such tree: {name}")
        return p.resolve()
    dest = DATA / name
    if dest.is_dir():
        return dest
    DATA.mkdir(parents=True, exist_ok=True)
    pkg, version = WHEELS[name].split("==")
    # a folder of wheels already on disk (the tests' MIGRATE_TEST_WHEELS), else pip download
    local = os.environ.get("MIGRATE_TEST_WHEELS")
    whl = next(Path(local).glob(f"{pkg}-{version}-*.whl"), None) if local else None
    if whl is None:
        wheels = DATA / "wheels"
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", WHEELS[name], "-d", str(wheels)],
                       check=True)
        whl = next(wheels.glob(f"{pkg}-{version}-*.whl"))
    tmp = DATA / (name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(whl) as z:
        z.extractall(tmp)
    tmp.rename(dest)
    return dest


def count_py(root: Path) -> tuple[int, int]:
    files = lines = 0
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            if n.endswith(".py"):
                files += 1
                with open(os.path.join(dirpath, n), "rb") as f:
                    lines += f.read().count(b"\n")
    return files, lines


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    """utime + stime of a process so far, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def measure(cmd: list[str], *, cwd=None, env=None) -> dict:
    """Run cmd; wall time, CPU time of the process tree, peak of the SUMMED RSS of the tree
    (sampled every 20 ms from /proc) and the largest single-process RSS (getrusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    cpu: dict[int, float] = {}
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            pids = _descendants(proc.pid)
            peak = max(peak, sum(_rss_kib(p) for p in pids))
            for p in pids:
                if p != proc.pid:
                    cpu[p] = max(cpu.get(p, 0.0), _cpu_s(p))
            stop.wait(0.02)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    th.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # the direct child exactly (getrusage); workers (grandchildren under a fork server, not
    # reaped by us) as last sampled from /proc
    own = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "rc": proc.returncode, "wall": wall, "stdout": out.decode(errors="replace"), "stderr": err.decode(errors="replace"),
        "cpu": own + sum(cpu.values()),
        "peak_rss_sum_mib": peak / 1024,
        "max_rss_one_mib": after.ru_maxrss / 1024,  # largest single process among all children so far
    }


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
            f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def spread(values: list[float]) -> str:
    best = min(values)
    return f"{best:.2f} (best of {len(values)}; spread {best:.2f}-{max(values):.2f})"
