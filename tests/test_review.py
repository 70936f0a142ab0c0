"""`migrate review`: every key driven through Textual's pilot (headless), checking the bytes on disk.

The repos are real corpus inputs copied into tmp_path and committed to a real git repo, so
`git diff` shows what a user would see after the review.
"""

from __future__ import annotations

import asyncio
import io
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from migrate.core import migrate_file
from migrate.review.app import ExplainScreen, HelpScreen, ReviewApp
from migrate.review.model import ACCEPTED, SKIPPED, Session, change_key
from migrate.settings import Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SETTINGS = Settings()


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def make_repo(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(CORPUS / name / "input", root)
    git(root, "init", "-q")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "input")
    return root


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path, "ddp-amp-trainer")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def drive(session: Session, keys, size=(80, 24), target=None):
    """Run the app headless, press `keys`, and return the app once it has exited (or the keys ran out)."""
    app = ReviewApp(session, target=target)

    async def go():
        async with app.run_test(size=size) as pilot:
            for k in keys:
                await pilot.press(k)
            await pilot.pause()
            app.seen_footer = str(app.query_one("#footer").content) if app.is_running else ""
            app.seen_screen = app.screen

    asyncio.run(go())
    return app


def expected_bytes(session: Session, path: str, accepted: set) -> bytes:
    fr = next(f for f in session.files if f.path == path)
    r = migrate_file(path, fr.data, SETTINGS, project=session.project,
                     accept=lambda f: change_key(path, f) in accepted)
    return r.new_data if r.status == "changed" else fr.data


def assert_disk_matches_decisions(root: Path, session: Session, before: dict[str, bytes]):
    """Every file on disk is exactly migrate_file(..., accept=<accepted keys>) of its original bytes."""
    now = snapshot(root)
    for rel, data in before.items():
        fr = next((f for f in session.files if f.path == rel), None)
        if fr is None or not session.accepted_keys(fr):
            assert now[rel] == data, f"{rel} changed though nothing in it was accepted"
        else:
            assert now[rel] == expected_bytes(session, rel, session.accepted_keys(fr)), rel
    assert not [p for p in now if p.endswith(".migrate-tmp")], "a temp file was left behind"


def load(root: Path) -> Session:
    return Session.load(root, SETTINGS, jobs=1)


def test_session_lists_changes_and_open_findings(repo):
    s = load(repo)
    assert [f.path for f in s.files] == ["benchmark.py", "dist_utils.py", "main.py"]
    main = s.files[2]
    assert len(main.changes) >= 10 and main.open
    assert all(c.hunks and c.hunks[0].old != c.hunks[0].new for c in main.changes)
    assert len({c.key for f in s.files for c in f.changes}) == sum(len(f.changes) for f in s.files)
    # keys are stable: a second load yields the same keys
    assert [c.key for c in load(repo).files[2].changes] == [c.key for c in main.changes]


def test_y_and_n_write_exactly_the_accepted_changes(repo):
    before = snapshot(repo)
    s = load(repo)
    bench = s.files[0]
    c1, c2, c3 = bench.changes[:3]
    app = drive(s, ["y", "n", "y", "q"])
    assert app.return_value[0] == "written"
    assert s.decisions == {c1.key: ACCEPTED, c2.key: SKIPPED, c3.key: ACCEPTED}
    assert_disk_matches_decisions(repo, s, before)
    diff = git(repo, "diff", "-U0")
    plus = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    minus = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    want_plus = ["+" + h.new[0].rstrip("\n") for c in (c1, c3) for h in c.hunks]
    auto = ["+" + line.rstrip("\n") for h in bench.auto for line in h.new]
    assert auto == ["+import torch_npu"]  # c3 (torch.npu...) needs it; the model shows it as automatic
    assert sorted(plus) == sorted(want_plus + auto)
    assert minus == ["-" + h.old[0].rstrip("\n") for c in (c1, c3) for h in c.hunks]
    assert git(repo, "diff", "--name-only").split() == ["benchmark.py"]


