"""`migrate run` through the real CLI: exit codes, settings, suppressions, report files."""

import csv
import json
import textwrap
from pathlib import Path

TRAIN = textwrap.dedent('''\
    import os
    import torch
    import torch.distributed as dist

    os.environ["CUDA_VISIBLE_DEVICES"] = "0"
    dist.init_process_group(backend="nccl")
    device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
    model = build().cuda()
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.cuda.nvtx.range_push("step")  # migrate: ignore[torch-cuda-unsupported]
    torch.save(model.state_dict(), "ckpt_cuda.pt")
''')


def make_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    src = tmp_path / "repo"
    for rel, body in files.items():
        p = src / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(body)
    return src


def report_of(out: Path) -> dict:
    return json.loads((out / ".migrate" / "report" / "report.json").read_text())


def test_run_writes_tree_report_and_exit_1_for_open_findings(tmp_path, cli):
    src = make_repo(tmp_path, {"train.py": TRAIN, "README.md": "uses cuda\n"})
    out = tmp_path / "out"
    r = cli("run", src, "--out", out)
    assert r.returncode == 1, r.stderr  # the TF32 switch is left for a person
    text = (out / "train.py").read_text()
    assert 'os.environ["ASCEND_RT_VISIBLE_DEVICES"]' in text
    assert 'backend="hccl"' in text and 'torch.device("npu", int' in text and "build().npu()" in text
    assert '"ckpt_cuda.pt"' in text  # a file name is not a device
    assert "torch.cuda.nvtx" in text  # suppressed, and untouched
    assert (out / "README.md").read_text() == "uses cuda\n"
    rep = report_of(out)
    rules = {f["rule"] for f in rep["findings"]}
    assert "torch-cuda-unsupported" not in rules  # the ignore comment suppresses it
    assert "cuda-tf32-to-hf32" in rules
    files = {f.name for f in (out / ".migrate" / "report").iterdir()}
    assert {"report.json", "report.md", "report.html", "migration.patch", "change_list.csv", "unsupported_api.csv"} <= files
    with open(out / ".migrate" / "report" / "change_list.csv") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["File", "Start Line", "End Line", "Operation Type", "Message"]
    assert any(row[0] == "train.py" and row[3] == "MODIFY" for row in rows[1:])
    with open(out / ".migrate" / "report" / "unsupported_api.csv") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["File", "Start Line", "End Line", "OP", "Tips"]
    assert any(row[3] == "torch.backends.cuda.matmul.allow_tf32" for row in rows[1:])
    assert "summary" in r.stdout or "fixes applied" in r.stdout


