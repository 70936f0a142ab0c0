"""The result cache (migrate/cache.py) and --jobs: neither may change a single byte of what a run
produces. Runs the real pipeline over the corpus inputs (all four repos in one tree)."""

import json
import os
import shutil
from pathlib import Path

import hypothesis
import pytest

from migrate import cache, discover, runner
from migrate.report import model
from migrate.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture
def repo(tmp_path):
    """The corpus inputs side by side: ~20 realistic files (BOM, CRLF, skips, findings)."""
    src = tmp_path / "src"
    for case in sorted(p for p in CORPUS.iterdir() if (p / "input").is_dir()):
        shutil.copytree(case / "input", src / case.name, symlinks=True)
    return src


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mode)
            for p in sorted(root.rglob("*")) if p.is_file() and ".migrate" not in p.relative_to(root).parts}


def report_of(result, settings) -> dict:
    rep = model.build(result.results, settings, root_name="src", diffs=result.diffs)
    return {k: rep[k] for k in ("summary", "files", "findings", "kernels", "diffs")}


def do_run(src, out, settings=None, jobs=1, cache_dir=None):
    settings = settings or Settings()
    res = runner.run(src, settings, out=out, jobs=jobs, cache_dir=cache_dir)
    return res, report_of(res, settings)


def test_jobs_give_the_same_result_as_one_process(repo, tmp_path):
    one, rep1 = do_run(repo, tmp_path / "one", jobs=1)
    two, rep2 = do_run(repo, tmp_path / "two", jobs=2)
    assert rep1["summary"]["files_changed"] > 5 and rep1["findings"]  # a real workload
    assert rep2 == rep1
    assert tree(tmp_path / "two") == tree(tmp_path / "one")


def test_second_run_is_served_from_the_cache_and_identical(repo, tmp_path):
    out, cdir = tmp_path / "out", tmp_path / "out" / ".migrate" / "cache"
    first, rep1 = do_run(repo, out, cache_dir=cdir)
    files = len(first.results)
    assert first.cache == {"dir": str(cdir), "hits": 0, "misses": files}
    before = tree(out)
    second, rep2 = do_run(repo, out, cache_dir=cdir)
    assert second.cache["hits"] == files and second.cache["misses"] == 0
    assert rep2 == rep1
    assert tree(out) == before
    # and both equal a run without any cache
    _, rep3 = do_run(repo, tmp_path / "plain")
    assert rep3 == rep1


def test_in_place_the_cache_keeps_no_copy_of_rewritten_files(repo, tmp_path):
    """In place, a changed file's old bytes (its cache key) are gone once it is rewritten, so the
    cache stores no migrated copy of it and no entry; unchanged files are cached as with --out.
    After a revert, those files are migrated afresh, to the same result."""
    original = tree(repo)
    cdir = repo / ".migrate" / "cache"
    first = runner.run(repo, Settings(), in_place=True, jobs=1, cache_dir=cdir)
    changed = sorted(r.path for r in first.results if r.status == "changed")
    files = len(first.results)
    assert len(changed) > 5 and first.cache["misses"] == files  # every file counted once
    assert not (cdir / "blobs").exists() or not any((cdir / "blobs").iterdir())
    migrated = tree(repo)
    for rel, (data, mode) in original.items():  # revert: the sources come back
        (repo / rel).write_bytes(data)
    for rel in set(migrated) - set(original):  # and the generated files (Ascend C ports) go
        (repo / rel).unlink()
    second = runner.run(repo, Settings(), in_place=True, jobs=1, cache_dir=cdir)
    assert second.cache == {"dir": str(cdir), "hits": files - len(changed), "misses": len(changed)}
    assert tree(repo) == migrated
    assert report_of(second, Settings()) == report_of(first, Settings())


def test_a_changed_file_is_migrated_again(repo, tmp_path):
    out, cdir = tmp_path / "out", tmp_path / "cache"
    do_run(repo, out, cache_dir=cdir)
    target = repo / "single-trainer" / "train.py"
    target.write_bytes(target.read_bytes() + b"\nx = torch.randn(3).cuda()\n")
    res, rep = do_run(repo, out, cache_dir=cdir)
    assert res.cache["misses"] == 1
    assert b"x = torch.randn(3).npu()" in (out / "single-trainer" / "train.py").read_bytes()
    _, fresh = do_run(repo, tmp_path / "fresh")
    assert rep == fresh


