"""The report a user opens after `migrate run`: report.json against its schema, report.html
(self-contained, escaped, same numbers as report.json), report.md (tables intact) and the terminal
summary (80 columns, same numbers). Everything runs the real CLI over real trees."""

from __future__ import annotations

import html.parser
import json
import re
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, run_cli

SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text())

EVIL = "</script><script>alert(1)</script>"
HOSTILE = {
    # A real file with CUDA code and hostile strings: changed, with open findings, diff shown.
    "evil.py": (
        "import torch\n\n"
        f'BANNER = "{EVIL}"\n'
        "model = torch.nn.Linear(4, 4).cuda()\n"
        f'torch.cuda.nvtx.range_push("{EVIL}")\n'
    ),
    "<b>x.py": (
        "import torch\n"
        'x = torch.zeros(2, device="cuda")  # <img src=x onerror=alert(1)>\n'
        "torch.cuda.nvtx.range_pop()\n"
    ),
    "a|b.py": "import torch\ntorch.cuda.nvtx.range_pop()  # a | b in a comment\n",
    # Unparseable: skipped, listed under "files not migrated"; its name is rich markup.
    "[red]bad.py": "import torch\ndef f(:\n    torch.cuda.synchronize()\n",
    "c|d.py": "import torch\nx = (\n  torch.cuda.synchronize()\n",
}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag=None, **attrs):
        for n in self.iter():
            if (tag is None or n.tag == tag) and all(
                    (v is True and k.replace("_", "-") in n.attrs) or n.attrs.get(k.replace("_", "-")) == v
                    for k, v in attrs.items()):
                yield n

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


VOID = {"meta", "link", "input", "br", "img", "hr", "source", "wbr", "col", "area", "base", "embed", "track"}


