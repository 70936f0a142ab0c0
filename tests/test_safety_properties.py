"""Issue 6.9: property tests of the Python pipeline (migrate.core.migrate_file).

Two kinds of input:
- programs hypothesmith generates from Python's grammar (odd syntax, odd whitespace, no CUDA:
  the pipeline must leave them alone and never fall over);
- programs assembled from real CUDA-flavoured code (every Python rule's examples and the
  top-level statements of the corpus inputs), nested in functions, classes, `if` and `with`
  blocks, mixed with generated code, with CRLF/tab/no-final-newline variants, so rules fire.

For each: migrate_file never raises and never ends in an internal error; output parses whenever
the input parses (and an input Python rejects is never changed); the output is exactly the input
with the applied edits spliced in (every other byte identical); a second pass is a no-op.

The default profile ("ci", conftest.py) keeps this to a few seconds; `pytest --fuzz` runs the
long profile (thousands of examples per property).
"""

from __future__ import annotations

import ast
import warnings
from functools import cache
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import assume, example, given, note
from hypothesis import strategies as st

from migrate import engine, ruleset
from migrate.core import migrate_file
from migrate.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# hypothesmith compiles what it generates; its SyntaxWarnings (`1()`) are not ours
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
PATHS = ("train.py", "pkg/models/net.py", "scripts/run_eval.py")


def _parses(data: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


@cache
def snippets() -> tuple[str, ...]:
    """Real CUDA-flavoured Python: rule examples and corpus top-level statements."""
    out = []
    for rule in ruleset.rules_for("python"):
        for ex in rule.examples:
            for text in (ex.before, ex.after):
                if text and _parses(text.encode()):
                    out.append(text)
    for f in sorted(ROOT.glob("corpus/*/input/**/*.py")):
        src = f.read_text(encoding="utf-8")
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for node in tree.body:
            seg = ast.get_source_segment(src, node, padded=False)
            if seg and "cuda" in seg.lower() or seg and any(w in seg for w in ("nccl", "amp", "apex", "device")):
                if len(seg) < 3000:
                    out.append(seg + "\n")
    assert len(out) > 100, len(out)
    return tuple(out)


def _indent(text: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line for line in text.splitlines(keepends=True))


WRAPPERS = ("{}", "def step(model, batch):\n{}", "class Trainer:\n{}", "if __name__ == '__main__':\n{}",
            "try:\n{}except Exception:\n    pass\n", "with ctx:\n{}", "for i in range(3):\n{}")


@st.composite
def cuda_programs(draw) -> str:
    pool = snippets()
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        text = pool[draw(st.integers(0, len(pool) - 1))]
        wrap = draw(st.sampled_from(WRAPPERS))
        if wrap != "{}":
            text = wrap.format(_indent(text, draw(st.sampled_from(("    ", "  ", "\t")))))
        parts.append(text)
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(("\n", "# cuda is not used here\n", "x = 1  # migrate: ignore\n",
                                               '"""cuda:0 in a docstring"""\n'))))
    return "".join(p if p.endswith("\n") else p + "\n" for p in parts)


def _variant(text: str, crlf: bool, strip_final_newline: bool) -> bytes:
    if strip_final_newline:
        text = text.rstrip("\n")
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8")


def check(data: bytes, path: str = "train.py", s: Settings = Settings()) -> None:
    r = migrate_file(path, data, s)
    assert r.status in ("changed", "unchanged", "skipped"), (r.status, r.reason)
    parses = _parses(data)
    if r.status != "changed":
        assert r.new_data is None
        return
    assert parses, "an input Python rejects was rewritten"
    new = r.new_data
    assert _parses(new), new.decode()
    # every byte outside the applied edits is the input's own
    applied = [e for f in r.findings if f.fixed for e in f.edits] + list(r.extra_edits)
    assert applied
    assert engine.apply_edits(data, applied) == new
    if b"\n" in data and data.count(b"\n") == data.count(b"\r\n"):  # a CRLF file stays CRLF
        assert new.count(b"\n") == new.count(b"\r\n")
    # a second pass changes nothing and fixes nothing new
    again = migrate_file(path, new, s)
    assert again.status == "unchanged", (again.status, again.reason)
    assert not [f for f in again.findings if f.fixed]


