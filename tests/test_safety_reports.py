"""Issue 6.6: reports are safe to open. Written against the files `migrate run` produces, so the
checks hold whatever the templates become: repo text is escaped in HTML, the HTML loads nothing
from the network, and no report embeds absolute paths of this machine."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

EVIL = "<script>alert('x')</script>"
EVIL_NAME = "<img src=x onerror=alert(1)>.py"
# Code whose findings stay open (tf32 flags are advice for a person), so the HTML shows the file.
CODE = (
    "import torch\n"
    f"BANNER = \"{EVIL}\"  # {EVIL}\n"
    "torch.backends.cuda.matmul.allow_tf32 = True\n"
    "model = Net().cuda()\n"
)


class Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.script_text if self._in_script else self.text).append(data)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    from tests.conftest import run_cli

    base = tmp_path_factory.mktemp("rep")
    src = base / "evil<b>repo"
    src.mkdir()
    (src / EVIL_NAME).write_text(CODE)
    (src / "train.py").write_text(CODE)
    (src / "py2.py").write_text(f"import torch\nprint '{EVIL}'\nx.cuda()\n")
    out = base / "out"
    p = run_cli("run", src, "--out", out, "-q")
    assert p.returncode == 1, p.stderr
    d = out / ".migrate" / "report"
    return {"dir": d, "src": src, "out": out, "base": base,
            "json": json.loads((d / "report.json").read_text(encoding="utf-8"))}


def test_report_json_keeps_the_evil_name_as_data(reports):
    paths = {f["path"] for f in reports["json"]["files"]}
    assert EVIL_NAME in paths  # so the HTML has it to show, and must escape it


def test_html_escapes_code_and_file_names(reports):
    html = (reports["dir"] / "report.html").read_text(encoding="utf-8")
    scan = Scan()
    scan.feed(html)
    # nothing from the repo became markup: no <img>, no <b>, no script carrying the payload
    assert not [t for t, a in scan.tags if t == "img"]
    assert not any("alert" in s for s in scan.script_text)
    assert not any(k.startswith("on") for _, a in scan.tags for k in a)
    assert EVIL not in html and EVIL_NAME not in html and "<b>repo" not in html
    # ...and the text is still there for the reader, as text
    text = "".join(scan.text)
    assert EVIL_NAME in text


def test_html_needs_no_network(reports):
    html = (reports["dir"] / "report.html").read_text(encoding="utf-8")
    scan = Scan()
    scan.feed(html)
    for tag, attrs in scan.tags:
        for attr in ("src", "href", "data", "action", "poster", "srcset"):
            v = (attrs.get(attr) or "").strip().lower()
            if tag == "a" and attr == "href":
                continue  # a link the reader may click is fine; nothing loads by itself
            assert not re.match(r"^(https?:)?//", v), (tag, attr, v)
        if tag == "link":
            assert not re.match(r"^(https?:)?//", (attrs.get("href") or "").lower()), attrs
    assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)


def test_no_report_embeds_absolute_paths(reports):
    needles = {str(reports["base"]), str(reports["src"]), str(reports["out"]), str(Path.home())}
    needles.discard("/")
    needles.discard("/root") if False else None
    for f in sorted(reports["dir"].iterdir()):
        data = f.read_text(encoding="utf-8", errors="replace")
        for n in needles:
            if n in ("/", ""):
                continue
            assert n not in data, f"{f.name} embeds {n}"


def test_markdown_does_not_turn_repo_text_into_html(reports):
    md = (reports["dir"] / "report.md").read_text(encoding="utf-8")
    # A Markdown viewer renders raw HTML: a file name or code must not arrive as live tags.
    # Inside code spans and fences the text is shown literally; everywhere else `<` must be escaped.
    prose = re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", md)  # fenced blocks
    prose = re.sub(r"(`+)(.+?)\1", "", prose, flags=re.S)  # code spans
    assert "<img" not in prose and "<script" not in prose and "<b>" not in prose
    assert EVIL_NAME in md  # still there for the reader, inside a code span
