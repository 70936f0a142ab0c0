"""Shell scripts and Makefile recipes: parsed with tree-sitter-bash, so quoting, heredocs and
comments are told apart from commands and variable names.

Matchers (the `matcher` of rules/shell/*.yaml): env-setting (variables from the shared table in
rules/python/env.yaml), nvidia-smi, device-arg, launcher, cuda-index / local-version (pip
arguments, shared with requirements files), cuda-path. The Dockerfile and notebook handlers run
`scan(ctx, start, end)` over the shell parts of their files.
"""

from __future__ import annotations

import re

from migrate.context import FileContext, SkipFile
from migrate.lang.common import first_error_line, options, parse, report_env_name, walk
from migrate.model import Edit, Safety

_ENV_IN_TEXT = re.compile(rb"\b(?:CUDA|NCCL|TORCH_NCCL|PYTORCH_CUDA|NVIDIA|CUDNN)_[A-Z0-9_]*[A-Z0-9]")
_MAKE_VAR = re.compile(rb"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:[?:+!]?=|$)", re.M)
_MAKE_REF = re.compile(rb"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]")
_TORCH_WHL = re.compile(r"(?P<pre>https?://download\.pytorch\.org/whl/(?:[a-z]+/)?)(?P<cu>cu\d{2,3})(?P<post>/?)")
_TORCH_STABLE = re.compile(r"https?://download\.pytorch\.org/whl/(?=torch_stable\.html)")
_LOCAL_CU = re.compile(r"(?P<pin>\b(?:torch|torchvision|torchaudio)(?:\[[^\]]*\])?==?=?[0-9][0-9a-z.]*)(?P<local>\+cu\d{2,3})\b")


def migrate(ctx: FileContext) -> None:
    if ctx.language == "makefile":
        _makefile(ctx)
        return
    root = parse("bash", ctx.source).root_node
    if root.has_error:
        raise SkipFile(f"does not parse as a shell script (near line {first_error_line(root)}); copied unchanged")
    scan_tree(ctx, root, 0)


def scan(ctx: FileContext, start: int, end: int) -> bool:
    """Run the shell rules over bytes [start, end) of ctx.source (a Dockerfile RUN, a notebook
    `!` line). Returns False (and changes nothing) when that part does not parse."""
    root = parse("bash", ctx.source[start:end]).root_node
    if root.has_error:
        return False
    scan_tree(ctx, root, start)
    return True


def scan_tree(ctx: FileContext, root, base: int) -> None:
    for node in walk(root):
        t = node.type
        if t == "variable_name":
            report_env_name(ctx, node.text.decode(), base + node.start_byte, base + node.end_byte)
            if node.parent is not None and node.parent.type == "variable_assignment":
                _cuda_path(ctx, node.parent, base)
        elif t == "command":
            _command(ctx, node, base)
        elif t == "redirected_statement":
            _python_heredoc(ctx, node, base)
        elif t in ("heredoc_body", "raw_string", "string_content"):
            _env_in_text(ctx, node, base)
        elif t == "comment" and node.text.startswith(b"#SBATCH"):
            for rule in ctx.rules_with("slurm-gpu"):
                m = re.search(rule.options["pattern"], node.text.decode())
                if m:
                    ctx.report(rule, base + node.start_byte, base + node.end_byte, directive=m.group(1))


def _words(node) -> list:
    return [c for c in node.children if c.type not in ("command_name", "variable_assignment", "file_redirect",
                                                         "herestring_redirect", "comment")]


def _plain(node) -> str | None:
    """The value of a word or a quoted string without expansions, else None."""
    if node.type in ("word", "number"):
        return node.text.decode()
    if node.type == "raw_string":
        return node.text.decode()[1:-1]
    if node.type == "string":
        parts = [c for c in node.named_children]
        if all(c.type == "string_content" for c in parts):
            return "".join(c.text.decode() for c in parts)
    return None


def _value_span(node, base: int) -> tuple[int, int]:
    """Bytes of a word's value without its quotes."""
    if node.type in ("raw_string", "string"):
        return base + node.start_byte + 1, base + node.end_byte - 1
    return base + node.start_byte, base + node.end_byte