def test_quiet_run_prints_nothing_and_does_not_load_rich(tmp_path):
    """-q: the same tree, report and exit code as a run that prints, nothing on stdout or stderr,
    and rich (the progress bar and summary's library, ~0.09 s to import) is never imported."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    src = make_repo(tmp_path, {"train.py": TRAIN, "pkg/util.py": "import torch\nx = torch.zeros(2).cuda()\n"})
    env = {**os.environ, "PYTHONPATH": str(root)}
    probe = ("import sys, runpy; sys.argv = ['migrate', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('migrate', run_name='__main__')\n"
             "finally:\n    print('rich imported:', 'rich' in sys.modules, file=sys.stderr)\n")
    quiet = subprocess.run([sys.executable, "-c", probe, "run", str(src), "--out", str(tmp_path / "q"), "-q"],
                           env=env, capture_output=True, text=True)
    loud = subprocess.run([sys.executable, "-c", probe, "run", str(src), "--out", str(tmp_path / "v")],
                          env=env, capture_output=True, text=True)
    assert quiet.returncode == loud.returncode == 1, quiet.stderr + loud.stderr  # the TF32 switch is open
    assert quiet.stdout == "" and quiet.stderr == "rich imported: False\n"
    assert "rich imported: True" in loud.stderr and "fixes applied" in loud.stdout
    for rel in ("train.py", "pkg/util.py", ".migrate/report/migration.patch", ".migrate/report/report.md"):
        assert (tmp_path / "q" / rel).read_bytes() == (tmp_path / "v" / rel).read_bytes()
    assert "build().npu()" in (tmp_path / "q" / "train.py").read_text()
    drop = lambda rep: {k: v for k, v in rep.items() if k not in ("timings", "generated_at", "duration_s")}  # noqa: E731
    assert drop(report_of(tmp_path / "q")) == drop(report_of(tmp_path / "v"))


def test_exit_0_when_nothing_is_left(tmp_path, cli):
    src = make_repo(tmp_path, {"a.py": "import torch\nx = torch.zeros(2).cuda()\n"})
    r = cli("run", src, "--out", tmp_path / "out", "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""  # --quiet


def test_unsafe_fixes_and_select_ignore(tmp_path, cli):
    src = make_repo(tmp_path, {"train.py": TRAIN})
    out = tmp_path / "u"
    cli("run", src, "--out", out, "--unsafe-fixes", "-q")
    assert "torch.npu.matmul.allow_hf32 = True" in (out / "train.py").read_text()
    out2 = tmp_path / "s"
    cli("run", src, "--out", out2, "--select", "device-string", "-q")
    t = (out2 / "train.py").read_text()
    assert 'torch.device("npu"' in t and 'backend="nccl"' in t and ".cuda()" in t
    out3 = tmp_path / "i"
    cli("run", src, "--out", out3, "--ignore", "nccl-backend", "-q")
    assert 'backend="nccl"' in (out3 / "train.py").read_text()


def test_pyproject_settings_and_bad_config(tmp_path, cli):
    src = make_repo(tmp_path, {"train.py": TRAIN, "pyproject.toml": '[tool.migrate]\nignore = ["device-string"]\n'})
    out = tmp_path / "out"
    cli("run", src, "--out", out, "-q")
    assert 'torch.device("cuda"' in (out / "train.py").read_text()
    (src / "pyproject.toml").write_text('[tool.migrate]\nignore = "device-string"\n')
    r = cli("run", src, "--out", tmp_path / "out2")
    assert r.returncode == 2 and "must be a list of strings" in r.stderr and "Traceback" not in r.stderr
    (src / "pyproject.toml").write_text('[tool.migrate]\nselct = ["x"]\n')
    r = cli("run", src, "--out", tmp_path / "out3")
    assert r.returncode == 2 and "unknown key 'selct'" in r.stderr


def test_usage_errors_are_one_clear_line(tmp_path, cli):
    src = make_repo(tmp_path, {"a.py": "x = 1\n"})
    r = cli("run", src)
    assert r.returncode == 2 and "--out DST" in r.stderr and "Traceback" not in r.stderr
    r = cli("run", src, "--out", src / "sub")
    assert r.returncode == 2 and "inside SRC" in r.stderr
    r = cli("run", src, "--out", tmp_path / "o", "--select", "no-such-rule")
    assert r.returncode == 2 and "unknown rule" in r.stderr
    r = cli("run", src, "--out", tmp_path / "o", "--target-torch-npu", "1.0")
    assert r.returncode == 2 and "2.14.0" in r.stderr
    r = cli("run", tmp_path / "missing", "--out", tmp_path / "o")
    assert r.returncode == 2 and "no such file" in r.stderr


def test_shim_mode_keeps_torch_cuda_and_adds_the_shim(tmp_path, cli):
    src = make_repo(tmp_path, {"train.py": "import torch\n\ndef main():\n    torch.cuda.synchronize()\n    if x.device.type == 'cuda':\n        pass\n\nif __name__ == '__main__':\n    main()\n"})
    out = tmp_path / "out"
    cli("run", src, "--out", out, "--shim", "-q")
    t = (out / "train.py").read_text()
    assert "from torch_npu.contrib import transfer_to_npu" in t
    assert "torch.cuda.synchronize()" in t  # the shim patches it at run time
    assert "x.device.type == 'npu'" in t  # the shim does not cover comparisons
    assert "import torch_npu\n" not in t


def test_names_re_exported_by_project_modules_are_resolved(tmp_path, cli):
    """dist_utils re-exports apex names; main.py's uses are reported, its import is not rewritten."""
    src = make_repo(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/dist_utils.py": "try:\n    from apex import amp\n    from apex.optimizers import FusedAdam\nexcept ImportError:\n    amp = FusedAdam = None\n",
        "pkg/main.py": "from .dist_utils import FusedAdam, amp\nopt = FusedAdam(params)\nmodel, opt = amp.initialize(model, opt)\n",
        "other.py": "from pkg.dist_utils import amp as apex_amp\napex_amp.scale_loss(loss, opt)\n",
    })
    out = tmp_path / "out"
    cli("run", src, "--out", out, "--unsafe-fixes", "-q")
    rep = report_of(out)
    uses = {(f["path"], f["line"], f["api"]) for f in rep["findings"] if f["rule"] == "apex"}
    assert ("pkg/main.py", 2, "apex.optimizers.FusedAdam") in uses
    assert ("pkg/main.py", 3, "apex.amp.initialize") in uses
    assert ("other.py", 2, "apex.amp.scale_loss") in uses
    assert (out / "pkg/main.py").read_text().startswith("from .dist_utils import FusedAdam, amp\n")
    assert "from torch_npu.optim import NpuFusedAdamW as FusedAdam" in (out / "pkg/dist_utils.py").read_text()


