"""Files whose trigger words stand only where no matcher looks (comments, docstrings, messages)
are not parsed (migrate/lang/python/live.py), and that never changes a result.

The lexer is checked against tree-sitter's own tree; the decision against the full pipeline
(the same file migrated with the refinement turned off); and each kind of place a rule reads
(code, device/backend/env-var strings, f-strings, pattern rules, raw-text rules, --shim) on code
shaped like the real thing. tests/test_real_packages.py runs the same comparison over every file
of timm and transformers."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import tree_sitter_python as tsp
from tree_sitter import Language, Parser

import migrate.lang.python as pyhandler
from migrate import ruleset, timing
from migrate.core import _rules, migrate_file
from migrate.lang.python import live
from migrate.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
_TS = Parser(Language(tsp.language()))
_WORDS = re.compile(rb"cuda|nccl|deepspeed|apex|flash_attn|compile|triton|__main__|nvidia", re.I)
_KIND = {live.CODE: "code", live.COMMENT: "comment", live.STRING: "string", live.FSTRING: "fstring"}


def ts_kind(root, offset: int) -> str:
    """What tree-sitter says is at `offset`: code, comment, string, or fstring (an f-string's
    literal text or its braces; a string nested in the braces counts as the f-string)."""
    node = root.descendant_for_byte_range(offset, offset + 1)
    outer = None
    while node is not None:
        if node.type == "comment":
            return "comment"
        if node.type == "string":
            outer = node
        node = node.parent
    if outer is None:
        return "code"
    prefix = outer.child(0).text.lower()
    return "fstring" if b"f" in prefix or b"t" in prefix else "string"


def ts_agrees(data: bytes) -> list:
    """The trigger-like words where the lexer and tree-sitter disagree."""
    root = _TS.parse(data).root_node
    assert not root.has_error
    lex = live.Lexer(data)
    out = []
    for m in _WORDS.finditer(data):
        got, want = _KIND[lex.kind(m.start())], ts_kind(root, m.start())
        if got != want:
            out.append((m.start(), m.group(), got, want))
    return out


def python_files():
    for top in ("corpus", "tests/fixtures", "examples"):
        yield from sorted(p for p in (ROOT / top).rglob("*.py") if p.is_file())


def test_the_lexer_finds_comments_and_strings_where_tree_sitter_does():
    checked = 0
    for path in python_files():
        data = path.read_bytes()
        if _TS.parse(data).root_node.has_error:
            continue  # the corpus keeps a few broken files on purpose
        try:
            assert ts_agrees(data) == [], path
        except live.Unsure:
            continue
        checked += 1
    assert checked > 50


TRICKY = '''\
"""Module docstring: runs on CUDA. It's "quoted" and has a # hash."""
import torch  # "a quote in a comment: cuda
x = 'it\\'s # not a comment: cuda'
y = "a \\"quoted\\" cuda"
z = r"\\d+ cuda" + rb'\\x00 cuda' + Rb"cuda" + u"cuda"
w = f"{torch.cuda.device_count()} devices on cuda" + F'{d["cuda"]}' + rf"cuda{x}"
v = """one \\""" still cuda
cuda""" + \'\'\'cuda \'\'\'
t = ("cuda"
     "cuda") if"cuda" else b"cuda"
u = "line one \\
cuda on the next line"
# comment run: cuda
    # indented: cuda
dev = torch.device("cuda")  # cuda
tmpl = t"{torch.cuda.current_device()} on cuda" + Tr"{cuda}"
'''


def test_the_lexer_on_quotes_prefixes_escapes_and_continuations():
    data = TRICKY.encode()
    assert ts_agrees(data) == [(data.index(b'"cuda" else') + 1, b"cuda", "fstring", "string")]  # `if"`: read as f, the safe side
    crlf = data.replace(b"\n", b"\r\n")
    assert [d[2:] for d in ts_agrees(crlf)] == [("fstring", "string")]


@pytest.mark.parametrize("source, why", [
    ('x = "cuda\n', "an unterminated string"),
    ('x = """cuda\n', "an unterminated triple-quoted string"),
    ('x = f"{d["cuda"]}"\n', "an f-string whose braces do not close within it"),  # Python 3.12 nesting
    ('x = f"{d[\'}\']}" + f"{a["b"]} {torch.cuda.foo()} "\n', "an f-string whose braces do not close within it"),
])
def test_the_lexer_says_when_it_cannot_tell(source, why):
    with pytest.raises(live.Unsure, match=re.escape(why)):
        live.Lexer(source.encode()).kind(len(source) - 2)


