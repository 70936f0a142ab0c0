"""The config matchers: each looks at the flat leaves of a YAML/JSON/TOML/INI file (key path,
value, byte spans) and reports findings whose edits replace only a value's or a key's bytes."""

from __future__ import annotations

import re

from migrate.context import FileContext
from migrate.lang import requirements, shell
from migrate.lang.common import options, report_env_name
from migrate.lang.config import Leaf
from migrate.model import Edit

_DEVICE_VALUE = re.compile(r"(cuda)(:\d+)?")


def run(ctx: FileContext, items: list[Leaf]) -> None:
    scalars = [x for x in items if x.value is not None]
    for leaf in scalars:
        _device(ctx, leaf)
        _backend(ctx, leaf)
        _accelerate(ctx, leaf)
        _k8s(ctx, leaf)
        _compose(ctx, leaf)
        _runner(ctx, leaf)
        if leaf.key == "image" and leaf.value:
            from migrate.lang.docker import base_image

            base_image(ctx, leaf.value, leaf.start, leaf.end)
        if ctx.language == "yaml":
            _env(ctx, leaf)
            _run_step(ctx, leaf)
            _container_command(ctx, leaf, scalars)
    if ctx.language == "yaml":
        _compose_capabilities(ctx, scalars)
        _argv_lists(ctx, scalars)
    _deepspeed(ctx, items)
    _dependencies(ctx, scalars)


def _key_matches(rule, key: str | None) -> bool:
    if key is None:
        return False
    opts = options(rule)
    return key.lower() in opts.get("keys", ()) or bool(opts.get("names") and re.search(opts["names"], key.lower()))


def _review(ctx, leaf: Leaf, what: str) -> None:
    p = leaf.path
    if len(p) >= 2 and isinstance(p[-1], int) and p[-2] in ("command", "args", "entrypoint"):
        return  # an argument vector: device-arg decides by the flag before it
    for rule in ctx.rules_with("config-review"):
        if re.fullmatch(rule.options["values"], leaf.value):
            ctx.report(rule, leaf.start, leaf.end, value=leaf.value, key=leaf.key or "?", what=what)


def _device(ctx, leaf: Leaf) -> None:
    m = _DEVICE_VALUE.fullmatch(leaf.value)
    for rule in ctx.rules_with("device-value"):
        opts = options(rule)
        key = (leaf.key or "").lower()
        accel = opts.get("accelerator_values", {}) if key in opts.get("accelerator_keys", ()) else {}
        if leaf.value.lower() in accel:
            new = accel[leaf.value.lower()]
            new = new.upper() if leaf.value.isupper() else new
        elif m and _key_matches(rule, leaf.key):
            new = "npu" + (m.group(2) or "")
        else:
            if m:
                _review(ctx, leaf, "device")
            continue
        ctx.report(rule, leaf.start, leaf.end, edits=[Edit(leaf.start, leaf.end, new)],
                   old=f"{leaf.key}: {leaf.value}", new=f"{leaf.key}: {new}")


def _backend(ctx, leaf: Leaf) -> None:
    if leaf.value.lower() != "nccl":
        return
    for rule in ctx.rules_with("backend-value"):
        if _key_matches(rule, leaf.key):
            new = "HCCL" if leaf.value.isupper() else "hccl"
            ctx.report(rule, leaf.start, leaf.end, edits=[Edit(leaf.start, leaf.end, new)],
                       old=f"{leaf.key}: {leaf.value}", new=f"{leaf.key}: {new}")
        else:
            _review(ctx, leaf, "backend")


def _accelerate(ctx, leaf: Leaf) -> None:
    for rule in ctx.rules_with("accelerate"):
        new = rule.options["values"].get(leaf.value) if leaf.key in rule.options["keys"] else None
        if new:
            ctx.report(rule, leaf.start, leaf.end, edits=[Edit(leaf.start, leaf.end, new)], old=leaf.value, new=new)