def test_a_accepts_the_rest_of_the_file_and_moves_on(repo):
    before = snapshot(repo)
    s = load(repo)
    bench, dist = s.files[0], s.files[1]
    app = drive(s, ["n", "a"])
    assert (app.fi, app.ci) == (1, 0)  # on to the next file
    assert s.state(bench.changes[0]) is SKIPPED
    assert all(s.state(c) is ACCEPTED for c in bench.changes[1:])
    assert all(s.state(c) is None for c in dist.changes)
    assert snapshot(repo) == before  # nothing written before q
    drive(s, ["q"])
    assert_disk_matches_decisions(repo, s, before)
    assert git(repo, "diff", "--name-only").split() == ["benchmark.py"]


def test_d_skips_the_rest_of_the_file(repo):
    before = snapshot(repo)
    s = load(repo)
    bench, dist = s.files[0], s.files[1]
    app = drive(s, ["y", "d", "y", "q"])
    assert app.return_value[0] == "written"
    assert s.state(bench.changes[0]) is ACCEPTED
    assert all(s.state(c) is SKIPPED for c in bench.changes[1:])
    assert s.state(dist.changes[0]) is ACCEPTED
    assert_disk_matches_decisions(repo, s, before)
    assert sorted(git(repo, "diff", "--name-only").split()) == ["benchmark.py", "dist_utils.py"]


def test_A_accepts_every_change_of_the_rule_in_all_files(repo):
    before = snapshot(repo)
    s = load(repo)
    assert s.files[1].changes[2].rule == "torch-cuda-api"
    app = drive(s, ["J", "j", "j", "A", "q"])
    rule_changes = [c for f in s.files for c in f.changes if c.rule == "torch-cuda-api"]
    assert {c.path for c in rule_changes} == {"benchmark.py", "dist_utils.py", "main.py"}
    assert all(s.state(c) is ACCEPTED for c in rule_changes)
    assert all(s.state(c) is None for f in s.files for c in f.changes if c.rule != "torch-cuda-api")
    assert app.return_value[0] == "written"
    assert_disk_matches_decisions(repo, s, before)
    assert sorted(git(repo, "diff", "--name-only").split()) == ["benchmark.py", "dist_utils.py", "main.py"]
    added = "\n".join(line for line in git(repo, "diff").splitlines() if line.startswith("+"))
    assert "torch.npu." in added and "HCCL_" not in added and "'hccl'" not in added  # other rules: not accepted


def test_A_keeps_explicit_skips(repo):
    s = load(repo)
    rule = s.files[1].changes[0].rule
    first, second = [c for c in s.files[1].changes if c.rule == rule][:2]
    drive(s, ["J", "n", "A"])  # skip the first env-var-rename, then accept the rule from the next one
    assert s.state(first) is SKIPPED and s.state(second) is ACCEPTED


def test_u_undoes_one_action_at_a_time(repo):
    before = snapshot(repo)
    s = load(repo)
    bench = s.files[0]
    app = drive(s, ["y", "y", "u"])
    assert s.state(bench.changes[0]) is ACCEPTED and s.state(bench.changes[1]) is None
    assert (app.fi, app.ci) == (0, 1)  # back on the undone change
    drive(s, ["a", "u", "u", "n", "q"])  # undo a whole `a`, then the first y
    assert s.state(bench.changes[0]) is SKIPPED
    assert all(s.state(c) is None for c in bench.changes[1:])
    assert snapshot(repo) == before  # nothing accepted: nothing written
    app = drive(load(repo), ["u"])
    assert "nothing to undo" in app.seen_footer