def _command(ctx: FileContext, node, base: int) -> None:
    name_node = node.child_by_field_name("name")
    name = _plain(name_node.named_children[0]) if name_node is not None and name_node.named_children else None
    args = _words(node)
    values = [_plain(a) for a in args]
    if name == "env":  # env [-u NAME] NAME=value ... command
        for a, v in zip(args, values):
            if v is None or v.startswith("-"):
                continue
            var, sep, _ = v.partition("=")
            if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
                break  # the command env runs
            s, _ = _value_span(a, base)
            report_env_name(ctx, var, s, s + len(var.encode()))
    for rule in ctx.rules_with("nvidia-smi"):
        _nvidia_smi(ctx, rule, node, name_node, name, args, values, base)
    for rule in ctx.rules_with("device-arg"):
        _device_args(ctx, rule, args, values, base)
    for rule in ctx.rules_with("launcher"):
        _launcher(ctx, rule, node, name, values, base)
    for a, v in zip(args, values):
        if v is not None:
            s, _ = _value_span(a, base)
            pip_word(ctx, v, s)
    _installer(ctx, name, args, values, base)
    _inline_python(ctx, node, name, args, values, base)
    _cuda_tools(ctx, node, name, args, values, base)
    for rule in ctx.rules_with("tf32-arg"):
        for i, (a, v) in enumerate(zip(args, values)):
            flag, sep, val = (v or "").partition("=")
            if flag != "--tf32":
                continue
            if not sep:  # `--tf32 True`, or a bare `--tf32` (store_true style)
                nxt = values[i + 1] if i + 1 < len(values) else None
                val = nxt if nxt is not None and not nxt.startswith("-") else "true"
            if val.lower() in ("true", "1", "yes"):
                ctx.report(rule, base + a.start_byte, base + a.end_byte)


def _cuda_tools(ctx, node, name, args, values, base) -> None:
    """CUDA toolkit commands (nvcc, nsys, ncu, ...), `module load CUDA/12.1`, and container GPU flags
    (`docker run --gpus all`, `apptainer exec --nv`)."""
    s, e = base + node.start_byte, base + node.end_byte
    for rule in ctx.rules_with("cuda-tool"):
        tools = rule.options["tools"]
        if name in tools:
            ctx.report(rule, s, e, tool=name, advice=tools[name])
        elif name in ("command", "which", "type", "hash"):
            for a, v in zip(args, values):
                if v in tools:
                    ctx.report(rule, s, e, tool=v, advice=tools[v])
    for rule in ctx.rules_with("module-load-cuda"):
        if name in ("module", "ml") and any(v in ("load", "add", "swap") for v in values if v):
            for a, v in zip(args, values):
                if v and re.match(rule.options["modules"], v, re.I):
                    st, _ = _value_span(a, base)
                    ctx.report(rule, st, st + len(v.encode()), module=v)
    tool, words = name, list(zip(args, values))
    while tool in ("exec", "sudo", "nohup", "time") and words and words[0][1]:  # `exec apptainer exec --nv ...`
        tool, words = words[0][1], words[1:]
    for rule in ctx.rules_with("container-gpu-flag"):
        flags = rule.options["flags"].get(tool or "")
        if not flags:
            continue
        args = [a for a, _ in words]
        for i, (a, v) in enumerate(words):
            flag, eq, val = (v or "").partition("=")
            want = flags.get(flag)  # "none": a bare flag; "any": any value; else that value
            if want is None:
                continue
            st, en = base + a.start_byte, base + a.end_byte
            if want != "none" and not eq:
                if i + 1 >= len(words):
                    continue
                val, en = words[i + 1][1] or "", base + words[i + 1][0].end_byte
            if want not in ("none", "any") and val != want:
                continue
            ctx.report(rule, st, en, flag=ctx.snippet(st, en), tool=tool)