def _k8s(ctx, leaf: Leaf) -> None:
    for rule in ctx.rules_with("k8s-resource"):
        if "resource" not in rule.options:
            continue  # the follow-up rules below share the matcher
        resource = rule.options["resource"]
        key = leaf.key or ""
        in_resources = any(p in ("limits", "requests") for p in leaf.path if isinstance(p, str))
        if key == resource and in_resources and leaf.key_start >= 0:
            new = rule.options["replacement"]
            ctx.report(rule, leaf.key_start, leaf.key_end, edits=[Edit(leaf.key_start, leaf.key_end, new)],
                       old=resource, new=new)
            ctx.report("k8s-device-plugin", leaf.key_start, leaf.end, resource=new)
        elif resource in key or (leaf.value and leaf.value.startswith(rule.options["prefix"])):
            s = leaf.key_start if leaf.key_start >= 0 else leaf.start
            ctx.report("k8s-nvidia-scheduling", s, leaf.end, what=ctx.snippet(s, leaf.end))


def _compose(ctx, leaf: Leaf) -> None:
    for rule in ctx.rules_with("compose-gpu"):
        if leaf.key in rule.options["keys"] and leaf.value.lower() == "nvidia":
            s = leaf.key_start if leaf.key_start >= 0 else leaf.start
            ctx.report(rule, s, leaf.end, what=ctx.snippet(s, leaf.end))
        elif "devices" in leaf.path and re.fullmatch(r"/dev/nvidia[\w-]*(:\S*)?", leaf.value):
            ctx.report(rule, leaf.start, leaf.end, what=leaf.value)


def _compose_capabilities(ctx, scalars: list[Leaf]) -> None:
    """`capabilities: [gpu]` in a device reservation that names no `driver: nvidia` (the GPU driver is
    then implied)."""
    rules = ctx.rules_with("compose-gpu")
    if not rules:
        return
    with_driver = {x.path[:-1] for x in scalars if x.key == "driver" and x.value.lower() == "nvidia"}
    for leaf in scalars:
        p = leaf.path
        if "devices" in p and "capabilities" in p and leaf.value == "gpu":
            entry = p[:p.index("capabilities")]
            if entry not in with_driver:
                ctx.report(rules[0], leaf.start, leaf.end, what=f"capabilities: [{leaf.value}]")


def _container_command(ctx, leaf: Leaf, items: list[Leaf]) -> None:
    """compose `command:`/`entrypoint:` strings are shell; list forms (compose, Kubernetes
    `command`/`args`) are argument vectors like a Dockerfile's exec form."""
    from migrate.lang import shell

    p = leaf.path
    if leaf.key in ("command", "entrypoint") and "services" in p and isinstance(p[-1], str):
        if leaf.quoted and "\\" in leaf.value:
            return
        shell.scan(ctx, leaf.start, leaf.end)


def _argv_lists(ctx, scalars: list[Leaf]) -> None:
    from migrate.lang import shell

    lists: dict[tuple, list[Leaf]] = {}
    for leaf in scalars:
        p = leaf.path
        if len(p) >= 2 and isinstance(p[-1], int) and p[-2] in ("command", "args", "entrypoint") \
                and ("services" in p or "containers" in p or "initContainers" in p):
            lists.setdefault(p[:-1], []).append(leaf)
    for rule in ctx.rules_with("device-arg"):
        for argv in lists.values():
            shell.device_args(ctx, rule, [(x.value, x.start) for x in argv])


def _runner(ctx, leaf: Leaf) -> None:
    if "runs-on" not in leaf.path:
        return
    for rule in ctx.rules_with("gha-runner"):
        if re.search(rule.options["paths"], ctx.path) and re.search(rule.options["labels"], leaf.value, re.I):
            ctx.report(rule, leaf.start, leaf.end, label=leaf.value)