def test_j_k_J_K_tab_move_the_cursor_and_y_decides_the_change_under_it(repo):
    before = snapshot(repo)
    s = load(repo)
    app = drive(s, ["j", "j", "k"])
    assert (app.fi, app.ci) == (0, 1)
    app = drive(s, ["J"])
    assert (app.fi, app.ci) == (1, 0)
    app = drive(s, ["J", "J", "K"])
    assert (app.fi, app.ci) == (1, 0)
    app = drive(s, ["tab", "tab", "shift+tab"])
    assert (app.fi, app.ci) == (1, 0)
    app = drive(s, ["K"])  # wraps to the last file
    assert app.fi == len(s.files) - 1
    n_bench = len(s.files[0].changes)
    app = drive(s, ["j"] * n_bench)  # j crosses into the next file
    assert (app.fi, app.ci) == (1, 0)
    drive(s, ["j", "j", "y", "q"])
    assert [k for k, v in s.decisions.items() if v is ACCEPTED] == [s.files[0].changes[2].key]
    assert_disk_matches_decisions(repo, s, before)


def test_question_mark_opens_help_and_any_key_closes_it_without_deciding(repo):
    s = load(repo)
    app = drive(s, ["question_mark"])
    assert isinstance(app.seen_screen, HelpScreen)
    app = drive(s, ["question_mark", "y"])
    assert not isinstance(app.seen_screen, HelpScreen)
    assert s.decisions == {}


def test_w_explains_the_current_change_on_the_whole_screen_at_80x24(repo):
    """The details panel shows only the start at 80x24; `w` shows all of it: why and the example."""
    s = load(repo)
    app = ReviewApp(s)

    async def go():
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("j")
            await pilot.press("w")
            await pilot.pause()
            screen = app.screen
            shown = str(screen.query_one("#explain-text").content) if isinstance(screen, ExplainScreen) else ""
            region = screen.query_one("#explain").scrollable_content_region if shown else None
            if region is not None:  # the rows as laid out on screen (the why wraps)
                from rich.console import Console

                con = Console(width=region.width, record=True, file=io.StringIO())
                con.print(screen.query_one("#explain-text").content)
                shown, visible = con.export_text(), region.height
            await pilot.press("pagedown")  # scrolls, does not close
            still = isinstance(app.screen, ExplainScreen)
            await pilot.press("y")  # any other key closes, and does nothing else
            await pilot.pause()
            return shown, visible, still, isinstance(app.screen, ExplainScreen), (app.fi, app.ci)

    shown, visible, still, after, cursor = asyncio.run(go())
    c = s.files[0].changes[1]
    assert shown.startswith(c.rule) and f"benchmark.py:{c.line}" in shown
    assert "Why:" in shown and "Example (" in shown and f"Docs: migrate explain {c.rule}" in shown
    example_at = next(i for i, line in enumerate(shown.splitlines()) if line.startswith("Example ("))
    assert example_at + 2 < visible <= 22  # the example is on screen without scrolling
    assert still and not after
    assert s.decisions == {} and cursor == (0, 1)


def test_q_writes_atomically_keeps_mode_and_a_second_q_changes_nothing(repo):
    os.chmod(repo / "benchmark.py", 0o755)
    before = snapshot(repo)
    s = load(repo)
    app = drive(s, ["a", "q", "q"])
    assert app.return_value[0] == "written"
    assert app.return_value[1].written == ["benchmark.py"]
    assert os.stat(repo / "benchmark.py").st_mode & 0o777 == 0o755
    assert_disk_matches_decisions(repo, s, before)
    written = snapshot(repo)
    assert drive(s, ["q"]).return_value is None  # a finished session never writes again
    assert snapshot(repo) == written


def test_ctrl_c_asks_then_quits_without_writing(repo):
    before = snapshot(repo)
    s = load(repo)
    app = drive(s, ["y", "ctrl+c"])
    assert app.confirming and "WITHOUT writing" in app.seen_footer
    assert app.return_value is None  # still running: asked, not quit
    s = load(repo)
    app = drive(s, ["y", "ctrl+c", "ctrl+c"])
    assert app.return_value == ("aborted", None) and app.return_code == 130
    assert snapshot(repo) == before
    s = load(repo)
    app = drive(s, ["y", "ctrl+c", "j", "n"])  # any other key cancels the question (and does nothing else)
    assert not app.confirming and app.return_value is None
    # j only cancelled the question (the cursor stayed), so n skipped the second change, not the third
    assert [s.state(c) for c in s.files[0].changes[:3]] == [ACCEPTED, SKIPPED, None]
    s = load(repo)
    app = drive(s, ["y", "ctrl+c", "q"])  # q at the question writes and quits
    assert app.return_value[0] == "written"
    assert_disk_matches_decisions(repo, s, before)