def test_settings_change_invalidates_everything(repo, tmp_path):
    out, cdir = tmp_path / "out", tmp_path / "cache"
    first, _ = do_run(repo, out, cache_dir=cdir)
    res, rep = do_run(repo, out, settings=Settings(unsafe_fixes=True), cache_dir=cdir)
    assert res.cache["hits"] == 0 and res.cache["misses"] == len(first.results)
    _, fresh = do_run(repo, tmp_path / "fresh", settings=Settings(unsafe_fixes=True))
    assert rep == fresh
    assert len(list(cdir.glob("index-*.pickle"))) == 1  # the old fingerprint's index is gone


def test_fingerprint_covers_tool_version_rules_code_and_tables(tmp_path, monkeypatch):
    import migrate
    from migrate import resources

    base = cache.fingerprint(Settings())
    assert cache.fingerprint(Settings()) == base
    assert cache.fingerprint(Settings(select=("device-string",))) != base
    monkeypatch.setattr(migrate, "__version__", "999.0")
    assert cache.fingerprint(Settings()) != base
    monkeypatch.undo()

    rules = tmp_path / "rules"
    shutil.copytree(resources.resource_dir("rules"), rules)
    real = resources.resource_dir
    monkeypatch.setattr(resources, "resource_dir", lambda name: rules if name == "rules" else real(name))
    assert cache.fingerprint(Settings()) == base  # same content, other folder
    yaml_file = next(rules.rglob("*.yaml"))
    yaml_file.write_text(yaml_file.read_text() + "\n# a comment changes the rule file\n")
    assert cache.fingerprint(Settings()) != base

    data = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data)
    monkeypatch.setattr(resources, "resource_dir", real)
    monkeypatch.setattr(resources, "data_dir", lambda: data)
    assert cache.fingerprint(Settings()) == base
    api = data / "torch_npu" / Settings().target / "python_api.txt"
    api.write_text(api.read_text() + "torch_npu.npu.made_up\n")
    assert cache.fingerprint(Settings()) != base


def test_damaged_cache_is_ignored_never_served(repo, tmp_path):
    out, cdir = tmp_path / "out", tmp_path / "cache"
    first, rep1 = do_run(repo, out, cache_dir=cdir)
    blobs = list((cdir / "blobs").iterdir())
    assert blobs  # changed files keep their migrated bytes
    for b in blobs:
        b.write_bytes(b"garbage")
    res, rep = do_run(repo, tmp_path / "out2", cache_dir=cdir)
    assert res.cache["misses"] == len(blobs)
    assert rep == rep1
    assert tree(tmp_path / "out2") == tree(out)
    index = next(cdir.glob("index-*.pickle"))
    index.write_bytes(b"\x80\x05 truncated")
    res, rep = do_run(repo, tmp_path / "out3", cache_dir=cdir)
    assert res.cache["hits"] == 0 and rep == rep1


def test_outputs_that_already_match_are_not_rewritten_but_edited_ones_are(repo, tmp_path):
    out = tmp_path / "out"
    do_run(repo, out)
    changed = out / "single-trainer" / "train.py"
    copied = out / "inference-server" / "schemas.py"
    assert changed.read_bytes() != (repo / "single-trainer" / "train.py").read_bytes()
    assert copied.read_bytes() == (repo / "inference-server" / "schemas.py").read_bytes()
    os.utime(changed, ns=(1, 1))
    stamp_copied = copied.stat().st_mtime_ns
    do_run(repo, out)
    assert changed.stat().st_mtime_ns == 1  # same content: left alone
    assert copied.stat().st_mtime_ns == stamp_copied
    good_changed, good_copied = changed.read_bytes(), copied.read_bytes()
    changed.write_bytes(b"edited by hand\n")
    copied.write_bytes(good_copied + b"# edited\n")
    do_run(repo, out)
    assert changed.read_bytes() == good_changed
    assert copied.read_bytes() == good_copied


