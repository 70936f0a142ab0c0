"""Issue 6.2/6.9 for C++/CUDA: programs assembled from real CUDA code (the C++ rules' examples and
the corpus's .cu/.cpp/.h inputs), some with a stray token at a random place so tree-sitter-cuda
reports a partial ERROR region. For each: no exception and no internal error; output is the
input with the applied edits spliced in; no applied edit lies inside or across an ERROR or
MISSING region of the parse the handler used; unbroken inputs reach a fixed point in one pass.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from migrate import engine, ruleset
from migrate.core import migrate_file
from migrate.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SPANS: list = []


@pytest.fixture(scope="module", autouse=True)
def spy_on_error_regions():
    """Record the ERROR/MISSING spans the handler itself saw (after its macro blanking)."""
    import migrate.lang.cuda as cuda

    real = cuda._guard_errors

    def guard(cf):
        SPANS.append([(a + d.offset, b + d.offset) for d in cf.docs for a, b in d.errors])
        return real(cf)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cuda, "_guard_errors", guard)
        yield


@cache
def pieces() -> tuple[str, ...]:
    out = [ex.before for r in ruleset.rules_for("cuda") for ex in r.examples if ex.path.endswith((".cu", ".cpp", ".h"))]
    for pattern in ("*.cu", "*.cpp", "*.h", "*.cuh"):
        for f in sorted(ROOT.glob(f"corpus/*/input/**/{pattern}")):
            text = f.read_text(encoding="utf-8")
            if len(text) < 20_000:
                out.append(text)
    assert len(out) > 20, len(out)
    return tuple(out)


JUNK = ("{", "}", "(", ")", ";", "#define BROKEN(", "template <", "@@", "`", "\"", "/*", "__global__", "<<<")


@st.composite
def programs(draw):
    pool = pieces()
    parts = [pool[draw(st.integers(0, len(pool) - 1))] for _ in range(draw(st.integers(1, 3)))]
    text = "\n".join(parts)
    if draw(st.booleans()):
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + draw(st.sampled_from(JUNK)) + text[pos:]
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


def _touches(e, a, b) -> bool:
    return (e.start < b and a < e.end) or (e.start == e.end and a < e.start < b)


@given(src=programs(), name=st.sampled_from(("ops/kernel.cu", "csrc/binding.cpp", "include/ops.h")))
def test_no_edit_inside_or_across_an_error_region(src, name):
    data = src.encode("utf-8")
    SPANS.clear()
    r = migrate_file(name, data, Settings())
    note(f"{r.status} {r.reason}")
    assert r.status in ("changed", "unchanged", "skipped"), r.reason
    if r.status != "changed":
        return
    spans = SPANS[-1] if SPANS else []
    applied = [e for f in r.findings if f.fixed for e in f.edits] + list(r.extra_edits)
    assert engine.apply_edits(data, applied) == r.new_data
    for e in applied:
        for a, b in spans:
            assert not _touches(e, a, b), (e, (a, b), data[a:b][:200])
    if not spans:
        again = migrate_file(name, r.new_data, Settings())
        assert again.status == "unchanged", again.reason


def test_the_pool_makes_rules_fire_and_junk_makes_errors():
    changed = sum(migrate_file("k.cu", p.encode(), Settings()).status == "changed" for p in pieces())
    assert changed > 10, changed
    SPANS.clear()
    migrate_file("k.cu", b"#include <cuda_runtime.h>\nvoid f() { cudaMalloc(&p, n); ( }\n", Settings())
    assert SPANS and SPANS[-1]