@given(src=hypothesmith.from_grammar())
@example(src="import torch\nx = torch.randn(3).cuda()\n")
def test_generated_programs(src):
    check(src.encode("utf-8"))


@given(src=cuda_programs(), path=st.sampled_from(PATHS), crlf=st.booleans(), nonl=st.booleans(),
       unsafe=st.booleans(), shim=st.booleans())
def test_programs_from_real_cuda_code(src, path, crlf, nonl, unsafe, shim):
    note(f"{path=} {crlf=} {nonl=} {unsafe=} {shim=}")
    check(_variant(src, crlf, nonl), path, Settings(unsafe_fixes=unsafe, shim=shim))


@given(src=cuda_programs(), gen=hypothesmith.from_grammar(), first=st.booleans())
def test_real_cuda_code_mixed_with_generated_code(src, gen, first):
    gen = gen if gen.endswith("\n") or not gen else gen + "\n"
    check(((gen + src) if first else (src + gen)).encode("utf-8"))


@given(src=cuda_programs(), cut=st.integers(0, 10**6), junk=st.sampled_from(("(", ")", ":", "print 'x'", "def", "`", "\x00")))
def test_broken_programs_are_never_rewritten(src, cut, junk):
    """A syntax error anywhere (a half-written file): the file is left alone, wherever the error is."""
    data = src.encode("utf-8")
    pos = cut % (len(data) + 1)
    while pos and (data[pos - 1] & 0xC0) == 0x80:  # stay on a character boundary
        pos -= 1
    broken = data[:pos] + junk.encode() + data[pos:]
    if _parses(broken):
        return
    r = migrate_file("train.py", broken, Settings())
    assert r.status in ("unchanged", "skipped"), (r.status, r.reason)
    assert r.new_data is None


def test_the_snippet_pool_makes_rules_fire():
    """Guard against a pool that never triggers anything (the properties would then be vacuous)."""
    fired = 0
    for text in snippets():
        r = migrate_file("train.py", text.encode(), Settings())
        fired += r.status == "changed"
    assert fired > 30, fired


@pytest.mark.parametrize("text", [
    "import torch\nif x:\n\tmodel.cuda()\n",
    "import torch\r\nmodel.cuda()\r\ny = 'cuda:0'",
])
def test_edge_shapes(text):
    check(text.encode())


@given(src=cuda_programs(), crlf=st.booleans(), bom=st.booleans())
def test_programs_in_other_encodings_keep_their_bytes(src, crlf, bom):
    """latin-1 with a coding line, or UTF-8 with a BOM: the edits land on the decoded text, and the
    file is written back in its own encoding, every other byte as it was."""
    if bom:
        head, enc, prefix = "# caf\u00e9\n", "utf-8", b"\xef\xbb\xbf"
    else:
        head, enc, prefix = "# -*- coding: latin-1 -*-\n# Fran\u00e7ois\n", "latin-1", b""
    text = head + src
    if crlf:
        text = text.replace("\n", "\r\n")
    try:
        data = prefix + text.encode(enc)
    except UnicodeEncodeError:
        assume(False)
    r = migrate_file("train.py", data, Settings())
    assert r.status in ("changed", "unchanged", "skipped"), (r.status, r.reason)
    if r.status != "changed":
        return
    applied = [e for f in r.findings if f.fixed for e in f.edits] + list(r.extra_edits)
    expected = engine.apply_edits(text.encode("utf-8"), applied).decode("utf-8")
    assert r.new_data == prefix + expected.encode(enc)
    assert _parses(r.new_data)
    assert migrate_file("train.py", r.new_data, Settings()).status == "unchanged"