def test_ctrl_c_with_nothing_accepted_quits_at_once(repo):
    before = snapshot(repo)
    app = drive(load(repo), ["n", "ctrl+c"])
    assert app.return_value == ("aborted", None)
    assert snapshot(repo) == before


def test_random_decisions_equal_migrate_file_with_accept(tmp_path):
    root = make_repo(tmp_path, "inference-server")
    before = snapshot(root)
    s = load(root)
    rng = random.Random(7)
    keys = []
    for fr in s.files:
        keys += [rng.choice("yn") for _ in fr.changes]
    drive(s, keys + ["q"])
    assert sum(1 for v in s.decisions.values() if v is ACCEPTED) == keys.count("y")
    assert_disk_matches_decisions(root, s, before)


def test_crlf_and_bom_are_kept(tmp_path):
    crlf = make_repo(tmp_path, "inference-server")
    s = Session.load(crlf, SETTINGS, ["engine.py"], jobs=1)
    drive(s, ["y", "n", "y", "q"])
    data = (crlf / "engine.py").read_bytes()
    assert data != (CORPUS / "inference-server/input/engine.py").read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    bom = make_repo(tmp_path, "ddp-amp-trainer")
    s = Session.load(bom, SETTINGS, ["dist_utils.py"], jobs=1)
    drive(s, ["a", "q"])
    data = (bom / "dist_utils.py").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert b"import torch_npu" in data  # the accepted fixes need it, the core adds it once


def test_import_is_added_only_when_an_accepted_change_needs_it(repo):
    s = load(repo)
    main = s.files[2]
    assert main.auto and main.auto[0].new == ("import torch_npu\n",)
    drive(s, ["J", "J", "d", "q"])  # skip everything in main.py
    assert b"import torch_npu" not in (repo / "main.py").read_bytes()
    needs = next(c for c in main.changes if "torch_npu" in (c.finding.requires or ()))
    s2 = load(repo)
    s2.decide([needs.key], ACCEPTED, (2, 0))
    drive(s2, ["q"])
    assert (repo / "main.py").read_bytes().count(b"import torch_npu\n") == 1


def test_file_changed_on_disk_during_review_is_not_written(repo):
    s = load(repo)
    (repo / "benchmark.py").write_text("# edited meanwhile\n")
    app = drive(s, ["a", "y", "q"])
    outcome = app.return_value[1]
    assert outcome.written == ["dist_utils.py"]
    assert outcome.failed == [("benchmark.py", "changed on disk during the review; not written")]
    assert (repo / "benchmark.py").read_text() == "# edited meanwhile\n"


def test_renders_at_80x24_and_side_by_side_when_wide(repo):
    s = load(repo)

    async def go(size):
        app = ReviewApp(s)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            return (app.screen.has_class("narrow"), app.query_one("#diff").plain,
                    str(app.query_one("#details-text").content), str(app.query_one("#files").content))

    narrow, diff, details, files = asyncio.run(go((80, 24)))
    assert narrow
    bench = s.files[0]
    n, n_open = len(bench.changes), len(bench.open)
    assert f"> change 1/{n}  torch-cuda-api  [pending]" in diff and "-    8 from torch import cuda" in diff
    assert " | " not in diff
    assert "Why:" in details and "torch-cuda-api" in details and "fix: safe" in details and "Example" in details
    assert f"> benchmark.py  {n} changes (0 yes, 0 no, {n} left), {n_open} open findings" in files
    assert max(len(line) for line in files.splitlines()) <= 80
    narrow, diff, _, files = asyncio.run(go((200, 50)))
    assert not narrow
    assert f"> benchmark.py\n  {n} changes, {n} left, {n_open} open\n" in files
    row = next(line for line in diff.splitlines() if line.startswith("-    8 from torch import cuda"))
    assert " | +" in row and "from torch_npu import npu as cuda" in row