def _system_packages(ctx, words, base) -> None:
    """`apt-get install ... libcudnn8 cuda-toolkit-12-1 libnccl2`: CUDA libraries from NVIDIA's repo."""
    if "install" not in [v for v, _ in words]:
        return
    for rule in ctx.rules_with("system-cuda-package"):
        for v, a in words:
            if v and not v.startswith("-") and re.fullmatch(rule.options["packages"], v.split("=", 1)[0]):
                s, _ = _value_span(a, base)
                ctx.report(rule, s, s + len(v.encode()), name=v)


def _inline_python(ctx, node, name, args, values, base) -> None:
    """`python -c "import torch; print(torch.cuda.is_available())"`: the program goes through the
    Python rules; what they would change or report is one finding here (the quoting of a shell
    word is not ours to rewrite)."""
    if not name or not re.fullmatch(r"python[\d.]*", name) or "-c" not in values:
        return
    i = values.index("-c")
    if i + 1 >= len(values) or values[i + 1] is None:
        return
    a = args[i + 1]
    python_program(ctx, values[i + 1], base + a.start_byte, base + a.end_byte)


def _python_heredoc(ctx, node, base) -> None:
    """`python - <<'EOF' ... EOF`: the heredoc is a Python program (left alone when it has `$` expansions)."""
    cmd = next((c for c in node.children if c.type == "command"), None)
    name_node = cmd.child_by_field_name("name") if cmd is not None else None
    name = _plain(name_node.named_children[0]) if name_node is not None and name_node.named_children else None
    if not name or not re.fullmatch(r"python[\d.]*", name):
        return
    for redirect in (c for c in node.children if c.type == "heredoc_redirect"):
        body = next((c for c in redirect.children if c.type == "heredoc_body"), None)
        if body is None or any(c.type != "heredoc_content" for c in body.named_children):
            continue
        python_program(ctx, body.text.decode(), base + body.start_byte, base + body.end_byte)


def python_program(ctx, code: str, start: int, end: int) -> None:
    rules = ctx.rules_with("inline-python")
    if not rules:
        return
    from migrate.core import migrate_file

    r = migrate_file("inline.py", code.encode(), ctx.settings, language="python")
    found = [f for f in r.findings if f.severity.value != "info"] if r.findings else []
    if r.status != "changed" and not found:
        return
    new = r.new_data.decode() if r.status == "changed" and r.new_data else None
    rule = rules[0]
    if "\n" in code.strip():  # a heredoc program: its migrated text as it would be
        ctx.report(rule, start, end, n=len(found), rules=", ".join(sorted({f.rule for f in found})) or "-",
                   how="a heredoc", suggestion=("migrated program:\n" + new) if new else None)
        return
    if new is not None:
        lines = [x.strip() for x in new.splitlines() if x.strip()]
        if "import torch_npu" in lines[1:]:  # added after the one-line program: import it with torch
            rest = [x for x in lines if x != "import torch_npu"]
            joined = "; ".join(rest)
            with_npu = re.sub(r"\bimport torch\b(?![.\w])", "import torch, torch_npu", joined, count=1)
            lines = [with_npu] if with_npu != joined else ["import torch_npu"] + rest
        new = "; ".join(lines)
    ctx.report(rule, start, end, n=len(found), how="python -c",
               rules=", ".join(sorted({f.rule for f in found})) or "-",
               suggestion=(rule.options["suggestion"].format(code=new) if new else None))


# pip options that take a value (the value is not a package)
_PIP_VALUE_OPTS = {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f",
                   "--find-links", "-t", "--target", "--prefix", "--root", "--src", "--upgrade-strategy",
                   "--progress-bar", "--python-version", "--platform", "--implementation", "--abi", "--only-binary",
                   "--no-binary", "--trusted-host", "--cache-dir", "--log", "--proxy", "--retries", "--timeout",
                   "--global-option", "--install-option", "--config-settings", "-C", "--python", "--index"}
_CONDA_VALUE_OPTS = {"-c", "--channel", "-n", "--name", "-p", "--prefix", "--file", "--override-channels"}


