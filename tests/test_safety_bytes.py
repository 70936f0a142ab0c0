"""Issue 6.1/6.2: every byte outside an edit stays; edits are written in the file's own encoding
and line endings; files we cannot read or parse are reported with a reason and left unchanged."""

from __future__ import annotations

import ast
import json

import pytest

from migrate.core import migrate_file
from migrate.settings import Settings

S = Settings()

TRAIN = (
    "import torch\n"
    "model = Net()\n"
    "model = model.cuda()\n"
    "x = torch.zeros(4, device='cuda:0')\n"
    "if __name__ == '__main__':\n"  # an entry script: torch_npu is imported here
    "    main(model, x)\n"
)


def run(data: bytes, path: str = "train.py"):
    return migrate_file(path, data, S)


def only_edits_changed(old: bytes, new: bytes, olds=(b".cuda()", b"'cuda:0'"), news=(b".npu()", b"'npu:0'"),
                       inserted=(b"import torch_npu",)) -> None:
    """Undo the known edits on `new` and compare with `old` byte for byte."""
    back = new
    for line in inserted:
        for nl in (b"\r\n", b"\n"):
            back = back.replace(line + nl, b"", 1) if line + nl in back else back
    for o, n in zip(olds, news):
        back = back.replace(n, o)
    assert back == old


def test_crlf_file_keeps_crlf_everywhere_including_the_inserted_import():
    data = TRAIN.replace("\n", "\r\n").encode()
    r = run(data)
    assert r.status == "changed"
    assert b"import torch_npu\r\n" in r.new_data
    assert r.new_data.count(b"\n") == r.new_data.count(b"\r\n")  # no bare LF introduced
    only_edits_changed(data, r.new_data)


def test_mixed_line_endings_each_line_keeps_its_own():
    main = b"if __name__ == '__main__':\n    run()\n"  # entry scripts get the torch_npu import
    data = b"import torch  # lf line\nimport os\r\nmodel = model.cuda()\r\ny = 1\n" + main
    r = run(data)
    # the import goes after `import torch`, an LF line, so it gets LF; CRLF lines stay CRLF
    assert r.new_data == b"import torch  # lf line\nimport torch_npu\nimport os\r\nmodel = model.npu()\r\ny = 1\n" + main
    data2 = b"import torch\r\nimport os\nx = t.cuda()\n" + main
    assert run(data2).new_data == b"import torch\r\nimport torch_npu\r\nimport os\nx = t.npu()\n" + main


def test_utf8_bom_kept_and_not_duplicated():
    data = b"\xef\xbb\xbf" + "# café\n".encode() + TRAIN.encode()
    r = run(data)
    assert r.new_data.startswith(b"\xef\xbb\xbf# caf\xc3\xa9\n")
    assert r.new_data.count(b"\xef\xbb\xbf") == 1
    only_edits_changed(data, r.new_data)


@pytest.mark.parametrize("cookie,encoding,comment", [
    ("# -*- coding: latin-1 -*-", "latin-1", "# Fran\u00e7ois wrote this, \u00a9 2019"),
    ("# coding: gbk", "gbk", "# \u8bad\u7ec3\u811a\u672c (training script)"),
    ("#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-15 :", "iso-8859-15", "# \u20ac price"),
])
def test_pep263_file_is_written_back_in_its_own_encoding(cookie, encoding, comment):
    src = f"{cookie}\n{comment}\n{TRAIN}s = '{comment[2:]}'\n"
    data = src.encode(encoding)
    r = run(data)
    assert r.status == "changed", r.reason
    # the output is still that encoding, byte for byte outside the edits
    assert r.new_data.decode(encoding).startswith(cookie)
    assert comment.encode(encoding) in r.new_data
    only_edits_changed(data, r.new_data)
    compile(r.new_data, "train.py", "exec")  # Python reads it with the cookie


def test_tabs_and_no_trailing_newline_kept():
    data = b"import torch\nif __name__ == '__main__':\n\tx = t.cuda()\n\ty = 1  \t# trailing ws"
    r = run(data)
    assert r.new_data == b"import torch\nimport torch_npu\nif __name__ == '__main__':\n\tx = t.npu()\n\ty = 1  \t# trailing ws"


def test_import_appended_to_a_one_line_file_without_newline():
    data = b"x = t.cuda()"  # no torch import: no torch_npu import needed (soft requirement)
    assert run(data).new_data == b"x = t.npu()"
    data = b"import torch"  # nothing to change: untouched
    assert run(data).status == "unchanged"