def _run_step(ctx, leaf: Leaf) -> None:
    """A CI step's `run:` script (GitHub Actions, GitLab `script:` lines) goes through the shell rules."""
    if leaf.key not in ("run", "script", "before_script") or not leaf.value:
        return
    from migrate.lang import shell

    if leaf.quoted and ctx.source[leaf.start - 1:leaf.start] in (b'"', b"'") and "\\" in leaf.value:
        return  # escapes inside a quoted scalar: offsets would not match the shell text
    shell.scan(ctx, leaf.start, leaf.end)


def _env(ctx, leaf: Leaf) -> None:
    path = leaf.path
    blocks = ("env", "environment")
    if len(path) >= 2 and path[-2] in blocks and isinstance(path[-1], str) and leaf.key_start >= 0:
        report_env_name(ctx, path[-1], leaf.key_start, leaf.key_start + len(path[-1].encode()))
    elif len(path) >= 3 and path[-3] in blocks and isinstance(path[-2], int) and path[-1] == "name":
        report_env_name(ctx, leaf.value, leaf.start, leaf.end)
    elif len(path) >= 2 and path[-2] in blocks and isinstance(path[-1], int) and "=" in leaf.value:
        name = leaf.value.split("=", 1)[0]
        report_env_name(ctx, name, leaf.start, leaf.start + len(name.encode()))


def _deepspeed(ctx, items: list[Leaf]) -> None:
    rules = ctx.rules_with("deepspeed")
    if not rules:
        return
    by_path = {x.path: x for x in items}
    for rule in rules:
        if not any((k,) in by_path for k in rule.options["detect"]):
            continue
        for feature in rule.options["features"]:
            path = tuple(feature["path"].split("."))
            leaf = by_path.get(path)
            if leaf is None:
                continue
            values = feature.get("values")
            if values is not None and (leaf.value is None or leaf.value.lower() not in [str(v).lower() for v in values]):
                continue
            s = leaf.key_start if leaf.key_start >= 0 else leaf.start
            e = leaf.end if leaf.value is not None else leaf.key_end
            ctx.report(rule, s, e, feature=feature["path"], advice=feature["advice"], api=f"deepspeed:{feature['path']}")


# --------------------------------------------------------------------------------------------
# pyproject.toml [project] dependencies, setup.cfg install_requires


def _is_dependency(ctx, path) -> bool:
    if ctx.language == "toml":
        return (path[:2] in (("project", "dependencies"), ("build-system", "requires")) and len(path) == 3) or \
            (path[:2] == ("project", "optional-dependencies") and len(path) == 4)
    if ctx.language == "ini":
        return (path[:2] == ("options", "install_requires")) or \
            (len(path) >= 2 and path[0] == "options.extras_require")
    return False


def _poetry_name(path) -> str | None:
    """The package of a Poetry dependency leaf: [tool.poetry.dependencies] / [tool.poetry.group.G.dependencies]
    `name = "1.2"` or `name = {version = ..., ...}`."""
    if path[:3] == ("tool", "poetry", "dependencies") and len(path) >= 4:
        name = path[3]
    elif path[:3] == ("tool", "poetry", "group") and len(path) >= 6 and path[4] == "dependencies":
        name = path[5]
    elif path[:3] == ("tool", "poetry", "dev-dependencies") and len(path) >= 4:
        name = path[3]
    else:
        return None
    return name if isinstance(name, str) and name != "python" else None


