"""Edge cases of the non-Python handlers: the bytes around an edit never change, files that do
not parse are skipped (never half-edited), and each format keeps its own conventions."""

import json

import pytest

from migrate.core import migrate_file
from migrate.settings import Settings


def run(path, text, **kw):
    data = text.encode() if isinstance(text, str) else text
    return migrate_file(path, data, Settings(**kw))


def out(result, original):
    return result.new_data.decode() if result.new_data is not None else original


def open_rules(result):
    return sorted(f.rule for f in result.findings if not f.fixed)


# ---------------------------------------------------------------- notebooks


def test_notebook_ascii_escaped_style_is_kept():
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                     "source": ["import torch\n", "x = torch.ones(2).cuda()  # caf\u00e9 \u2014 GPU\n", "y = 1"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(nb, indent=2, ensure_ascii=True)  # no trailing newline, indent 2, \\u escapes
    r = run("nb.ipynb", text)
    new = out(r, text)
    assert "\\u00e9 \\u2014" in new and "\u00e9" not in new
    assert new == text.replace('"x = torch.ones(2).cuda()', '"x = torch.ones(2).npu()').replace(
        '"import torch\\n",', '"import torch\\n",\n        "import torch_npu\\n",')
    assert json.loads(new)["cells"][0]["source"][1] == "import torch_npu\n"


def test_notebook_single_string_source_and_findings_point_at_cell_and_line():
    nb = ('{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "Uses cuda"},\n'
          ' {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 2,\n'
          '  "source": "import torch\\nprint(torch.cuda.memory_summary())\\ntorch.cuda.set_per_process_memory_fraction(0.5)\\ng = torch.cuda.CUDAGraph()"}],\n'
          ' "metadata": {}, "nbformat": 4, "nbformat_minor": 4}\n')
    r = run("nb.ipynb", nb)
    new = out(r, nb)
    cell = json.loads(new)["cells"][1]["source"]
    assert cell.startswith("import torch\nimport torch_npu\nprint(torch.npu.memory_summary())")
    assert json.loads(new)["cells"][0]["source"] == "Uses cuda"
    assert [f.message.split(":")[0] for f in r.findings] == ["cell 2, line 2", "cell 2, line 3", "cell 2, line 4"]
    assert all(f.line == 3 for f in r.findings)  # the JSON line holding the source string


def test_notebook_magics_are_masked_and_restored():
    src = ["%%time\n", "x = 1"]
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
                     "source": ["files = !ls /usr/local/cuda\n", "%env NCCL_SOCKET_IFNAME=eth0\n",
                                "import torch\n", "torch.cuda.synchronize()\n", "torch.cuda?"]},
                    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 2, "source": src},
                    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 3,
                     "source": ["%%bash\n", "export CUDA_VISIBLE_DEVICES=1\n", "nvidia-smi"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(nb, indent=1) + "\n"
    r = run("nb.ipynb", text)
    got = json.loads(out(r, text))
    assert got["cells"][0]["source"] == ["files = !ls /usr/local/cuda\n", "%env HCCL_SOCKET_IFNAME=eth0\n",
                                         "import torch\n", "import torch_npu\n", "torch.npu.synchronize()\n",
                                         "torch.cuda?"]
    assert got["cells"][1]["source"] == src
    assert got["cells"][2]["source"] == ["%%bash\n", "export ASCEND_RT_VISIBLE_DEVICES=1\n", "npu-smi info"]


def test_notebook_cell_that_does_not_parse_is_left_alone():
    nb = json.dumps({"cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["print 'x'\n", "y = z.cuda()"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import torch\n", "a = torch.zeros(1, device='cuda')"]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    r = run("nb.ipynb", nb)
    got = json.loads(out(r, nb))
    assert got["cells"][0]["source"] == ["print 'x'\n", "y = z.cuda()"]
    assert got["cells"][1]["source"][-1] == "a = torch.zeros(1, device='npu')"
    assert "notebook-cell-unparsed" in open_rules(r)


def test_not_a_notebook_json_is_skipped():
    r = run("broken.ipynb", '{"cells": [')
    assert r.status == "skipped"


# ---------------------------------------------------------------- shell


def test_shebang_script_without_extension_and_unparseable_script():
    script = "#!/bin/bash\nexport CUDA_VISIBLE_DEVICES=0\n"
    r = run("bin/launch", script)
    assert out(r, script) == "#!/bin/bash\nexport ASCEND_RT_VISIBLE_DEVICES=0\n"
    bad = "#!/bin/bash\nif [ -z $X ; then\n  export CUDA_VISIBLE_DEVICES=0\n"
    r = run("bad.sh", bad)
    assert r.status == "skipped" and "does not parse" in r.reason


def test_shell_keeps_crlf_tabs_and_quotes():
    script = "export CUDA_VISIBLE_DEVICES='0,1'\r\n\tpython train.py --device \"cuda\"\r\n"
    r = run("run.sh", script)
    assert out(r, script) == "export ASCEND_RT_VISIBLE_DEVICES='0,1'\r\n\tpython train.py --device \"npu\"\r\n"


def test_dockerfile_exec_form_and_run_lines():
    df = ('FROM ubuntu:22.04\n'
          'RUN CUDA_VISIBLE_DEVICES=0 python -c "print(1)" && \\\n    nvidia-smi\n'
          'ENTRYPOINT ["python", "serve.py", "--device", "cuda"]\n')
    r = run("Dockerfile.train", df)
    assert out(r, df) == ('FROM ubuntu:22.04\n'
                          'RUN ASCEND_RT_VISIBLE_DEVICES=0 python -c "print(1)" && \\\n    npu-smi info\n'
                          'ENTRYPOINT ["python", "serve.py", "--device", "npu"]\n')
    assert open_rules(r) == []


# ---------------------------------------------------------------- config


def test_yaml_anchors_flow_maps_multidoc_and_comments():
    y = ("defaults: &defaults\n  device: !!str cuda   # primary\n"
         "eval: {<<: *defaults, device: 'cuda:1', out: runs/cuda}\n"
         "---\n# second doc\nbackend: NCCL\nkernel: |\n  device: cuda\n")
    r = run("cfg.yml", y)
    assert out(r, y) == ("defaults: &defaults\n  device: !!str npu   # primary\n"
                         "eval: {<<: *defaults, device: 'npu:1', out: runs/cuda}\n"
                         "---\n# second doc\nbackend: HCCL\nkernel: |\n  device: cuda\n")


def test_json_indentation_and_key_order_kept():
    j = '{\n\t"zeta": 1,\n\t"device": "cuda",\n\t"alpha": {"backend": "nccl"}\n}'
    r = run("exp.json", j)
    assert out(r, j) == '{\n\t"zeta": 1,\n\t"device": "npu",\n\t"alpha": {"backend": "hccl"}\n}'


def test_pyproject_insertion_after_a_commented_line_and_inline_arrays():
    t = ('[project]\nname = "x"\ndependencies = [\n  "torch==2.14.0",  # CUDA 12.4 build\n  "numpy"\n]\n'
         '[project.optional-dependencies]\ndev = ["torch==2.14.0", "pytest"]\n')
    r = run("pyproject.toml", t)
    assert out(r, t) == ('[project]\nname = "x"\ndependencies = [\n  "torch==2.14.0",  # CUDA 12.4 build\n'
                         '  "torch-npu==2.14.0",\n  "numpy"\n]\n'
                         '[project.optional-dependencies]\ndev = ["torch==2.14.0", "torch-npu==2.14.0", "pytest"]\n')


def test_toml_that_is_not_pyproject_does_not_get_dependency_rules():
    t = '[tool.env]\ndependencies = ["torch==2.14.0"]\n'
    assert run("tools.toml", t).status == "unchanged"


def test_requirements_crlf_markers_hashes_and_unknown_torch():
    req = "torch==2.1.0+cu118 ; sys_platform == 'linux'\r\nnumpy\r\n"
    r = run("requirements-gpu.txt", req)
    assert out(r, req) == "torch==2.1.0 ; sys_platform == 'linux'\r\ntorch-npu==2.1.0.post17\r\nnumpy\r\n"
    r = run("requirements.txt", "torch==1.13.1\n")
    assert open_rules(r) == ["torch-npu-pin"] and "no torch-npu release" in r.findings[0].message


def test_conda_pip_section_and_channels():
    env = ("name: llm\nchannels:\n  - nvidia\n  - conda-forge\ndependencies:\n  - python=3.10\n"
           "  - cudatoolkit=11.8\n  - pip\n  - pip:\n      - torch==2.1.0+cu118\n      - xformers\n")
    r = run("environment.yml", env)
    assert out(r, env) == env.replace("torch==2.1.0+cu118", "torch==2.1.0")
    assert open_rules(r) == ["conda-cuda", "conda-cuda", "cuda-only-package", "torch-npu-pin"]


def test_setup_cfg_extras():
    cfg = "[metadata]\nname = x\n\n[options.extras_require]\ngpu =\n    bitsandbytes>=0.41\n    cupy-cuda12x\n"
    r = run("setup.cfg", cfg)
    assert r.status == "unchanged" and open_rules(r) == ["cuda-only-package", "cuda-only-package"]


@pytest.mark.parametrize("path,text", [
    ("config.yaml", "data_dir: /datasets/cuda_samples\nlog: 'built with cuda 12'\nuse_cuda_graphs: true\n"),
    ("settings.json", '{"cache": "~/.cache/cuda", "name": "cuda-kernels"}'),
    ("setup.cfg", "[tool:pytest]\nmarkers =\n    cuda: needs a GPU\n"),
])
def test_names_and_paths_that_mention_cuda_stay(path, text):
    r = run(path, text)
    assert r.status == "unchanged" and not r.findings


@pytest.mark.parametrize("torch,npu", [("2.1.0", "2.1.0.post17"), ("2.5.1", "2.5.1.post1"), ("2.12.0", "2.12.0.post3"),
                                       ("2.14.0", "2.14.0"), ("1.13.1", None), ("2.2.0", None)])
def test_torch_npu_pairing_comes_from_the_shipped_table(torch, npu):
    from packaging.specifiers import SpecifierSet

    from migrate import tables
    from migrate.lang.requirements import torch_npu_for

    got = torch_npu_for(torch)
    assert (got[0] if got else None) == npu
    if got:
        spec = tables.version_pairs()[got[0]]  # the emitted pin exists, and its wheel accepts this torch
        assert SpecifierSet(spec.split("+")[0]).contains(torch) or torch + "+cpu" in SpecifierSet(spec)


def test_shell_env_rules_share_the_python_table():
    from migrate.lang.common import options
    from migrate.ruleset import rules_by_id

    py = rules_by_id()["env-var-rename"].options["renames"]
    assert options(rules_by_id()["env-setting-rename"])["renames"] == py
    assert "renames" not in rules_by_id()["env-setting-rename"].options  # inherited, not copied


# ---------------------------------------------------------------- found in the second trial (LLaVA, GPT-NeoX, d2l)


def test_pytorch_index_urls_in_uv_and_poetry_sources():
    text = ('[project]\nname = "x"\ndependencies = ["torch==2.5.1"]\n\n'
            '[[tool.uv.index]]\nname = "pytorch-cu124"\nurl = "https://download.pytorch.org/whl/cu124"\nexplicit = true\n')
    r = run("pyproject.toml", text)
    new = out(r, text)
    assert 'url = "https://download.pytorch.org/whl/cpu"' in new
    assert 'name = "pytorch-cu124"' in new  # a name, not a URL: stays
    assert '"torch==2.5.1", "torch-npu==2.5.1.post1"' in new


def test_shell_installs_editables_and_dockerfile_pip_urls():
    text = ("RUN pip install -v --no-cache-dir --global-option=\"--cuda_ext\" "
            "git+https://github.com/NVIDIA/apex.git@a651e2c && \\\n    pip install -e git+https://github.com/x/y#egg=flash_attn\n")
    r = run("Dockerfile", "FROM ubuntu:22.04\n" + text)
    assert open_rules(r) == ["cuda-only-package", "cuda-only-package"]
    assert {f.api for f in r.findings} == {"apex", "flash-attn"}


def test_python_c_with_expansions_and_tf32_spellings():
    text = ('python -c "import torch; print(torch.cuda.device_count(), \'$HOST\')"\n'
            "python train.py --tf32\npython train.py --tf32=false\npython train.py --tf32 1 --bf16 True\n")
    r = run("run.sh", text)
    assert r.status == "unchanged" or out(r, text) == text
    assert open_rules(r) == ["hf-tf32-arg", "hf-tf32-arg"]  # the program has an expansion: not a plain word
    r = run("run.sh", "python3 -c 'import torch; torch.cuda.synchronize()'\n")
    f = next(f for f in r.findings if f.rule == "shell-inline-python")
    assert "import torch, torch_npu; torch.npu.synchronize()" in f.suggestion


def test_notebook_pip_and_conda_magics_get_the_dependency_rules():
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                     "source": ["%pip install flash-attn einops\n", "%conda install -y pytorch-cuda=12.1 -c nvidia\n",
                                "import torch"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(nb, indent=1) + "\n"
    r = run("nb/setup.ipynb", text)
    assert out(r, text) == text  # findings only
    msgs = sorted(f.message for f in r.findings if not f.fixed)
    assert [m.split(":")[0] for m in msgs] == ["cell 1, line 1", "cell 1, line 2", "cell 1, line 2"]
    assert open_rules(r) == ["conda-cuda", "conda-cuda", "cuda-only-package"]  # no pytorch named: no pin advice


def _by_purepath(path: str):
    from pathlib import PurePosixPath

    p = PurePosixPath(path)
    return p.name, p.parent.name, p.suffix


_NAME_PARTS = ["requirements", "Requirements", "constraints", "-dev", ".txt", ".in", ".py", ".PY", ".cu", ".yaml",
               ".yml", "environment", "conda", "Dockerfile", "dockerfile", ".dockerfile", "CMakeLists", "Makefile",
               "makefile", ".", "..", "a", "b_c", ".sh", ".ipynb", ".cfg", ".mk", "train", " "]


@pytest.mark.parametrize("path", ["a/requirements/base.txt", "requirements-dev.txt", ".env.yaml", "x/.bashrc", "a//b.py",
                                  "./Dockerfile", "a/./requirements/x.txt", "docker/Dockerfile.gpu", "a/b.", "run",
                                  "scripts/requirements/", "CMakeLists.txt", "nb/x.ipynb", "..py", "a/..", "...", ""])
def test_a_paths_name_folder_and_suffix_are_what_purepath_says(path):
    """languages.classify reads a path's parts from the string (one per file of a walk); they are
    PurePosixPath's name, parent.name and suffix, which it was written with."""
    from migrate import languages

    assert languages.path_parts(path) == _by_purepath(path)


def test_any_paths_name_folder_and_suffix_are_what_purepath_says():
    import hypothesis
    import hypothesis.strategies as st

    from migrate import languages

    segment = st.lists(st.sampled_from(_NAME_PARTS), min_size=0, max_size=4).map("".join)

    @hypothesis.settings(max_examples=500, deadline=None)
    @hypothesis.given(st.lists(segment, min_size=1, max_size=4), st.sampled_from(["/", "//", "/./"]))
    def check(parts, sep):
        path = sep.join(parts)
        assert languages.path_parts(path) == _by_purepath(path), path

    check()


# ---------------------------------------------------------------- handler lookup


def test_the_walk_knows_which_languages_have_handlers_without_importing_them(monkeypatch):
    """languages.has_handler answers what handler() would (a module, or None when it is missing)
    without importing the handler: the main process of a run only hands files to workers."""
    import subprocess
    import sys
    from pathlib import Path

    from migrate import languages

    probe = ("import sys\nfrom migrate import languages\n"
             "got = {lang: languages.has_handler(lang) for lang in [*languages.HANDLERS, 'rust']}\n"
             "print(sorted(m for m in sys.modules if m.startswith('migrate.lang.')))\n"
             "print(got == {lang: languages.handler(lang) is not None for lang in got}, got['rust'], all(list(got.values())[:-1]))\n")
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=root)
    assert r.stdout.splitlines() == ["[]", "True False True"], r.stderr
    monkeypatch.setitem(languages.HANDLERS, "fortran", "migrate.lang.fortran")  # not written yet
    assert languages.has_handler("fortran") is False and languages.handler("fortran") is None