def test_current_change_highlight_is_not_painted_over_by_the_syntax_theme(repo):
    """Syntax colours keep the current change's background: no span carries the theme's own background."""
    from migrate.review import render

    s = load(repo)
    fr = s.files[0]
    rows = render.render_file(s, fr, 0, 80).lines
    block = rows[render.render_file(s, fr, 0, 80).change_at[0] + 1:][:6]
    assert block and all(r.style == render.CURRENT for r in block)
    from rich.style import Style

    for r in block:
        for span in r.spans:
            style = Style.parse(span.style) if isinstance(span.style, str) else span.style
            assert style.bgcolor is None or style.bgcolor.name != "default", (r.plain, span)


@pytest.mark.parametrize("columns,side", [(150, False), (170, True)])
def test_side_by_side_is_decided_by_the_terminal_width_and_stays_after_a_key(repo, columns, side):
    s = load(repo)
    app = ReviewApp(s)

    async def go():
        async with app.run_test(size=(columns, 40)) as pilot:
            await pilot.pause()
            first = app.query_one("#diff").plain
            await pilot.press("j")
            await pilot.pause()
            return first, app.query_one("#diff").plain

    for shown in asyncio.run(go()):
        rows = [line for line in shown.splitlines() if line.startswith("-   15 ")]
        assert rows and all((" | +" in row) is side for row in rows)
        if side:  # both halves fit in the diff view (the file list takes 30 columns)
            assert all(len(row.rstrip()) <= columns - 30 for row in rows)


def test_title_fits_80_columns_with_a_long_path(repo):
    deep = repo / "src" / "ascend_port" / "distributed" / "launchers" / "elastic_multinode_helpers.py"
    deep.parent.mkdir(parents=True)
    deep.write_text("import torch\n\ndef go(rank):\n    torch.cuda.set_device(rank)\n")
    s = load(repo)
    app = ReviewApp(s)

    async def go():
        async with app.run_test(size=(80, 24)) as pilot:
            first = str(app.query_one("#title").content)
            await pilot.press("K")  # wraps to the last file: the deep one
            await pilot.pause()
            return first, str(app.query_one("#title").content)

    first, deep_title = asyncio.run(go())
    assert first.startswith(" migrate review  benchmark.py [1/4] change 1/")
    assert len(deep_title) <= 80 and deep_title.endswith(" pending"), deep_title
    assert deep_title.startswith(" ...") and "/elastic_multinode_helpers.py [4/4] change 1/1  0 yes" in deep_title


def test_a_big_cuda_file_draws_only_the_rows_on_screen(tmp_path):
    """A .cu file with dozens of changes and generated Ascend C kernels: hundreds of diff rows,
    of which only the visible ones are drawn on each key; generated files are shown in part."""
    from migrate.review import render

    root = make_repo(tmp_path, "cuda-fused-layer")
    s = load(root)
    fi = next(i for i, f in enumerate(s.files) if f.path.endswith(".cu"))
    app = ReviewApp(s)

    async def go():
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*["J"] * fi)
            await pilot.pause()
            diff = app.query_one("#diff")
            drawn_first = len(diff._strips)
            await pilot.press("j", "y")
            await pilot.pause()
            return len(diff.lines), drawn_first, len(diff._strips), diff.size.height, diff.plain

    total, drawn_first, drawn, height, shown = asyncio.run(go())
    assert total > 200 and drawn_first <= height and drawn <= height
    gen = [c for c in s.files[fi].changes if c.generated and len(c.hunks[0].new) > render.GENERATED_SHOWN]
    assert gen and f"more line(s): the whole file with `migrate diff {s.files[fi].path}`" in shown