class TreeBuilder(html.parser.HTMLParser):
    """A small DOM from the stdlib parser (it decodes entities in text and attributes)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#root", [])

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(text: str) -> Node:
    b = TreeBuilder()
    b.feed(text)
    b.close()
    return b.root


def num(text: str) -> float:
    return float(text.strip().split()[0].replace(",", ""))


def run_and_load(src: Path, out: Path, **env):
    p = run_cli("run", src, "--out", out, env=env or None)
    assert p.returncode in (0, 1), p.stderr
    d = out / ".migrate" / "report"
    assert {f.name: f.stat().st_mode & 0o777 for f in d.iterdir()} == dict.fromkeys(
        ["report.json", "report.md", "report.html", "migration.patch", "change_list.csv", "unsupported_api.csv"], 0o644)
    return p, json.loads((d / "report.json").read_text()), (d / "report.html").read_text(), (d / "report.md").read_text()


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("hf") / "out"
    return run_and_load(ROOT / "corpus" / "hf-model" / "input", out, COLUMNS="80")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    src = base / "src"
    src.mkdir()
    for name, text in HOSTILE.items():
        (src / name).write_text(text)
    return run_and_load(src, base / "out", COLUMNS="80")


# ------------------------------------------------------------------------------------ report.json

def test_schema_itself_is_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_corpus_report_json_matches_schema(corpus_run):
    _, report, _, _ = corpus_run
    jsonschema.validate(report, SCHEMA)
    assert report["findings"] and report["files"] and report["diffs"]


def test_hostile_report_json_matches_schema(hostile_run):
    _, report, _, _ = hostile_run
    jsonschema.validate(report, SCHEMA)
    assert {f["path"]: f["status"] for f in report["files"]}["[red]bad.py"] == "skipped"


@pytest.mark.parametrize("breakage", [
    lambda r: r["files"][0].pop("status"),
    lambda r: r["findings"][0].update(severity="fatal"),
    lambda r: r["findings"][0].update(line=0),
    lambda r: r["summary"].update(undocumented_count=1),
    lambda r: r.update(schema_version="0.9"),
    lambda r: r["kernels"].append({"path": "k.cu", "name": "add"}),
])
def test_schema_rejects_reports_that_break_the_contract(corpus_run, breakage):
    report = json.loads(json.dumps(corpus_run[1]))
    breakage(report)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, SCHEMA)


def test_summary_counts_agree_with_lists(corpus_run):
    _, r, _, _ = corpus_run
    s = r["summary"]
    assert s["files_changed"] + s["files_unchanged"] + s["files_skipped"] + s["files_error"] == s["files_scanned"]
    assert s["fixes_applied"] == sum(f["fixed"] for f in r["findings"])
    assert s["open_findings"] == sum(not f["fixed"] for f in r["findings"]) == sum(s["open_by_severity"].values())
    assert s["effort_hours"] == pytest.approx(sum(row["hours"] for row in s["effort_breakdown"]))
    assert sum(row["count"] for row in s["effort_breakdown"] if row["source"] == "findings") == s["open_findings"]
    for f in r["files"]:
        mine = [x for x in r["findings"] if x["path"] == f["path"]]
        assert (f["fixes"], f["open"]) == (sum(x["fixed"] for x in mine), sum(not x["fixed"] for x in mine))


# ------------------------------------------------------------------------------------ report.html

def test_html_numbers_equal_report_json(corpus_run):
    _, r, text, _ = corpus_run
    s = r["summary"]
    doc = parse(text)
    cards = {n.attrs["data-key"]: n for n in doc.find_all(data_key=True)}
    for key in ("files_scanned", "files_changed", "files_skipped", "files_error", "fixes_applied", "open_findings",
                "effort_hours"):
        value = next(n for n in cards[key].find_all("div") if "value" in n.classes())
        assert num(value.text()) == pytest.approx(s[key]), key
    for sev, n in s["open_by_severity"].items():
        assert num(cards[f"open_by_severity.{sev}"].text().split()[-1]) == n
    # Effort table: each row, and the total.
    effort = next(doc.find_all("section", id="effort"))
    rows = [[c.text().strip() for c in tr.find_all("td")] for tr in effort.find_all("tr") if list(tr.find_all("td"))]
    assert [(row[1], num(row[2]), num(row[4])) for row in rows[:-1]] == \
        [(b["effort"], b["count"], b["hours"]) for b in s["effort_breakdown"]]
    assert rows[-1][0] == "total" and num(rows[-1][-1]) == pytest.approx(s["effort_hours"])
    # Rules table: fixed/open per rule.
    for rid, c in s["by_rule"].items():
        tr = next(doc.find_all("tr", id=f"rule-{rid}"))
        cells = [td.text().strip() for td in tr.find_all("td")]
        assert cells[3] == (f"{c['fixed']:,}" if c["fixed"] else "–") and cells[4] == (f"{c['open']:,}" if c["open"] else "–")
    # Top unsupported APIs.
    unsupported = next(doc.find_all("section", id="unsupported"))
    got = [(tr.find_all("code").__next__().text(), int(list(tr.find_all("td"))[1].text())) for tr in unsupported.find_all("tr")
           if list(tr.find_all("td"))]
    assert got == [(x["api"], x["count"]) for x in s["top_unsupported"]]


def test_html_lists_every_open_finding_inline_per_file(corpus_run):
    _, r, text, _ = corpus_run
    doc = parse(text)
    sections = {d.attrs["data-path"]: d for d in doc.find_all("details") if "file" in d.classes()}
    assert set(sections) >= {f["path"] for f in r["files"]} | set(r["diffs"])
    for path, d in sections.items():
        assert "open" not in d.attrs  # collapsed by default: readable with thousands of files
        want = sorted((f["line"], f["rule"]) for f in r["findings"] if f["path"] == path and not f["fixed"])
        rows = [tr for tr in d.find_all("tr") if list(tr.find_all("td"))]
        got = sorted((int(list(tr.find_all("td"))[0].text().split(":")[0]), list(tr.find_all("td"))[1].text().strip())
                     for tr in rows)
        assert got == want, path
        assert d.attrs["data-open"] == str(len(want))
        if path in r["diffs"]:
            pre = next(d.find_all("pre"))
            added = [n.text() for n in pre.find_all("span") if "add" in n.classes()]
            assert added == [line for line in r["diffs"][path].splitlines() if line.startswith("+") and not line.startswith("+++")]


def test_html_rule_docs_come_from_the_rules(corpus_run):
    _, r, text, _ = corpus_run
    doc = parse(text)
    for rid, rule in r["rules"].items():
        tr = next(doc.find_all("tr", id=f"rule-{rid}"))
        body = tr.text()
        assert rule["title"].replace("`", "") in body
        if rule["example"]:
            pres = [p.text() for p in tr.find_all("pre")]
            assert pres[0] == rule["example"]["before"]
            if rule["example"]["after"] is not None:
                assert pres[1] == rule["example"]["after"]


def test_html_escapes_everything_from_the_repo(hostile_run):
    _, r, text, _ = hostile_run
    # Exactly one script element: ours. The repo's "</script><script>" stays text.
    assert text.count("<script") == 1 and "alert(1)</script>" not in text
    assert "<b>x.py" not in text and "<img src=x" not in text
    doc = parse(text)
    scripts = list(doc.find_all("script"))
    assert len(scripts) == 1 and "alert" not in scripts[0].text()
    assert not list(doc.find_all("img"))
    sections = {d.attrs["data-path"]: d for d in doc.find_all("details") if "file" in d.classes()}
    assert {"<b>x.py", "evil.py", "a|b.py"} <= set(sections)
    assert next(n for n in sections["<b>x.py"].find_all("span") if "path" in n.classes()).text() == "<b>x.py"
    evil_diff = next(sections["evil.py"].find_all("pre")).text()
    assert EVIL in evil_diff  # shown as the text it is
    findings_text = " ".join(tr.text() for tr in sections["evil.py"].find_all("tr"))
    assert "torch.cuda.nvtx.range_push" in findings_text
    not_migrated = next(doc.find_all("section", id="not-migrated")).text()
    assert "[red]bad.py" in not_migrated and "does not parse" in not_migrated


# The diff spans as the template wrote them before render.diff_html took the loop over.
_DIFF_LOOP = ('{% for kind, old, new, text in f.diff if kind != "meta" %}<span class="{{ kind }}"'
              '{% if old in f.linked_lines %} id="{{ f.anchor }}-L{{ old }}"{% endif %}>'
              '<i data-n="{{ old if old is not none else \'\' }}"></i><i data-n="{{ new if new is not none else \'\' }}"></i>'
              '{{ text }}</span>{% endfor %}')


@pytest.mark.parametrize("which", ["corpus_run", "hostile_run"])
def test_html_diff_spans_escape_and_link_lines(which, request):
    import jinja2

    from migrate.report import model, render

    _, r, text, _ = request.getfixturevalue(which)
    loop = jinja2.Environment(autoescape=True).from_string(_DIFF_LOOP)
    sections = [f for f in model.view(r)["files"] if f["diff"]]
    assert sections
    for f in sections:
        spans = render.diff_html(f)
        assert spans == loop.render(f=f)
        assert f'<pre class="diff">{spans}</pre>' in text
    linked = [f for f in sections if f["linked_lines"]]
    assert linked  # findings on changed lines link to them
    for f in linked:
        for n in f["linked_lines"]:
            assert f' id="{f["anchor"]}-L{n}"' in text


RESOURCE_ATTRS = {"src", "srcset", "poster", "data", "action", "background", "formaction"}


@pytest.mark.parametrize("which", ["corpus_run", "hostile_run"])
def test_html_is_self_contained(which, request):
    _, _, text, _ = request.getfixturevalue(which)
    doc = parse(text)
    for n in doc.find_all():
        assert n.tag not in ("link", "iframe", "object", "embed", "img", "base"), n.tag
        for k, v in n.attrs.items():
            if k in RESOURCE_ATTRS or (k == "href" and n.tag != "a"):
                assert not re.match(r"\s*(https?:)?//", v or ""), (n.tag, k, v)
        if n.tag == "script":
            assert "src" not in n.attrs
            assert not re.search(r"fetch\(|XMLHttpRequest|import\(|https?://", n.text())
    style = "".join(s.text() for s in doc.find_all("style"))
    assert "url(" not in style and "@import" not in style and "@font-face" not in style


def test_html_essentials_need_no_js(corpus_run):
    _, r, text, _ = corpus_run
    without_js = re.sub(r"<script>.*?</script>", "", text, flags=re.S)
    doc = parse(without_js)
    for sid in ("summary", "effort", "rules", "unsupported", "kernels", "files", "not-migrated"):
        assert list(doc.find_all("section", id=sid)), sid
    toolbar = next(doc.find_all(id="toolbar"))
    assert "hidden" in toolbar.attrs  # the filter box appears only when JS runs
    assert f"{r['summary']['open_findings']:,}" in next(doc.find_all(data_key="open_findings")).text()


def test_saved_report_json_renders_the_same(corpus_run, tmp_path):
    from migrate.report import render

    _, r, text, md = corpus_run
    assert render.html(r) == text
    assert render.markdown(r) == md


def test_templates_compiled_ahead_are_current_and_render_as_their_sources(corpus_run, tmp_path, monkeypatch):
    """migrate/data/templates is compiled from today's templates (scripts/gen_compiled_templates.py)
    and renders the same bytes as the sources; an edited template, or another jinja2 version,
    is compiled from its source instead."""
    import shutil
    import subprocess
    import sys

    import jinja2

    from migrate import resources, templating
    from migrate.lang.cuda import ascendc
    from migrate.report import render

    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_compiled_templates.py"), "--check"])
    assert check.returncode == 0, "migrate/data/templates is stale: run python scripts/gen_compiled_templates.py"
    _, r, text, md = corpus_run

    def fresh_envs():
        render._env.cache_clear()
        ascendc._env.cache_clear()
        return render._env(False), render._env(True), ascendc._env()

    try:
        assert all(isinstance(e.loader, jinja2.ModuleLoader) for e in fresh_envs())
        assert render.html(r) == text and render.markdown(r) == md
        with monkeypatch.context() as m:  # no compiled set at all: the sources, the same bytes
            m.setattr(templating, "compiled_dir", lambda: tmp_path / "none")
            assert all(isinstance(e.loader, jinja2.FileSystemLoader) for e in fresh_envs())
            assert render.html(r) == text and render.markdown(r) == md
        with monkeypatch.context() as m:
            m.setattr(jinja2, "__version__", "3.0.0")
            assert all(isinstance(e.loader, jinja2.FileSystemLoader) for e in fresh_envs())
        own = tmp_path / "templates"
        shutil.copytree(resources.resource_dir("templates"), own)
        (own / "report" / "report.md.j2").write_text((own / "report" / "report.md.j2").read_text() + "EDITED\n")
        real = resources.resource_dir
        monkeypatch.setattr(templating, "resource_dir", lambda name: own if name == "templates" else real(name))
        md_env, html_env, ascendc_env = fresh_envs()
        assert isinstance(md_env.loader, jinja2.FileSystemLoader)  # its source changed
        assert isinstance(html_env.loader, jinja2.ModuleLoader) and isinstance(ascendc_env.loader, jinja2.ModuleLoader)
        assert render.markdown(r) == md + "EDITED\n"
    finally:
        render._env.cache_clear()
        ascendc._env.cache_clear()


# ------------------------------------------------------------------------------------ kernels

def _kernel_report(kernels):
    from migrate.model import FileResult
    from migrate.report import model
    from migrate.settings import Settings

    results = [FileResult("csrc/add_kernel.cu", "cuda", "unchanged", lines=40, kernels=kernels)]
    return model.build(results, Settings(), root_name="ext")


def test_kernels_render_with_whatever_keys_exist():
    from migrate.report import render

    kernels = [
        {"path": "csrc/add_kernel.cu", "line": 12, "name": "add_kernel", "constructs": ["threadIdx", "blockIdx"],
         "effort": "low", "generated": "ascend/add_kernel.cpp", "complete": True},
        {"path": "csrc/add_kernel.cu", "line": 30, "name": "scan<float>", "constructs": ["__shared__", "atomicAdd"],
         "effort": "high", "generated": None, "complete": False, "reason": "warp shuffles"},
    ]
    r = _kernel_report(kernels)
    jsonschema.validate(json.loads(json.dumps(r)), SCHEMA)
    assert r["summary"]["effort_breakdown"] == [
        {"source": "kernels", "effort": "high", "count": 1, "hours_each": 8.0, "hours": 8.0}]
    assert r["summary"]["effort_hours"] == 8.0
    doc = parse(render.html(r))
    section = next(doc.find_all("section", id="kernels"))
    heads = [th.text() for th in section.find_all("th")]
    assert heads == ["name", "path", "line", "constructs", "effort", "complete", "generated", "reason"]
    rows = [[td.text().strip() for td in tr.find_all("td")] for tr in section.find_all("tr") if list(tr.find_all("td"))]
    assert rows[1][0] == "scan<float>" and rows[1][5] == "needs work" and rows[1][-1] == "warp shuffles"
    assert rows[0][5] == "complete" and rows[0][6] == "ascend/add_kernel.cpp"
    md = render.markdown(r)
    assert "| scan&lt;float> | csrc/add_kernel.cu | 30 | __shared__, atomicAdd | high | no |  | warp shuffles |" in md
    _check_md_tables(md)


def test_no_kernels_renders_a_note():
    from migrate.report import render

    r = _kernel_report([])
    assert "No CUDA kernels" in next(parse(render.html(r)).find_all("section", id="kernels")).text()
    assert "No CUDA kernels" in render.markdown(r)


# ------------------------------------------------------------------------------------ report.md

def _check_md_tables(md: str) -> int:
    """Every GFM table row has as many cells as its header: no stray `|` broke a row."""
    tables = 0
    cells = None
    for line in md.splitlines():
        if line.startswith("|"):
            n = len(re.findall(r"(?<!\\)\|", line)) - 1
            if cells is None:
                cells, tables = n, tables + 1
            assert n == cells, line
        else:
            cells = None
    return tables


def test_markdown_tables_escape_pipes(hostile_run):
    _, r, _, md = hostile_run
    assert _check_md_tables(md) >= 4
    assert "### `a|b.py`" in md
    assert "| `[red]bad.py` | skipped |" in md
    assert "| `c\\|d.py` | skipped |" in md
    assert "<b>x.py" not in md.replace("`<b>x.py`", "")  # only ever inside a code span
    assert EVIL not in md.replace(f"`{EVIL}`", "")


def test_markdown_has_the_report_content(corpus_run):
    _, r, _, md = corpus_run
    s = r["summary"]
    assert _check_md_tables(md) >= 5
    assert f"| fixes applied | {s['fixes_applied']:,} |" in md
    assert f"| estimated effort | {s['effort_hours']:g} person-hours |" in md
    for rid, c in s["by_rule"].items():
        assert re.search(rf"^\| \[{re.escape(rid)}\]\(#{re.escape(rid)}\) \|.*\| {c['fixed'] or ''} \| {c['open'] or ''} \|$", md, re.M), rid
        assert f"\n### {rid}\n" in md  # the anchor the links point to
    for x in s["top_unsupported"]:
        assert f"| `{x['api']}` | {x['count']} |" in md
    for f in r["findings"]:
        if not f["fixed"]:
            assert re.search(rf"^\| {f['line']} \| \[{re.escape(f['rule'])}\]", md, re.M)
    for path in {f["path"] for f in r["findings"] if not f["fixed"]}:
        assert f"### `{path}`" in md


# ------------------------------------------------------------------------------------ terminal

def test_terminal_summary_fits_80_columns_and_matches_report(corpus_run, hostile_run):
    for p, r, _, _ in (corpus_run, hostile_run):
        s = r["summary"]
        lines = p.stdout.splitlines()
        assert max(len(line.rstrip()) for line in lines) <= 80, p.stdout
        assert re.search(rf"files scanned\s+{s['files_scanned']:,} \({s['lines_scanned']:,} lines\)", p.stdout)
        assert re.search(rf"fixes applied\s+{s['fixes_applied']:,}\b", p.stdout)
        assert re.search(rf"open findings\s+{s['open_findings']:,}\b", p.stdout)
        assert re.search(rf"estimated effort\s+{s['effort_hours']:g} person-hours", p.stdout)
        for row in s["effort_breakdown"]:
            assert re.search(rf"\b{row['count']:,} {row['effort']} {row['hours']:g}h\b", p.stdout), row
        for rid, c in s["by_rule"].items():
            assert re.search(rf"^\s*{re.escape(rid)}\s+\w+\s+\w+\s+{c['fixed'] or ''}\s*{c['open'] or ''}\s*$", p.stdout, re.M), rid
    hostile = hostile_run[0].stdout
    assert "[red]bad.py" in hostile and "skipped" in hostile


# ------------------------------------------------------------------------------------ a real browser

CHROMIUM = next((c for c in ("chromium", "chromium-browser", "google-chrome") if __import__("shutil").which(c)), None)


def _browser_dom(page: Path, fragment: str, profile: Path) -> Node:
    import subprocess

    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
         "--virtual-time-budget=2000", "--dump-dom", page.as_uri() + fragment],
        capture_output=True, text=True, timeout=120).stdout
    return parse(dom)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (apt-get install chromium)")
def test_html_script_runs_in_a_real_browser(hostile_run, tmp_path):
    """The inline JS shows the filter box, counts the files, and opens what a link points to."""
    _, _, text, _ = hostile_run
    page = tmp_path / "report.html"
    page.write_text(text)
    doc = _browser_dom(page, "#file-evil.py", tmp_path / "profile")
    assert "hidden" not in next(doc.find_all(id="toolbar")).attrs
    assert next(doc.find_all(id="shown")).text() == "5 of 5 files"
    opened = [d.attrs["data-path"] for d in doc.find_all("details") if "file" in d.classes() and "open" in d.attrs]
    assert opened == ["evil.py"]
    doc = _browser_dom(page, "#rule-torch-cuda-unsupported", tmp_path / "profile")
    opened = [d.parent.parent.attrs.get("id") for d in doc.find_all("details") if "open" in d.attrs]
    assert opened == ["rule-torch-cuda-unsupported"]  # the rule's docs, from a finding's rule link