def _installer(ctx, name, args, values, base) -> None:
    """`pip install PKG...`, `python -m pip install`, `uv pip install`, `conda/mamba install PKG...`:
    the package words get the dependency rules (CUDA-only packages, conda CUDA builds, torch-npu)."""
    from migrate.lang import requirements as deps

    words = list(zip(values, args))
    if name and re.fullmatch(r"python[\d.]*", name) and values[:2] == ["-m", "pip"]:
        words, kind = words[2:], "pip"
    elif name in ("pip", "pip3") or (name == "uv" and values[:1] == ["pip"]):
        words, kind = (words[1:] if name == "uv" else words), "pip"
    elif name in ("conda", "mamba", "micromamba"):
        kind = "conda"
    elif name in ("apt-get", "apt", "yum", "dnf"):
        _system_packages(ctx, words, base)
        return
    else:
        return
    if not words or words[0][0] not in ("install", "create"):
        return
    value_opts = _PIP_VALUE_OPTS if kind == "pip" else _CONDA_VALUE_OPTS
    reqs = []
    skip = False
    for i, (v, a) in enumerate(words[1:], 1):
        if skip:
            skip = False
            if kind == "conda" and words[i - 1][0] in ("-c", "--channel") and v is not None:
                s, _ = _value_span(a, base)
                for rule in ctx.rules_with("conda-cuda"):
                    if v in rule.options["channels"]:
                        ctx.report(rule, s, s + len(v.encode()), name=v, advice=rule.options["channel_advice"])
            continue
        if v is None:
            continue
        if v.startswith("-"):
            skip = v in value_opts
            if kind == "pip" and v in ("-e", "--editable"):
                skip = False
            continue
        s, _ = _value_span(a, base)
        if kind == "pip":
            req = deps.parse_requirement(v, s)
            if req is not None:
                reqs.append(req)
                deps.requirement(ctx, req, pip_words=False)
        else:
            req = deps.conda_requirement(v, s)
            if req is not None:
                reqs.append(req)
                deps._conda_package(ctx, req)
    deps.torch_npu_pin(ctx, reqs, None)


def _nvidia_smi(ctx, rule, node, name_node, name, args, values, base) -> None:
    if name == "nvidia-smi":
        standalone = node.parent is not None and node.parent.type in ("program", "list", "compound_statement",
                                                                       "do_group", "if_statement", "else_clause",
                                                                       "elif_clause", "case_item", "subshell")
        s, e = base + node.start_byte, base + node.end_byte
        if not args and standalone:
            w = name_node.named_children[0]
            ctx.report(rule, s, e, edits=[Edit(base + w.start_byte, base + w.end_byte, rule.options["replacement"])],
                       old="nvidia-smi", new=rule.options["replacement"])
        else:
            ctx.report(rule, s, e, message=rule.options["manual_message"].format(use=ctx.snippet(s, e)))
        return
    for a, v in zip(args, values):
        if v == "nvidia-smi":
            s, e = base + node.start_byte, base + node.end_byte
            ctx.report(rule, s, e, message=rule.options["manual_message"].format(use=ctx.snippet(s, e)))


def _device_args(ctx, rule, args, values, base) -> None:
    device_args(ctx, rule, [(v, _value_span(a, base)[0]) for a, v in zip(args, values)])


def device_args(ctx, rule, items) -> None:
    """`items`: the command's arguments as (plain value or None, byte offset of the value)."""
    flags = rule.options["flags"]  # flag -> {old value: new value}
    for i, (v, start) in enumerate(items):
        if v is None:
            continue
        flag, sep, val = v.partition("=")
        if flag not in flags:
            continue
        if sep:
            vstart = start + len((flag + "=").encode())
            target = val
        elif i + 1 < len(items) and items[i + 1][0] is not None:
            target, vstart = items[i + 1]
        else:
            continue
        kind, _, index = target.partition(":")
        new = flags[flag].get(kind)
        if new is None or (index and not index.isdigit()):
            continue
        new_val = new + (":" + index if index else "")
        ctx.report(rule, vstart, vstart + len(target.encode()),
                   edits=[Edit(vstart, vstart + len(target.encode()), new_val)], old=f"{flag} {target}", new=f"{flag} {new_val}")