def test_open_findings_are_shown_inline(repo):
    s = load(repo)
    app = ReviewApp(s)

    async def go():
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("J")
            await pilot.pause()
            return app.query_one("#diff").plain

    shown = asyncio.run(go())
    for f in s.files[1].open:
        assert f"{f.rule}: {f.message}"[:40] in shown


def test_a_file_with_only_open_findings_is_shown_from_its_top(repo):
    """Coming from far down another file, a file without changes starts at its first block."""
    (repo / "profiling.py").write_text("import torch\n\n\ndef step(model, x):\n"
                                       "    torch.cuda.nvtx.range_push('step')\n    y = model(x)\n"
                                       "    torch.cuda.nvtx.range_pop()\n    return y\n")
    s = load(repo)
    assert [f.path for f in s.files][-1] == "profiling.py" and not s.files[-1].changes
    n_main = len(s.files[2].changes)
    app = ReviewApp(s)

    async def go():
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("J", "J", *["j"] * (n_main - 1))
            await pilot.pause()
            far = app.query_one("#diff").scroll_y
            await pilot.press("J")
            await pilot.pause()
            await pilot.pause()
            return far, app.fi, app.query_one("#diff").scroll_y

    far, fi, y = asyncio.run(go())
    assert far > 20 and fi == 3 and y == 0


def test_cli_review_errors_and_nothing_to_review(cli, tmp_path):
    r = cli("review", tmp_path / "missing")
    assert r.returncode == 2 and "no such file or folder" in r.stderr
    (tmp_path / "clean.py").write_text("import torch\nx = torch.zeros(3)\n")
    r = cli("review", tmp_path)
    assert r.returncode == 0 and "nothing to review" in r.stdout
    (tmp_path / "train.py").write_text("import torch\nx = torch.zeros(3).cuda()\n")
    r = cli("review", tmp_path)  # no terminal (a pipe): refuse clearly instead of hanging
    assert r.returncode == 2 and "needs a terminal" in r.stderr
    assert (tmp_path / "train.py").read_text() == "import torch\nx = torch.zeros(3).cuda()\n"
    r = cli("run", tmp_path, "--out", tmp_path.parent / "out-x", "--review")
    assert r.returncode == 2 and "needs a terminal" in r.stderr and not (tmp_path.parent / "out-x").exists()


def pilot_ui(keys):
    """The `ui` step of `migrate run --review`, driven headless by the pilot instead of a person."""

    def ui(session, target=None):
        app = drive(session, keys, target=target)
        return app.return_value or ("aborted", None)

    return ui


def run_args(src, **kw):
    import argparse

    base = dict(src=src, out=None, in_place=False, force=False, report_dir=None, review=True, jobs=1,
                quiet=True, verbose=False, target=None, select=None, ignore=None, unsafe_fixes=None, shim=None)
    base.update(kw)
    return argparse.Namespace(**base)


def test_run_in_place_review_writes_accepted_changes_and_a_report_of_them(repo, capsys):
    import json

    import jsonschema

    from migrate.commands.review import run_reviewed

    before = snapshot(repo)
    code = run_reviewed(run_args(repo, in_place=True), SETTINGS, ui=pilot_ui(["y", "n", "q"]))
    assert code == 1  # open findings remain (the skipped change among them)
    assert git(repo, "diff", "--name-only").split() == ["benchmark.py"]
    report = json.loads((repo / ".migrate/report/report.json").read_text())
    schema = json.loads((CORPUS.parent / "docs/report.schema.json").read_text())
    jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)
    bench = [f for f in report["findings"] if f["path"] == "benchmark.py" and f["rule"] == "torch-cuda-api"]
    assert sum(f["fixed"] for f in bench) == 1
    assert sum(f["note"] == "not accepted in review" for f in bench) == len(bench) - 1
    patch = repo / ".migrate/report/migration.patch"
    assert patch.read_text().count("diff --git") == 1
    git(repo, "apply", "--check", "-R", str(patch))  # the patch is exactly what was written
    assert snapshot(repo)["main.py"] == before["main.py"]