def _dependencies(ctx, scalars: list[Leaf]) -> None:
    name = ctx.path.rsplit("/", 1)[-1]
    if ctx.language in ("toml", "yaml", "ini"):  # index URLs anywhere: [[tool.uv.index]], [[tool.poetry.source]]
        for leaf in scalars:
            if leaf.value and leaf.value.startswith(("https://download.pytorch.org/", "http://download.pytorch.org/")) \
                    and not _is_dependency(ctx, leaf.path):
                shell.pip_word(ctx, leaf.value, leaf.start)
    if ctx.language == "yaml" and name in ("cog.yaml", "cog.yml"):
        _cog(ctx, scalars)
        return
    if not re.fullmatch(r"pyproject[\w.-]*\.toml|setup\.cfg", name):
        return
    seen = set()
    for leaf in scalars:  # Poetry: the package is the key
        pkg = _poetry_name(leaf.path) if ctx.language == "toml" else None
        if pkg is None or pkg in seen:
            continue
        seen.add(pkg)
        s, e = (leaf.key_start, leaf.key_end) if len(leaf.path) in (4, 6) and leaf.key == pkg else (leaf.start, leaf.end)
        req = requirements.Requirement(requirements.canonical(pkg), ctx.snippet(s, e), s, e, None)
        requirements.requirement(ctx, req, pip_words=False)
    groups: dict[tuple, list] = {}
    for leaf in scalars:
        if not _is_dependency(ctx, leaf.path) or not leaf.value:
            continue
        text = leaf.value
        if ctx.language == "ini":
            text = re.split(r"(?:^|\s)#", text, maxsplit=1)[0].rstrip()
        req = requirements.parse_requirement(text, leaf.start)
        if req is None:
            continue
        requirements.requirement(ctx, req)
        groups.setdefault(leaf.path[:-1] if isinstance(leaf.path[-1], int) else leaf.path, []).append((req, leaf))
    for path, pairs in groups.items():
        if path[0] == "build-system":
            continue
        leaf_of = {id(r): leaf for r, leaf in pairs}

        def insert(after, text, leaf_of=leaf_of):
            return _insert_after(ctx, leaf_of[id(after)], text)

        requirements.torch_npu_pin(ctx, [r for r, _ in pairs], insert)


def _cog(ctx, scalars: list[Leaf]) -> None:
    """Replicate's cog.yaml: `build.python_packages` are requirements; `build.gpu: true` and
    `build.cuda` select a CUDA base image."""
    reqs = []
    for leaf in scalars:
        if leaf.path[:2] == ("build", "python_packages") and len(leaf.path) == 3 and leaf.value:
            req = requirements.parse_requirement(leaf.value, leaf.start)
            if req is not None:
                reqs.append(req)
                requirements.requirement(ctx, req)
        elif leaf.path in (("build", "gpu"), ("build", "cuda"), ("build", "cudnn")):
            if leaf.path[1] == "gpu" and leaf.value.lower() != "true":
                continue
            for rule in ctx.rules_with("cog-gpu"):
                ctx.report(rule, leaf.key_start, leaf.end, key=".".join(leaf.path), value=leaf.value)
    requirements.torch_npu_pin(ctx, reqs, None)


def _insert_after(ctx, leaf: Leaf, text: str) -> Edit | None:
    src = ctx.source
    nl = "\r\n" if b"\r\n" in src else "\n"
    line_start = src.rfind(b"\n", 0, leaf.start) + 1
    line_end = src.find(b"\n", leaf.end)
    line_end = len(src) if line_end == -1 else line_end
    if ctx.language == "ini":
        if not isinstance(leaf.path[-1], int):
            return None  # a one-line `install_requires = torch`: the finding says what to add
        indent = src[line_start:leaf.start].decode()
        return Edit(line_end + 1, line_end + 1, indent + text + nl) if line_end < len(src) else \
            Edit(line_end, line_end, nl + indent + text)
    node = leaf.node  # a TOML string
    quote = src[node.start_byte:leaf.start].decode()
    item = f"{quote}{text}{quote}"
    before = src[line_start:node.start_byte]
    after = node.next_sibling
    if before.strip() == b"":  # one item per line
        indent = before.decode()
        if after is not None and after.type == ",":  # after the line (and its comment, if any)
            p = src.find(b"\n", after.end_byte)
            p = len(src) if p == -1 else p - (1 if src[p - 1:p] == b"\r" else 0)
            return Edit(p, p, f"{nl}{indent}{item},")
        return Edit(node.end_byte, node.end_byte, f",{nl}{indent}{item}")
    return Edit(node.end_byte, node.end_byte, f", {item}")