def test_cli_cache_location_and_no_cache(repo, tmp_path, cli):
    out = tmp_path / "out"
    r = cli("run", repo, "--out", out, "-q")
    assert r.returncode in (0, 1), r.stderr
    cdir = out / ".migrate" / "cache"
    assert list(cdir.glob("index-*.pickle"))
    assert not (repo / ".migrate").exists()  # --out never writes into SRC
    r = cli("run", repo, "--out", out, "-q", "--timings")
    rep = json.loads((out / ".migrate" / "report" / "report.json").read_text())
    assert rep["cache"]["misses"] == 0 and rep["cache"]["hits"] == rep["summary"]["files_scanned"]
    assert "parse" in rep["timings"] and "timings: {" in r.stderr
    out2 = tmp_path / "out2"
    r = cli("run", repo, "--out", out2, "-q", "--no-cache")
    assert r.returncode in (0, 1), r.stderr
    assert not (out2 / ".migrate" / "cache").exists()
    rep2 = json.loads((out2 / ".migrate" / "report" / "report.json").read_text())
    assert "cache" not in rep2
    assert rep2["findings"] == rep["findings"] and rep2["diffs"] == rep["diffs"]


def test_a_re_export_change_in_another_file_invalidates_its_importers(tmp_path):
    """main.py's result depends on what dist_utils.py imports (the project index): main.py is
    unchanged, yet a second run must not serve its old findings once dist_utils stops importing
    apex; each file's re-exports are themselves cached by content."""
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "pkg" / "__init__.py").write_text("")
    dist = src / "pkg" / "dist_utils.py"
    dist.write_text("try:\n    from apex import amp\nexcept ImportError:\n    amp = None\n")
    (src / "pkg" / "main.py").write_text("from .dist_utils import amp\nmodel, opt = amp.initialize(model, opt)\n")
    out, cdir = tmp_path / "out", tmp_path / "cache"

    def apex_uses(rep):
        return [(f["path"], f["line"]) for f in rep["findings"] if f["rule"] == "apex" and f["path"] == "pkg/main.py"]

    first, rep1 = do_run(src, out, cache_dir=cdir)
    assert apex_uses(rep1) == [("pkg/main.py", 2)]
    again, rep2 = do_run(src, out, cache_dir=cdir)
    assert again.cache["misses"] == 0 and rep2 == rep1
    dist.write_text("def amp_initialize(model, opt):\n    return model, opt\namp = None\n")
    third, rep3 = do_run(src, out, cache_dir=cdir)
    assert apex_uses(rep3) == []
    assert third.cache["misses"] == len(third.results)  # the index changed: nothing served stale
    _, fresh = do_run(src, tmp_path / "fresh")
    assert rep3 == fresh


def test_the_re_export_pre_pass_in_the_workers_matches_one_process(tmp_path):
    """With enough Python files the pre-pass reads them in the worker pool (started before it): the
    index, the findings that depend on it and the per-file cache of re-exports are the same as in
    one process."""
    src = tmp_path / "src"
    (src / "pkg" / "layers").mkdir(parents=True)
    (src / "pkg" / "__init__.py").write_text("")
    for i in range(90):  # a package of ordinary modules, a few of which use apex directly
        extra = "from apex.normalization import FusedLayerNorm\n" if i % 30 == 0 else ""
        (src / "pkg" / "layers" / f"block_{i}.py").write_text(
            f"import torch\n{extra}\n\ndef block_{i}(x):\n    return torch.relu(x) * {i}\n")
    dist = src / "pkg" / "dist_utils.py"
    dist.write_text("try:\n    from apex import amp\nexcept ImportError:\n    amp = None\n")
    (src / "pkg" / "main.py").write_text("from .dist_utils import amp\nmodel, opt = amp.initialize(model, opt)\n")

    def apex_uses(rep):
        return sorted((f["path"], f["line"]) for f in rep["findings"] if f["rule"] == "apex")

    _, one = do_run(src, tmp_path / "one", jobs=1)
    assert ("pkg/main.py", 2) in apex_uses(one) and len(apex_uses(one)) == 5
    cdir = tmp_path / "cache"
    first, two = do_run(src, tmp_path / "two", jobs=2, cache_dir=cdir)
    assert two == one and first.cache["misses"] == len(first.results)
    assert tree(tmp_path / "two") == tree(tmp_path / "one")
    again, rep = do_run(src, tmp_path / "two", jobs=2, cache_dir=cdir)
    assert again.cache["misses"] == 0 and rep == one
    dist.write_text("amp = None\n")
    third, rep3 = do_run(src, tmp_path / "two", jobs=2, cache_dir=cdir)
    assert ("pkg/main.py", 2) not in apex_uses(rep3) and len(apex_uses(rep3)) == 3