@pytest.mark.parametrize("data,why", [
    (b"import torch\x00\nx = t.cuda()\n", "NUL"),
    ("import torch\nx = t.cuda()\n".encode("utf-16"), "UTF-16"),
    ("import torch\nx = t.cuda()\n".encode("utf-32"), "UTF-32"),
    (b"import torch\n# \xff\xfe caf\xe9\nx = t.cuda()\n", "UTF-8"),
    (b"# coding: utf-42\nimport torch\nx = t.cuda()\n", "utf-42"),
    (b"# coding: utf-16\nimport torch\nx = t.cuda()\n", "utf-16"),
    (b"# coding: ascii\nimport torch\n# \xc3\xa9\nx = t.cuda()\n", "ascii"),
])
def test_unreadable_text_is_skipped_with_a_reason(data, why):
    r = run(data)
    assert r.status == "skipped"
    assert why in r.reason
    assert r.new_data is None


def test_utf16_without_trigger_words_is_still_reported():
    # the prefilter cannot see trigger words in UTF-16, so the check comes first
    r = run("import os\n".encode("utf-16"))
    assert r.status == "skipped"


@pytest.mark.parametrize("source,why", [
    ("import torch\nprint 'loss', loss\nmodel.cuda()\n", "Python 2"),
    ("import torch\nexec 'x = 1'\nmodel.cuda()\n", "Python 2"),
    ("import torch\ntry:\n    model.cuda()\nexcept Exception, e:\n    pass\n", "parse"),
    ("import torch\ndef f(x:\n    return x.cuda()\n", "parse"),
    ("import torch\nmodel = Net().cuda(\n", "parse"),  # half-written file
    ("import torch\nx = t.cuda()\ny = `x`\n", "parse"),  # Python 2 backticks
    ("import torch\r\rx = t.cuda()\r", "CR only"),
    # parses, but Python's compiler refuses it (the symbol table): no import of it could work
    ("import torch\nnonlocal step\nx = t.cuda()\n", "parse"),
    ("import torch\n\ndef train(rank):\n    global rank\n    return t.cuda(rank)\n", "parse"),
])
def test_unparseable_python_is_skipped_with_a_reason(source, why):
    r = run(source.encode())
    assert r.status == "skipped"
    assert why.lower() in r.reason.lower()
    assert "line" in r.reason or why == "CR only"
    assert r.new_data is None


def test_unparseable_files_are_copied_unchanged_and_listed_in_report_json(tmp_path, cli):
    src = tmp_path / "repo"
    src.mkdir()
    files = {
        "py2.py": b"import torch\nprint 'hi'\nx = t.cuda()\n",
        "broken.py": b"import torch\ndef f(:\n  x.cuda()\n",
        "blob.py": b"import torch\x00\x01x.cuda()",
        "latin.py": b"import torch\n# caf\xe9\nx = t.cuda()\n",  # no coding cookie: not UTF-8
        "ok.py": b"import torch\r\nx = t.cuda()\r\n",
    }
    for name, data in files.items():
        (src / name).write_bytes(data)
    out = tmp_path / "out"
    p = cli("run", src, "--out", out, "-q")
    assert p.returncode == 1, p.stderr
    for name, data in files.items():
        if name != "ok.py":
            assert (out / name).read_bytes() == data, name
    assert (out / "ok.py").read_bytes() == b"import torch\r\nx = t.npu()\r\n"
    report = json.loads((out / ".migrate/report/report.json").read_text())
    status = {f["path"]: (f["status"], f["reason"]) for f in report["files"]}
    for name in ("py2.py", "broken.py", "blob.py", "latin.py"):
        assert status[name][0] in ("skipped", "error") and status[name][1], name
    assert status["ok.py"][0] == "changed"


def test_output_parses_for_every_encoding_case():
    for data in (TRAIN.encode(), TRAIN.replace("\n", "\r\n").encode(), b"\xef\xbb\xbf" + TRAIN.encode()):
        new = run(data).new_data
        ast.parse(new)


@pytest.mark.parametrize("header,generated", [
    ("# Generated by the protocol buffer compiler.  DO NOT EDIT!\n# source: model.proto\n", True),
    ("# @generated by tools/gen_ops.py\n", True),
    ("# Autogenerated by Thrift Compiler (0.16.0)\n#\n# DO NOT EDIT UNLESS YOU ARE SURE THAT YOU KNOW WHAT YOU ARE DOING\n", True),
    ("# Generated by cookiecutter-pytorch; this is your code now\n", False),
    ("#                🚨🚨🚨 This file was automatically generated from modular_llama.py.\n"
     "#          Do NOT edit this file manually as any edits will be overwritten.\n", False),
    ('"""Training loop. DO NOT EDIT the defaults without telling the team."""\n', False),  # a docstring, not a header comment
])
def test_generated_files_are_listed_not_edited(header, generated):
    data = (header + TRAIN).encode()
    r = run(data)
    if generated:
        assert r.status == "skipped" and "generated" in r.reason and r.new_data is None
        assert r.findings and not any(f.fixed for f in r.findings)
        assert all("generated" in (f.note or "") for f in r.findings if f.edits)
    else:
        assert r.status == "changed", r.reason
