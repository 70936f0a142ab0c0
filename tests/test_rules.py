"""The rule set as data: ids, matchers, docs, and that every name a rule can write exists."""

import re

import hypothesis
import pytest

from migrate import tables
from migrate.commands.explain import render
from migrate.lang.python import matchers
from migrate.ruleset import RuleError, all_rules, parse_rule, select

TABLE = tables.load("2.14.0")
NPU_NAME = re.compile(r"^(torch\.npu|torch_npu)(\.\w+)+$")


def python_rules():
    return [r for r in all_rules() if "python" in r.languages]


def test_python_matchers_exist():
    for r in python_rules():
        matchers.get(r.matcher)  # raises KeyError naming the known matchers


def test_every_written_npu_name_exists():
    """`replace` targets and renames of every rule name real torch_npu 2.14.0 APIs."""
    targets = []
    for r in python_rules():
        for entry in r.options.get("apis", ()):
            if entry.get("replace"):
                targets.append((r.id, entry["replace"]))
        if r.matcher == "torch-cuda":
            for old, new in r.options.get("renames", {}).items():
                targets.append((r.id, f"torch_npu.npu.{new}"))
    checked = [(rid, t) for rid, t in targets if NPU_NAME.match(t)]
    assert len(checked) >= 8
    missing = [(rid, t) for rid, t in checked if not TABLE.has_python(t)]
    assert not missing, missing


def test_advice_names_exist():
    """torch_npu names quoted in messages and advice exist too (no stale advice like Huawei's)."""
    quoted = set()
    for r in python_rules():
        blob = " ".join([r.message, r.why, r.suggestion or ""] + [str(v) for v in r.options.values()])
        quoted.update(m.group(0) for m in re.finditer(r"\b(torch\.npu|torch_npu)(\.\w+)+(?![\w*])", blob))
    missing = sorted(n for n in quoted if not TABLE.has_python(n))
    assert not missing, missing


def test_docs_render_for_every_rule():
    for r in all_rules():
        doc = render(r)
        assert r.id in doc and "## Why" in doc
        if r.examples:
            assert "## Examples" in doc


def test_select_and_ignore():
    rules = python_rules()
    ids = {r.id for r in select(rules, select=("torch-cuda-",))}
    assert ids == {"torch-cuda-api", "torch-cuda-unsupported", "torch-cuda-caveat", "torch-cuda-guard", "torch-cuda-indirect"}
    assert "device-string" not in {r.id for r in select(rules, ignore=("device-string",))}
    assert "perf-fused-optimizer" not in {r.id for r in select(rules)}  # opt-in
    assert "perf-fused-optimizer" in {r.id for r in select(rules, select=("perf-",))}


@pytest.mark.parametrize("entry,needle", [
    ({"id": "Bad_Id", "title": "t", "languages": ["python"], "matcher": "api", "severity": "error",
      "safety": "safe", "effort": "low", "message": "m", "why": "w"}, "kebab-case"),
    ({"id": "x", "title": "t", "languages": ["python"], "matcher": "api", "severity": "fatal",
      "safety": "safe", "effort": "low", "message": "m", "why": "w"}, "'severity'"),
    ({"id": "x", "title": "t"}, "missing key"),
    ({"id": "x", "title": "t", "languages": ["python"], "matcher": "api", "severity": "error",
      "safety": "safe", "effort": "low", "message": "m", "why": "w", "exec": "os.system('x')"}, "unknown key"),
])
def test_malformed_rules_are_refused_with_a_reason(entry, needle):
    with pytest.raises(RuleError, match=needle):
        parse_rule(entry, "custom.yaml")


def test_rules_and_explain_commands(cli):
    r = cli("rules")
    assert r.returncode == 0 and "torch-cuda-api" in r.stdout
    e = cli("explain", "device-string")
    assert e.returncode == 0 and "model_cuda.pt" in e.stdout and "## Why" in e.stdout
    bad = cli("explain", "device-strin")
    assert bad.returncode == 2 and "did you mean device-string" in bad.stderr


def test_rule_docs_are_current():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, str(root / "scripts" / "gen_rule_docs.py"), "--check"])
    assert r.returncode == 0, "docs/rules.md is stale: run python scripts/gen_rule_docs.py"