def test_files_the_pre_pass_migrates_equal_the_migration_with_the_finished_index(tmp_path):
    """The re-export pre-pass migrates the files it parses before the index is finished
    (project.AskedNames). Such a result stands only when the index re-exports none of the names
    it looked up: trainer.py imports apex itself (so the pre-pass parses it) and also takes `amp`
    from dist_utils.py, which the index re-exports, so it is migrated again with the index. Every
    result of a run, in one process or in the pool, equals migrating that file with the index."""
    from migrate.core import migrate_file

    src = tmp_path / "src"
    (src / "pkg" / "layers").mkdir(parents=True)
    (src / "pkg" / "__init__.py").write_text("")
    for i in range(70):
        (src / "pkg" / "layers" / f"block_{i}.py").write_text(
            f"import torch\n\n\ndef block_{i}(x):\n    return torch.relu(x).cuda() * {i}\n")
    (src / "pkg" / "dist_utils.py").write_text(
        "import torch\ntry:\n    from apex import amp\nexcept ImportError:\n    amp = None\n\n\n"
        "def init(rank):\n    torch.cuda.set_device(rank)\n")
    (src / "pkg" / "trainer.py").write_text(
        "import torch\nfrom apex.optimizers import FusedAdam\nfrom .dist_utils import amp\n\n\n"
        "def build(model):\n    model = model.cuda()\n    opt = FusedAdam(model.parameters(), lr=1e-3)\n"
        "    return amp.initialize(model, opt, opt_level='O1')\n")
    settings = Settings()
    todo = runner.candidates(discover.walk(src), src)
    early: dict = {}
    index = runner.project_index(src, todo, settings, done=early, want_diffs=True)
    assert index is not None and index.lookup("pkg.dist_utils", "amp") == "apex.amp"
    assert set(early) == {"pkg/dist_utils.py"}  # trainer.py looked up `amp`: not taken early
    for jobs in (1, 2):
        res = runner.run(src, settings, out=tmp_path / f"out{jobs}", jobs=jobs)
        for r in res.results:
            want = migrate_file(r.path, (src / r.path).read_bytes(), settings, project=index)
            assert (r.status, r.findings, r.generated) == (want.status, want.findings, want.generated), r.path
            if r.status == "changed":
                assert (tmp_path / f"out{jobs}" / r.path).read_bytes() == want.new_data
        uses = sorted((f.line, f.rule) for r in res.results if r.path == "pkg/trainer.py" for f in r.findings)
        assert (9, "apex") in uses  # amp.initialize, known as apex only through the index


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(hypothesis.strategies.lists(hypothesis.strategies.sampled_from(
    ["from", "import", "apex", "apex.amp", ".apex", "my_apex", "flash_attn", "torch", " ", "\t", "\n", "x", ",",
     "(", "\\", "#", "=", ";"]), max_size=40))
def test_the_pre_pass_line_test_is_the_regex_it_replaced(parts):
    """The pre-pass looks for an import line naming a CUDA-only library from the `from`/`import`
    keywords; it must say what a line-by-line regex says."""
    import re

    imports_one, *_ = runner._export_plan(Settings())
    data = "".join(parts).encode()
    lines = re.compile(rb"^[ \t]*(?:from|import)[ \t][^\n]*", re.M)
    lib = re.compile(rb"(?<![\w.])(?:amp_C|apex|bitsandbytes|cupy|cupyx|deepspeed|flash_attn|numba|pycuda|pynvml"
                     rb"|triton|xformers)\b")
    assert imports_one(data) == any(lib.search(m.group()) for m in lines.finditer(data))


KERNEL = (CORPUS / "cuda-detection-ops" / "input" / "det_ops" / "csrc" / "cuda" / "sigmoid_focal_loss_kernel.cu").read_text()