def test_a_cuda_library_being_ported_is_the_projects_own_code(tmp_path, cli):
    """Migrating a fork of apex itself: its imports of `apex.*` are its own modules, not the
    CUDA-only dependency (bitsandbytes 0.50.2 on itself: 288 such findings, 2,300 person-hours).
    A vendored copy under third_party/ is still a dependency of the code that uses it."""
    src = make_repo(tmp_path, {
        "apex/__init__.py": "from . import amp\n",
        "apex/amp/__init__.py": "from apex.amp.handle import scale_loss\n",
        "apex/amp/handle.py": "import torch\n\ndef scale_loss(loss, opt):\n    torch.cuda.synchronize()\n    return loss\n",
        "apex/optimizers/fused_adam.py": "import torch\nfrom apex.multi_tensor_apply import multi_tensor_applier\n"
                                         "import amp_C\n\nclass FusedAdam(torch.optim.Optimizer):\n    pass\n",
        "examples/train.py": "from apex import amp\nfrom apex.optimizers import FusedAdam\n"
                             "model, opt = amp.initialize(model, FusedAdam(params))\n",
    })
    out = tmp_path / "out"
    cli("run", src, "--out", out, "--unsafe-fixes", "-q")
    rep = report_of(out)
    assert [f for f in rep["findings"] if f["rule"] == "apex" and f["api"].startswith("apex")] == []
    assert any(f["api"] == "amp_C" for f in rep["findings"])  # the compiled extension is still CUDA
    assert "torch.npu.synchronize()" in (out / "apex/amp/handle.py").read_text()  # its own torch.cuda use migrates
    assert (out / "examples/train.py").read_text() == (src / "examples/train.py").read_text()

    vendored = make_repo(tmp_path / "v", {
        "third_party/apex/__init__.py": "",
        "third_party/apex/amp/__init__.py": "",
        "train.py": "from apex import amp\nmodel, opt = amp.initialize(model, opt)\n",
    })
    cli("run", vendored, "--out", tmp_path / "vout", "-q")
    assert {f["api"] for f in report_of(tmp_path / "vout")["findings"] if f["rule"] == "apex"} >= {"apex.amp.initialize"}


def test_shim_report_says_what_the_shim_does_not_cover(tmp_path, cli):
    src = make_repo(tmp_path, {"train.py": "import torch\nif __name__ == '__main__':\n    torch.cuda.synchronize()\n"})
    out = tmp_path / "out"
    r = cli("run", src, "--out", out, "--shim")
    rep = report_of(out)
    assert rep["notes"] and "does not cover" in rep["notes"][0]["title"]
    assert "is_available() is True" in (out / ".migrate" / "report" / "report.md").read_text()
    assert "does not cover" in (out / ".migrate" / "report" / "report.html").read_text()
    assert "note:" in r.stdout