def test_pattern_rules_are_told_what_tree_sitter_would_say_or_the_safe_side():
    data = b'# one\n    # two: selective_scan_cuda.fwd(x)\nx = "selective_scan_cuda.fwd(x)"\n'
    at = live.where(live.Lexer(data))
    root = _TS.parse(data).root_node
    for offset in range(len(data)):
        got, want = at(offset), ts_kind(root, offset)
        # a comment only where tree-sitter has one; a string only inside a string literal
        assert got == want or got == "code", (offset, data[offset:offset + 1], got, want)
    assert at(data.index(b"two")) == "comment" and at(data.index(b"\n    # two")) == "code"
    assert at(data.index(b'"selective')) == "string"


# --------------------------------------------------------------------------------------------

MODEL_WITHOUT_WORK = '''\
# Copyright 2024 The HuggingFace Team. All rights reserved.
# Licensed under the Apache License, Version 2.0 (the "License");
"""PyTorch Mamba model. The fast path needs the CUDA kernels of `mamba_ssm` and `causal_conv1d`."""

import math
from typing import Optional

import torch
from torch import nn

from ...utils import logging

logger = logging.get_logger(__name__)


class MambaMixer(nn.Module):
    """
    Compute the state space model. The CUDA kernels are used when available:

        >>> model = MambaModel.from_pretrained("state-spaces/mamba-130m").to("cuda")
    """

    def __init__(self, config, layer_idx: int):
        super().__init__()
        self.layer_idx = layer_idx
        # Note: the CUDA path fuses the projection; torch.compile may also be used here
        self.use_fast_path = config.use_fast_path

    def forward(self, hidden_states: torch.Tensor, attention_mask: Optional[torch.Tensor] = None):
        if not self.use_fast_path:
            logger.warning_once(
                "The fast path is not available because one of the CUDA kernels is missing. "
                "Falling back to the sequential implementation, which is slower."
            )
        pattern = re.compile(r"layers\\.(\\d+)")
        return hidden_states * math.sqrt(self.layer_idx + 1)
'''

SETTINGS = Settings()


def _migrate(path: str, source: str, settings: Settings = SETTINGS):
    timing.take()
    result = migrate_file(path, source.encode(), settings)
    parsed = "parse" in timing.take()
    return result, parsed


def _without_refinement(monkeypatch, path: str, source: str, settings: Settings = SETTINGS):
    with monkeypatch.context() as m:
        m.delattr(pyhandler, "wants")
        return _migrate(path, source, settings)


def _same(a, b) -> bool:
    return (a.status, a.reason, a.new_data, [(f.rule, f.line, f.column, f.message) for f in a.findings]) == \
        (b.status, b.reason, b.new_data, [(f.rule, f.line, f.column, f.message) for f in b.findings])


def test_a_model_that_mentions_cuda_only_in_prose_is_not_parsed(monkeypatch):
    result, parsed = _migrate("models/mamba/modeling_mamba.py", MODEL_WITHOUT_WORK)
    assert not parsed and result.status == "unchanged" and not result.findings
    full, full_parsed = _without_refinement(monkeypatch, "models/mamba/modeling_mamba.py", MODEL_WITHOUT_WORK)
    assert full_parsed and _same(result, full)


@pytest.mark.parametrize("line, rule", [
    ("x = hidden_states.cuda()", "tensor-cuda-method"),
    ("torch.cuda.synchronize()", "torch-cuda-api"),
    ('x = hidden_states.to("cuda:0")', "device-string"),
    ('x = hidden_states.to(f"cuda:{self.layer_idx}")', "device-string"),
    ('torch.distributed.init_process_group("nccl")', "nccl-backend"),
    ('os.environ["CUDA_VISIBLE_DEVICES"] = "0"', "env-var-rename"),
    ('out = subprocess.run("nvidia-smi --query-gpu=memory.used --format=csv", shell=True)', "nvidia-smi"),
    ("y = self.selective_scan_cuda.fwd(hidden_states)", "custom-cuda-kernel"),
    ('msg = t"{torch.cuda.device_count()} devices"', "torch-cuda-api"),  # a 3.14 template string
    ("import deepspeed", "deepspeed-npu"),
    ("model = torch.compile(self)", "torch-compile-backend"),
])
def test_one_line_a_rule_reads_sends_the_file_to_the_parser(monkeypatch, line, rule):
    source = MODEL_WITHOUT_WORK.replace("        return hidden_states * math", f"        {line}\n        return hidden_states * math")
    source = "import os\nimport subprocess\n" + source
    result, parsed = _migrate("models/mamba/modeling_mamba.py", source)
    assert parsed and rule in {f.rule for f in result.findings}, [f.rule for f in result.findings]
    full, _ = _without_refinement(monkeypatch, "models/mamba/modeling_mamba.py", source)
    assert _same(result, full)