def test_after_q_the_summary_points_to_git_diff_only_in_a_git_tree(repo, tmp_path, capsys):
    from migrate.commands.review import print_outcome

    s = load(repo)
    s.decide([s.files[0].changes[0].key], ACCEPTED, (0, 0))
    assert print_outcome("written", s.write(), s) == 0
    out = capsys.readouterr().out
    assert "accepted 1 change(s), skipped 0" in out and "  wrote benchmark.py" in out
    assert "`git diff` shows what was written" in out
    s = load(repo)
    s.decide([s.files[1].changes[0].key], ACCEPTED, (1, 0))
    (tmp_path / "copy").mkdir()
    print_outcome("written", s.write(tmp_path / "copy"), s)  # a copy outside any git tree
    out = capsys.readouterr().out
    assert "  wrote dist_utils.py" in out and "git diff" not in out


def test_run_out_review_copies_the_tree_with_only_accepted_changes(repo, tmp_path):
    from migrate.commands.review import run_reviewed

    before = snapshot(repo)
    dst = tmp_path / "out"
    run_reviewed(run_args(repo, out=dst), SETTINGS, ui=pilot_ui(["J", "a", "q"]))
    assert snapshot(repo) == before  # SRC untouched
    got = {k: v for k, v in snapshot(dst).items() if not k.startswith(".migrate/")}
    assert set(got) == set(before)
    s = load(repo)
    dist = s.files[1]
    assert got["dist_utils.py"] == expected_bytes(s, "dist_utils.py", {c.key for c in dist.changes})
    assert all(got[k] == before[k] for k in got if k != "dist_utils.py")


def test_run_review_quit_without_writing_writes_nothing(repo, tmp_path):
    from migrate.commands.review import run_reviewed

    before = snapshot(repo)
    dst = tmp_path / "out"
    assert run_reviewed(run_args(repo, out=dst), SETTINGS, ui=pilot_ui(["y", "ctrl+c", "ctrl+c"])) == 130
    assert not dst.exists() and snapshot(repo) == before


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux: a real terminal for the real CLI")
def test_real_terminal_session_in_tmux(repo, tmp_path):
    """The real CLI in a real 80x24 terminal (tmux): accept, skip, quit; git diff shows exactly that."""
    import sys
    import time

    original = load_original(repo)
    n_first = len(original.files[0].changes)
    session = f"migrate-review-test-{os.getpid()}"
    done = tmp_path / "exit-code"
    env = f"PYTHONPATH={CORPUS.parent} TERM=xterm-256color"
    cmd = f"cd {repo} && {env} {sys.executable} -m migrate review . ; echo $? > {done}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", cmd], check=True)

    def screen() -> str:
        return subprocess.run(["tmux", "capture-pane", "-t", session, "-p"], capture_output=True, text=True).stdout

    def wait_for(text: str, timeout: float = 60) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared on screen:\n{screen()}")

    try:
        first = wait_for(f"change 1/{n_first}")
        assert "benchmark.py" in first and "y/n yes/no" in first
        assert max(len(line) for line in first.splitlines()) <= 80
        for key, shows in (("y", "1 yes 0 no"), ("n", "1 yes 1 no"), ("y", "2 yes 1 no")):
            subprocess.run(["tmux", "send-keys", "-t", session, key], check=True)
            wait_for(shows)
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
        end = time.monotonic() + 60
        while not done.exists() and time.monotonic() < end:
            time.sleep(0.2)
        assert done.read_text().strip() == "0"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    c1, c2, c3 = original.files[0].changes[:3]
    assert git(repo, "diff", "--name-only").split() == ["benchmark.py"]
    minus = [line[1:] for line in git(repo, "diff", "-U0").splitlines() if line.startswith("-") and not line.startswith("---")]
    assert minus == [h.old[0].rstrip("\n") for c in (c1, c3) for h in c.hunks]


def load_original(root: Path) -> Session:
    """The session as it was before the review wrote anything (from git's HEAD)."""
    clone = root.parent / (root.name + "-head")
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    return load(clone)