def test_rule_snapshot_is_current_and_equals_the_yaml(tmp_path, monkeypatch):
    """migrate/data/rules.pickle is built from today's rules/, and the rules loaded from it are
    the rules loaded from the YAML; a rule file edited after the snapshot is read as YAML."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from migrate import resources, ruleset

    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, str(root / "scripts" / "gen_rule_snapshot.py"), "--check"])
    assert r.returncode == 0, "migrate/data/rules.pickle is stale: run python scripts/gen_rule_snapshot.py"

    def load_rules():
        ruleset.all_rules.cache_clear()
        try:
            return ruleset.all_rules()
        finally:
            ruleset.all_rules.cache_clear()

    import yaml

    loads = []
    real_load = yaml.load
    monkeypatch.setattr(yaml, "load", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    from_snapshot = load_rules()
    assert loads == []  # the snapshot was used
    real_data = resources.data_dir
    monkeypatch.setattr(resources, "data_dir", lambda: tmp_path / "no-data")
    from_yaml = load_rules()
    assert len(loads) == len(ruleset.rule_files())
    assert from_snapshot == from_yaml and len(from_yaml) > 80

    # a rule file edited after the snapshot: its new text counts, not the snapshot's
    rules = tmp_path / "rules"
    shutil.copytree(resources.resource_dir("rules"), rules)
    monkeypatch.setattr(resources, "data_dir", real_data)
    real_dir = resources.resource_dir
    monkeypatch.setattr(ruleset, "resource_dir", lambda name: rules if name == "rules" else real_dir(name))
    api = rules / "python" / "torch-cuda.yaml"
    api.write_text(api.read_text().replace("title: ", "title: EDITED ", 1))
    edited = load_rules()
    assert [x.title for x in edited if x.title.startswith("EDITED ")] and len(edited) == len(from_yaml)

def test_plain_torch_code_is_not_sent_to_the_parser():
    """Every Python rule has triggers (none means: parse every file), and model code without a
    CUDA word stays below the prefilter (`input` holds `npu`)."""
    from migrate import prefilter
    from migrate.ruleset import rules_for

    rules = select(rules_for("python"))
    assert [r.id for r in rules if not r.triggers] == []
    plain = (b"import torch\nfrom torch import nn\n\n"
             b"class Head(nn.Module):\n    def forward(self, input_ids, inputs_embeds=None):\n"
             b"        return nn.functional.relu(torch.ones(3)) + input_ids\n")
    assert not prefilter.wants(plain, rules)


# Rules whose trigger is a common word or is inside other names carry a `prefilter` regex: a file
# with the word but no way to reach the rule's API stays below the prefilter (False), and every
# way to reach it still gets through (True).
_GATED = [
    # `compile` (torch-compile-backend's trigger) is in every `re.compile`
    ("re.compile", b"import re\nimport torch\n\nSPLIT = re.compile(r'\\s+')\n\ndef split(text):\n    return SPLIT.split(text)\n", False),
    # `from torch import nn` (in every model file) does not reach torch.compile
    ("from torch import nn", b"import re\nfrom torch import nn\n\nclass M(nn.Module):\n    _can_compile_fullgraph = True\n    PAT = re.compile('x')\n", False),
    ("torch.compile", b"import torch\nstep = torch.compile(step)\n", True),
    ("split decorator", b"import torch\n@torch \\\n    .compile\ndef step(x):\n    return x\n", True),
    ("alias of torch", b"import os, torch as T\nstep = T.compile(step)\n", True),
    ("from torch import (compile)", b"from torch import (\n    compile,\n)\nstep = compile(step)\n", True),
    ("continued import line", b"from torch import nn, \\\n    compile as jit\nstep = jit(step)\n", True),
    ("from torch import compile", b"from torch import compile\nstep = compile(step)\n", True),
    # transformers models say `_supports_flash_attn = True`: library names inside other names
    ("names inside names", b"from ...modeling_utils import PreTrainedModel\n\n"
     b"class LlamaPreTrainedModel(PreTrainedModel):\n    _supports_flash_attn = True\n"
     b"    _supports_sdpa = True\n    _can_compile_fullgraph = True\n\n"
     b"def _use_flash_attn_kwargs(config, _apex_style=False):\n    return {}\n", False),
    ("flash_attn import", b"from flash_attn import flash_attn_func\n", True),
    ("import list", b"import os,flash_attn\n", True),
    ("feature check", b"from .utils import is_flash_attn_2_available\nif is_flash_attn_2_available():\n    pass\n", True),
    ("xformers", b"import xformers.ops as xops\n", True),
    ("apex", b"from apex import amp\n", True),
    ("amp_C", b"import amp_C\n", True),
    ("apex feature check", b"if is_apex_available():\n    pass\n", True),
]


@pytest.mark.parametrize("text,wanted", [c[1:] for c in _GATED], ids=[c[0] for c in _GATED])
def test_gated_triggers_send_only_files_that_can_reach_the_api(text, wanted):
    from migrate import prefilter
    from migrate.ruleset import rules_for

    assert prefilter.wants(text, select(rules_for("python"))) is wanted


# The re-export prefilter (ProjectIndex.mentioned_in) against what the resolver takes: (path, text,
# sent to the parser). Index.build takes a project name only from `from MODULE import NAME` with
# MODULE the exporting module, so a file that merely names NAME is not sent. transformers
# re-exports `RotaryEmbedding`, `triton` and `FusedRMSNorm`: ~150 model files named one of them.
_EXPORTS = (("transformers.models.t5.modeling_t5", "FusedRMSNorm", "apex.normalization.FusedRMSNorm"),
            ("transformers.integrations.finegrained_fp8", "triton", "triton"),
            ("pkg", "amp", "apex.amp"))
_MENTIONS = [
    ("own class of that name", "transformers/models/mt5/modeling_mt5.py",
     "from torch import nn\n\n\nclass FusedRMSNorm(nn.Module):\n    pass\n", False),
    ("the name from another module", "transformers/models/bloom/modeling_bloom.py",
     "from ...utils import is_triton_available\n\nif is_triton_available():\n    import triton\n", False),
    ("relative", "transformers/models/mt5/modeling_mt5.py",
     "from ..t5.modeling_t5 import FusedRMSNorm\n\nnorm = FusedRMSNorm(8)\n", True),
    ("absolute, in parentheses", "examples/train.py",
     "from transformers.models.t5.modeling_t5 import (\n    T5Block,\n    FusedRMSNorm as Norm,\n)\n", True),
    ("continued line", "examples/train.py",
     "from transformers.integrations.finegrained_fp8 \\\n    import triton\n", True),
    ("package, bare relative", "pkg/train.py", "from . import amp\namp.initialize(m, o)\n", True),
    ("package, dots apart", "pkg/sub/train.py", "from .. import (amp)\n", True),
    ("package, absolute", "train.py", "from pkg import amp\n", True),
]


@pytest.mark.parametrize("path,text,sent", [c[1:] for c in _MENTIONS], ids=[c[0] for c in _MENTIONS])
def test_re_export_prefilter_sends_every_file_the_resolver_takes_names_from(path, text, sent):
    from migrate.lang.python.index import Index
    from migrate.lang.python.project import from_exports
    from migrate.lang.python.tsutil import parser

    project = from_exports(_EXPORTS)
    data = text.encode()
    index = Index.build(parser().parse(data).root_node, project, path)
    resolved = any(c.via_project for cands in index.imports.values() for c in cands)
    assert resolved is sent  # the table says what the resolver does
    assert project.mentioned_in(data) is sent


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(hypothesis.strategies.lists(hypothesis.strategies.sampled_from(
    ["from", "import", " ", "\t", "\n", "\\\n", "\x0b", ".", "..", "(", ",", "x", "_", "\u00e9",
     "FusedRMSNorm", "MyFusedRMSNorm", "triton", "amp", "modeling_t5", "t5", "pkg", "finegrained_fp8"]), max_size=30))
def test_the_one_pass_re_export_prefilter_is_its_definition(parts):
    """mentioned_in runs as one RE2 Set pass; it must say what its definition says with Python's
    regexes: a re-exported name as a word, and the exporting module's last part or a bare
    relative import."""
    from migrate.lang.python.project import BARE_RELATIVE, from_exports

    data = "".join(parts).encode()
    names = re.compile(rb"\b(?:FusedRMSNorm|triton|amp)\b")
    module = any(m in data for m in (b"modeling_t5", b"finegrained_fp8", b"pkg"))
    expected = names.search(data) is not None and (module or re.search(BARE_RELATIVE, data) is not None)
    assert from_exports(_EXPORTS).mentioned_in(data) is expected


def test_aliased_imports_are_still_resolved():
    """An import that hides the trigger word (`amp` for apex.amp) still makes its uses hits."""
    from migrate.core import migrate_file
    from migrate.settings import Settings

    src = b"from apex import amp\nfrom torch import nn\n\ndef setup(model, opt):\n    return amp.initialize(nn.Sequential(model), opt)\n"
    r = migrate_file("m.py", src, Settings())
    assert [(f.rule, f.line) for f in r.findings] == [("apex", 1), ("apex", 5)]


def test_hidden_trigger_answers_follow_what_the_name_is_bound_to():
    """The answer for an import that hides its trigger word is kept per (what it binds, local
    name) across files: `amp` from apex is a hit, `amp` from the project or another library is not,
    in whatever order the files come; relative imports (the project's own) are never rule input.
    (Each file mentions cuda in a comment, so every one is parsed.)"""
    from migrate.core import migrate_file
    from migrate.settings import Settings

    use = b"\n\ndef setup(model, opt):\n    return amp.initialize(model, opt)\n"
    cases = [
        (b"# cuda\nfrom mylib import amp" + use, []),
        (b"# cuda\nfrom apex import amp" + use, [("apex", 2), ("apex", 5)]),
        (b"# cuda\nfrom .apex import amp" + use, []),
        (b"# cuda\nfrom . import amp\nimport torch.cuda.amp as amp" + use,
         [("torch-cuda-api", 3), ("torch-cuda-unsupported", 6)]),
        (b"# cuda\nfrom mylib import amp" + use, []),
        (b"# cuda\nfrom ..utils import helper\nfrom apex import amp as amp" + use, [("apex", 3), ("apex", 6)]),
    ]
    for src, expected in cases * 2:
        r = migrate_file("m.py", src, Settings())
        assert sorted({(f.rule, f.line) for f in r.findings}) == expected, src


def test_api_rules_skip_names_under_none_of_their_roots_exactly():
    """The api rules' entry and cares() answers skip the pattern scan for a name whose first part
    starts none of the rule's patterns: the same answers as the scan, for every shipped rule, on
    names around every pattern (itself, its parents, children, look-alike prefixes)."""
    from migrate.ruleset import rules_for

    names = {"", "torch", "tor", "torchx", "torch_npu.npu", "transformers.utils.x", "apexx", "apex_C"}
    rules = [r for r in rules_for("python") if r.matcher == "api"]
    for r in rules:
        for entry in r.options.get("apis", ()):
            for pat in entry["match"]:
                base = pat[:-2] if pat.endswith(".*") else pat
                parts = base.split(".")
                names |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
                names |= {base + ".x", base + "x", base[:-1], "x." + base, base.upper()}
    api = matchers.get("api")
    for r in rules:
        for q in sorted(names):
            scan = next(((e, p) for e in r.options.get("apis", ()) for p in e["match"] if matchers.match_pattern(q, p)),
                        (None, None))
            assert matchers._find_entry(r, q) == scan, (r.id, q)
            cares = any(matchers.match_pattern(q, p) or (p[:-2] if p.endswith(".*") else p).startswith(q + ".")
                        for e in r.options.get("apis", ()) for p in e["match"])
            assert api._cares(r, q) is cares, (r.id, q)


_PIECES = ["cuda", "CUDA", "Cuda", "cud", "nccl", "NCCL", "nvidia_", "nvidia-smi", "__main__", "flash_attn",
           "Flash_Attn", "is_flash_attn_2_available(", "apex", "from apex import", "amp_C", "_apex", "xformers",
           "torch.compile", "re.compile", "from torch import compile", "triton", "__global__", "<<<", "thrust",
           "bitsandbytes", "bnb", "import ", "\n", " ", ".", "(", "_", "x", "\u00c0", "\u00ff", "\u00b5", "K", "\u212a",
           "torch", "compile", "from torch import", "import torch as", " as ", ")", ",", "#", "\\", "\t", "\x0b", "\r"]


@hypothesis.settings(max_examples=400, deadline=None)
@hypothesis.given(pieces=hypothesis.strategies.lists(hypothesis.strategies.sampled_from(_PIECES), max_size=40),
                  lang=hypothesis.strategies.sampled_from(["python", "cuda", "shell", "dockerfile"]))
def test_the_one_pass_prefilter_answers_as_the_word_by_word_one(pieces, lang):
    """prefilter.wants finds every trigger word in one RE2 Set pass. It must answer what lower-casing
    the bytes and looking for each word in turn answers, on any text, in UTF-8 or Latin-1 bytes
    (no non-ASCII letter may stand in for an ASCII one: KELVIN SIGN is not `k`)."""
    from migrate import prefilter
    from migrate.ruleset import rules_for

    rules = select(rules_for(lang))
    always, words, gated, *_ = prefilter._plan(rules)

    def word_by_word(data: bytes) -> bool:
        if always or not (words or gated):
            return True
        low = data.lower()
        return any(w in low for w in words) or any(
            any(w in low for w in trig) and re.search(pattern, low) is not None for trig, pattern in gated)

    text = "".join(pieces)
    for data in (text.encode("utf-8"), text.encode("latin-1", "replace")):
        assert prefilter.wants(data, rules) is word_by_word(data)


# The shipped prefilters as they were written for Python's `re`, with look-behinds and `\s`; the
# rules now hold RE2 forms of them (prefilter.gate_regex), which must find the same files.
_LOOK_BEHIND_FORMS = {
    "apex": rb"(?:apex|amp_c)(?<![a-z0-9_]apex)(?<![a-z0-9_]amp_c)",
    "flash-attn": rb"(?:flash_attn|xformers)(?<![a-z0-9_]flash_attn)(?<![a-z0-9_]xformers)",
    "torch-compile-backend": rb"torch(?:[\s\\]|#[^\n]*\n)*\.(?:[\s\\]|#[^\n]*\n)*compile|from[\s\\]+torch[\s\\]+"
                             rb"import[\s\\]*(?:\([^)]*|(?:[^\n\\]|\\[\s\S])*)(?<![a-z0-9_])compile(?![a-z0-9_])"
                             rb"|torch(?<![a-z0-9_]torch)[\s\\]+as\b",
}


_EDGES = ["from torch import nn,\\\ncompile", "from torch import nn, \\\n    compile as c", "from torch import (compile)",
          "from torch import (\n    nn,\n    compile,\n)", "from torch import compile", "from torch import compiler",
          "from torch import nn_compile", "from torch import nn\nx = re.compile(p)", "from torch import\tcompile",
          "from torch import\x0bcompile", "from torch import nn,compile", "from torch import (nn)\ncompile",
          "from torch \\\n import compile", "import torch as t", "import mytorch as t", "torch\\\n  .compile",
          "torch # c\n.compile", "x.torch as y", "_apex", "apex", "import amp_c", "my_flash_attn", "(xformers",
          "torchcompile", "from torch import compile\\"]


@hypothesis.settings(max_examples=600, deadline=None)
@hypothesis.given(pieces=hypothesis.strategies.lists(hypothesis.strategies.sampled_from(_PIECES + ["\\\n"]), max_size=30))
@hypothesis.example(pieces=_EDGES)
def test_the_re2_prefilters_find_what_their_look_behind_forms_find(pieces):
    from migrate import prefilter
    from migrate.ruleset import rules_by_id

    for data in ["".join(pieces).encode("utf-8").lower()] + [p.encode("utf-8") for p in pieces]:
        _same_files(data, prefilter, rules_by_id)


def _same_files(data, prefilter, rules_by_id):
    for rule_id, old in _LOOK_BEHIND_FORMS.items():
        rx = prefilter.gate_regex(rules_by_id()[rule_id])
        assert type(rx).__module__.startswith("re2")  # shipped: run in RE2
        assert (rx.search(data) is not None) is (re.search(old, data) is not None), (rule_id, data)


def test_every_shipped_prefilter_is_re2_syntax():
    from migrate import prefilter

    for r in all_rules():
        if r.prefilter:
            prefilter.gate_regex(r)  # raises on syntax RE2 does not read


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(
    text=hypothesis.strategies.text(alphabet="cudaCUDA_ntorchx.( )\n'\"", max_size=120),
    words=hypothesis.strategies.sets(hypothesis.strategies.sampled_from(
        ["cuda", "torch.cuda", "cudnn", "nccl", "amp", "tc", "cu", "da_", "to", "torch"]), min_size=1, max_size=6),
)
def test_word_hits_are_what_the_alternation_finds(text, words):
    """The Python handler finds trigger words with RE2; the spans must be exactly those of Python's
    regex alternation (longest first), overlaps and ties included."""
    from migrate.lang.python import word_hits

    low = text.lower().encode()
    rx = re.compile(b"|".join(re.escape(w.encode()) for w in sorted(words, key=len, reverse=True)))
    assert word_hits(low, {w.encode() for w in words}) == [m.span() for m in rx.finditer(low)]


def test_a_repo_rules_prefilter_runs_in_pythons_re():
    """A repo's own rule (extend-rules) may use what Python's `re` reads and RE2 does not (a
    look-behind): its prefilter still gates files."""
    import yaml

    from migrate import prefilter

    entry = yaml.safe_load(
        "id: team-to-gpu\ntitle: t\nlanguages: [python]\nmatcher: tensor-method\ntriggers: [to_gpu]\n"
        "prefilter: '(?<![a-z0-9_])to_gpu'\nseverity: error\nsafety: safe\neffort: trivial\nmessage: m\nwhy: w\n"
        "options: {methods: {to_gpu: to_npu}}\n")
    rule = parse_rule(entry, "tools/migrate/team.yaml")
    assert type(prefilter.gate_regex(rule)) is re.Pattern
    assert prefilter.wants(b"y = x.To_GPU()\n", (rule,))
    assert not prefilter.wants(b"y = x.my_to_gpu()\n", (rule,))