@pytest.mark.parametrize("line", [
    '# x = hidden_states.cuda()  (kept for reference)',
    'logger.info("moved the cache to cuda:0 once, as the CUDA graph needs it")',
    'raise ValueError("NCCL is not available on this host; use gloo")',
    'doc = """Set CUDA_VISIBLE_DEVICES before launching."""',
    '# torch.compile(self) is slower here',
    '"""run `python -m torch.distributed.run` under deepspeed"""',
    'name = "selective_scan_cuda.fwd(x) is the kernel"',
])
def test_a_mention_no_rule_reads_does_not(monkeypatch, line):
    source = MODEL_WITHOUT_WORK.replace("        return hidden_states * math", f"        {line}\n        return hidden_states * math")
    result, parsed = _migrate("models/mamba/modeling_mamba.py", source)
    assert not parsed and result.status == "unchanged" and not result.findings
    full, _ = _without_refinement(monkeypatch, "models/mamba/modeling_mamba.py", source)
    assert _same(result, full)


def test_torch_compile_through_an_alias_is_read_and_a_comment_about_it_is_not():
    alias = MODEL_WITHOUT_WORK.replace("import torch\n", "import torch as th\n").replace(
        "        return hidden_states * math", "        fast = th.compile(self.forward)\n        return hidden_states * math")
    result, parsed = _migrate("m.py", alias)
    assert parsed and "torch-compile-backend" in {f.rule for f in result.findings}
    # `re.compile` in code and "torch.compile" in a comment: the rule's word and its regex are
    # each somewhere, but not the regex in code
    assert not _migrate("m.py", MODEL_WITHOUT_WORK)[1]


def test_rules_that_read_the_raw_text_still_see_it(monkeypatch):
    setup = '''\
import os
from setuptools import setup
# builds CUDAExtension modules when CUDA_HOME is set
ext_modules = []
if os.environ.get("BUILD_EXT"):
    from torch.utils import cpp_extension
    ext_modules.append(cpp_extension.CppExtension("fused", ["csrc/fused.cpp", "csrc/fused_kernel.cu"]))
setup(name="fused", ext_modules=ext_modules, install_requires=["torch>=2.1", "cupy-cuda12x"])
'''
    result, parsed = _migrate("setup.py", setup)
    assert parsed
    full, _ = _without_refinement(monkeypatch, "setup.py", setup)
    assert _same(result, full)

    script = MODEL_WITHOUT_WORK + '\n\nif __name__ == "__main__":\n    main()\n'
    assert not _migrate("train.py", script)[1]
    shim = replace(SETTINGS, shim=True)
    result, parsed = _migrate("train.py", script, shim)
    assert parsed
    full, _ = _without_refinement(monkeypatch, "train.py", script, shim)
    assert _same(result, full)


def test_what_the_lexer_cannot_follow_is_parsed():
    nested = MODEL_WITHOUT_WORK + '\nmsg = f"{cfg["name"]} on CUDA"\n'  # 3.12 f-string nesting
    assert _migrate("m.py", nested)[1]
    latin1 = ("# -*- coding: latin-1 -*-\n# r\xe9sum\xe9: CUDA\nx = 1\n").encode("latin-1")
    timing.take()
    migrate_file("m.py", latin1, SETTINGS)
    assert "parse" in timing.take()


def test_every_rule_example_gives_the_same_result_with_and_without_the_refinement(monkeypatch):
    from test_rule_examples import settings_for

    compared = skipped = 0
    for rule in ruleset.all_rules():
        for ex in rule.examples:
            path, settings = ex.path, settings_for(ex)
            got, parsed = _migrate(path, ex.before, settings)
            full, _ = _without_refinement(monkeypatch, path, ex.before, settings)
            assert _same(got, full), (rule.id, ex.name)
            compared += 1
            skipped += not parsed
    assert compared > 100 and skipped > 0


def test_the_plan_sorts_rules_by_where_they_read():
    plan = live._plan(_rules("python", (), ()))
    assert b"cuda" in plan.plain and any(b"compile" in words for words, _gate in plan.gated)
    assert {r.id for _t, _g, r, _shim in plan.anywhere} == {"cuda-extension", "shim-entry", "setup-py-requirements"}
    assert {r.id for _t, _g, r, shim in plan.anywhere if shim} == {"shim-entry"}
    assert {r.id for r, _m in plan.strings} >= {"device-string", "nccl-backend", "env-var-rename"}
    assert {r.id for r, _m in plan.patterns} >= {"nvidia-smi", "custom-cuda-kernel"}