@pytest.mark.parametrize("bigger", ["attn_cuda.cuh", "im2col_cuda.cuh"])
def test_same_named_kernels_in_one_folder_give_one_port_whatever_the_order(tmp_path, bigger, cli):
    """transformers' deta kernels: ms_deform_attn_cuda.cuh and ms_deform_im2col_cuda.cuh both
    define the same kernels, whose ports go to one ascendc/ folder. The port of the file first in
    path order is written, whichever result comes back first (--jobs 1 takes the bigger file
    first); the other file's result says why its port is not there."""
    src = tmp_path / "src"
    kdir = src / "kernels" / "deta"
    kdir.mkdir(parents=True)
    for name in ("attn_cuda.cuh", "im2col_cuda.cuh"):
        extra = "\n// host-side helpers\n" + "static int pad_%d = 0;\n" * 40 if name == bigger else ""
        (kdir / name).write_text(KERNEL + (extra % tuple(range(40)) if extra else ""))
    one, rep1 = do_run(src, tmp_path / "one", jobs=1)
    two, rep2 = do_run(src, tmp_path / "two", jobs=2)
    out = tmp_path / "one" / "kernels" / "deta" / "ascendc"
    port = (out / "sigmoid_kernel.cpp").read_text()
    assert "kernels/deta/attn_cuda.cuh" in port and "im2col_cuda.cuh" not in port
    by_path = {f["path"]: f for f in rep1["files"]}
    assert "generated file(s) not written (kernels/deta/ascendc/" in by_path["kernels/deta/im2col_cuda.cuh"]["reason"]
    assert "kernels/deta/attn_cuda.cuh defines kernels of the same names, and comes first in path order" \
        in by_path["kernels/deta/im2col_cuda.cuh"]["reason"]
    assert not by_path["kernels/deta/attn_cuda.cuh"].get("reason")
    assert "attn_cuda.cuh" in rep1["diffs"]["kernels/deta/ascendc/sigmoid_kernel.cpp"]
    # each source keeps the files only it generates (its CMake list)
    assert (out / "attn_cuda_cuh_kernels.cmake").is_file() and (out / "im2col_cuda_cuh_kernels.cmake").is_file()
    assert rep2 == rep1 and tree(tmp_path / "two") == tree(tmp_path / "one")
    # a warm run decides the same from cached results, and keeps deciding it
    cdir = tmp_path / "cached" / ".migrate" / "cache"
    for _ in range(3):
        _, rep3 = do_run(src, tmp_path / "cached", jobs=1, cache_dir=cdir)
        assert rep3 == rep1 and tree(tmp_path / "cached") == tree(tmp_path / "one")
    # `migrate diff` carries the port once, from the same file, and git applies it
    p = cli("diff", src, cwd=tmp_path)
    patch = p.stdout
    assert patch.count("+++ b/kernels/deta/ascendc/sigmoid_kernel.cpp") == 1
    start = patch.index("+++ b/kernels/deta/ascendc/sigmoid_kernel.cpp")
    assert "attn_cuda.cuh" in patch[start:start + 400]


def _square(x):
    return x * x


def test_the_pools_worker_handler_does_not_wake_for_every_result(monkeypatch):
    """runner's pool leaves the results pipe out of what its worker-handler thread waits on: the
    stock Pool (Python >= 3.8) wakes that thread, which polls every worker, for nearly every
    result (0.45 CPU-s of the main process on transformers). Same results either way."""
    import multiprocessing as mp
    from multiprocessing.pool import Pool

    def wakeups(cls) -> int:
        calls = []
        maintain = Pool.__dict__["_maintain_pool"].__func__
        monkeypatch.setattr(Pool, "_maintain_pool",
                            staticmethod(lambda *a, **k: calls.append(1) or maintain(*a, **k)))
        with cls(2, context=mp.get_context("fork")) as pool:
            assert sorted(pool.imap_unordered(_square, range(3000), chunksize=1)) == [x * x for x in range(3000)]
        monkeypatch.undo()
        return len(calls)

    assert wakeups(runner._pool_class()) <= 5
    assert wakeups(Pool) > 20  # what the test would see without it (~1,500 here)