def _launcher(ctx, rule, node, name, values, base) -> None:
    launchers = rule.options["launchers"]
    key = None
    if name in launchers:
        key = name
    elif name and re.fullmatch(r"python[\d.]*", name):
        for i, v in enumerate(values[:-1]):
            if v == "-m" and values[i + 1] in launchers:
                key = values[i + 1]
                break
    if key is not None:
        ctx.report(rule, base + node.start_byte, base + node.end_byte, launcher=key, advice=launchers[key])


def _cuda_path(ctx, assignment, base) -> None:
    name = assignment.child_by_field_name("name")
    value = assignment.child_by_field_name("value")
    if name is None or value is None:
        return
    for rule in ctx.rules_with("cuda-path"):
        if name.text.decode() in rule.options["variables"] and re.search(rule.options["pattern"], value.text.decode()):
            ctx.report(rule, base + assignment.start_byte, base + assignment.end_byte, name=name.text.decode())


def _env_in_text(ctx, node, base) -> None:
    """A variable named inside a heredoc or a quoted string (e.g. a generated .env file or a
    `python -c` program): proposed, never applied by default (unsafe)."""
    if node.type == "string_content" and node.parent is not None and node.parent.type != "string":
        return
    for m in _ENV_IN_TEXT.finditer(node.text):
        s, e = base + node.start_byte + m.start(), base + node.start_byte + m.end()
        report_env_name(ctx, m.group().decode(), s, e, safety=Safety.UNSAFE)


def pip_word(ctx, value: str, start: int) -> None:
    """A pip argument: a CUDA wheel index URL or a `torch==X+cuYYY` pin (requirement rules)."""
    for rule in ctx.rules_with("cuda-index"):
        m = _TORCH_WHL.match(value)
        if m:
            s = start + len(value[:m.start("cu")].encode())
            ctx.report(rule, s, s + len(m.group("cu")), edits=[Edit(s, s + len(m.group("cu")), "cpu")],
                       old=m.group(0), new=m.group("pre") + "cpu" + m.group("post"))
        m = _TORCH_STABLE.match(value)
        if m:  # the page of every build (CUDA and CPU): the CPU one
            s = start + len(m.group().encode())
            ctx.report(rule, s, s, edits=[Edit(s, s, "cpu/")], old=value, new=m.group() + "cpu/torch_stable.html")
    for rule in ctx.rules_with("local-version"):
        for m in _LOCAL_CU.finditer(value):
            s = start + len(value[:m.start("local")].encode())
            e = s + len(m.group("local"))
            ctx.report(rule, s, e, edits=[Edit(s, e, "")], old=m.group(0), new=m.group("pin"))


# --------------------------------------------------------------------------------------------
# Makefiles: recipe lines (after a tab) are shell; variable definitions and $(VAR) references
# are checked against the env table.


def _makefile(ctx: FileContext) -> None:
    src = ctx.source
    pos = 0
    while pos < len(src):
        nl = src.find(b"\n", pos)
        end = len(src) if nl == -1 else nl + 1
        if src.startswith(b"\t", pos):
            # a recipe line and its backslash continuations
            while end < len(src) and src[pos:end].rstrip(b"\r\n").endswith(b"\\"):
                nl = src.find(b"\n", end)
                end = len(src) if nl == -1 else nl + 1
            _recipe(ctx, pos + 1, end)
        else:
            m = _MAKE_VAR.match(src, pos, end)
            if m and not src[pos:end].lstrip().startswith(b"#"):
                report_env_name(ctx, m.group(1).decode(), m.start(1), m.end(1))
        pos = end
    for m in _MAKE_REF.finditer(src):
        report_env_name(ctx, m.group(1).decode(), m.start(1), m.end(1))


def _recipe(ctx: FileContext, start: int, end: int) -> None:
    line = ctx.source[start:end]
    prefix = len(line) - len(line.lstrip(b"@-+"))  # make's echo/ignore-error prefixes
    # `$(VAR)` is make's, `$$` a literal `$`; both become same-length bash so offsets stay
    masked = _MAKE_REF.sub(lambda m: b"_" * len(m.group()), line[prefix:]).replace(b"$$", b" $")
    root = parse("bash", masked).root_node
    if root.has_error:
        return
    scan_tree(ctx, root, start + prefix)
