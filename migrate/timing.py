"""Cheap stage timers for the benchmark's time split (discover, prefilter, parse, rewrite, write,
report). Per-file stages add perf_counter spans to a per-process accumulator; the runner takes
the accumulated figures after each file (in a worker, they travel back with the result) and
report.json carries the totals under `timings`."""

from __future__ import annotations

from time import perf_counter as clock

__all__ = ["add", "clock", "take"]

_acc: dict[str, float] = {}


def add(stage: str, seconds: float) -> None:
    _acc[stage] = _acc.get(stage, 0.0) + seconds


def take() -> dict[str, float]:
    """The figures accumulated since the last take(), and reset."""
    global _acc
    out, _acc = _acc, {}
    return out
