"""Dependency lists: requirements*.txt / constraints*.txt (pip's line format), conda
environment.yml (tree-sitter-yaml), and, called from the config handler, pyproject.toml
`[project]` dependencies and setup.cfg `install_requires`.

One requirement is one string at a known byte offset; `requirement(ctx, text, start, ...)` runs
the dependency rules over it (matchers local-version, cuda-package, torch-npu-pin). Edits are
byte spans inside that string, so comments, markers, hashes and order stay as they were.
PEP 440 matching (`packaging`) pairs a pinned torch with its torch_npu from versions.tsv.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from migrate.context import FileContext, SkipFile
from migrate.lang import shell
from migrate.lang.common import first_error_line, parse, walk
from migrate.model import Edit, Safety

_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_PIN = re.compile(r"\s*(?:\[[^\]]*\])?\s*===?\s*([0-9][0-9A-Za-z.!*]*)(\+[0-9A-Za-z.]+)?\s*(?:;|$|#|,)")
_CONDA = re.compile(r"\s*(?:[\w.-]+::)?([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Requirement:
    name: str  # canonical
    text: str
    start: int  # byte offset of `text` in ctx.source
    end: int
    pin: str | None  # `X.Y.Z` of `==X.Y.Z[+local]`, else None
    url: bool = False  # a bare URL (`git+https://...#egg=NAME`): the name is not written in the text


@dataclass
class Insertion:
    """How to add a new requirement after `after` in this file's own format."""

    after: Requirement
    make: object  # callable(req_text) -> Edit


_URL = re.compile(r"\s*(?:[a-z]+\+)?(?:https?|ssh|file|git)://\S+")


def url_name(url: str) -> str | None:
    """The project a direct URL installs: `#egg=NAME`, else the repository or archive name
    (`git+https://github.com/NVIDIA/apex.git@v1` -> apex)."""
    m = re.search(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)", url)
    if m:
        return m.group(1)
    path = re.split(r"[#?]", url, maxsplit=1)[0].rstrip("/")
    last = path.rsplit("/", 1)[-1].split("@", 1)[0]
    last = re.sub(r"\.git$", "", last)
    last = re.sub(r"(-\d[^/]*)?\.(tar\.gz|zip|whl|tgz)$", "", last)
    return last if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", last or "") else None


def parse_requirement(text: str, start: int) -> Requirement | None:
    if text.lstrip().startswith(("-", "#")):
        return None
    if _URL.match(text):  # a bare VCS/archive URL: named by its egg or repository
        name = url_name(text.strip())
        return Requirement(canonical(name), text, start, start + len(text.encode()), None, url=True) if name else None
    m = _NAME.match(text)
    if not m:
        return None
    rest = text[m.end():]
    pin = _PIN.match(rest)
    return Requirement(canonical(m.group(1)), text, start, start + len(text.encode()), pin.group(1) if pin else None)


def requirement(ctx: FileContext, req: Requirement, pip_words: bool = True) -> None:
    """The per-requirement rules: `+cuXXX` local versions and CUDA-only packages (`pip_words`
    False when the caller already ran the pip-argument rules over the text)."""
    if pip_words:
        shell.pip_word(ctx, req.text, req.start)
    for rule in ctx.rules_with("cuda-package"):
        hit = cuda_package(rule, req.name)
        if hit is None:
            extra = _cuda_extra(rule, req)
            if extra:
                ctx.report(rule, req.start, req.end, api=req.name, name=f"{req.name}[{extra}]",
                           advice=rule.options["extra_advice"])
            continue
        advice, replacement = hit
        edits = []
        if replacement and ctx.language != "conda" and not req.url:
            m = _NAME.match(req.text)
            s = req.start + len(req.text[:m.start(1)].encode())
            edits = [Edit(s, s + len(m.group(1).encode()), replacement)]
        ctx.report(rule, req.start, req.end, edits=edits, safety=Safety.UNSAFE if edits else None,
                   api=req.name, name=req.name, advice=advice)


def _cuda_extra(rule, req: Requirement) -> str | None:
    """A CUDA extra of an otherwise portable package: `jax[cuda12]`, `tensorflow[and-cuda]`."""
    m = re.match(r"\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*\[([^\]]*)\]", req.text)
    if not m or req.url:
        return None
    for extra in m.group(1).split(","):
        if re.fullmatch(rule.options["extras"], extra.strip().lower()):
            return extra.strip()
    return None


def cuda_package(rule, name: str) -> tuple[str, str | None] | None:
    for entry in rule.options["packages"]:
        if re.fullmatch(entry["match"], name):
            return entry["advice"], entry.get("replace")
    return None


@cache
def _pairs() -> list[tuple[object, object]]:
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    from migrate import tables

    return sorted(((Version(npu), SpecifierSet(spec)) for npu, spec in tables.version_pairs().items()),
                  key=lambda p: p[0], reverse=True)


def torch_npu_for(torch_version: str) -> tuple[str, str] | None:
    """The newest torch_npu whose wheel accepts this torch release (local label ignored):
    (torch_npu version, its torch specifier)."""
    from packaging.version import InvalidVersion, Version

    try:
        v = Version(torch_version)
    except InvalidVersion:
        return None
    for npu, spec in _pairs():
        # the wheel pins e.g. ==2.1.0+cpu: compare releases, the local build label is the index's business
        for s in spec:
            target = s.version.split("+")[0].rstrip(".*")
            if s.operator == "==" and Version(target).release == v.release[:len(Version(target).release)] \
                    and len(Version(target).release) >= 2:
                return str(npu), str(spec)
    return None


def torch_npu_pin(ctx: FileContext, reqs: list[Requirement], insert) -> None:
    """After a pinned torch, add the matching torch-npu pin (unless the file has one)."""
    rules = ctx.rules_with("torch-npu-pin")
    if not rules or any(r.name == "torch-npu" for r in reqs):
        return
    torch = next((r for r in reqs if r.name in ("torch", "pytorch")), None)
    if torch is None:
        return
    rule = rules[0]
    if torch.pin is None:
        newest = _pairs()[0][0]
        ctx.report(rule, torch.start, torch.end, message=rule.options["unpinned_message"].format(latest=newest))
        return
    pair = torch_npu_for(torch.pin)
    if pair is None:
        ctx.report(rule, torch.start, torch.end, message=rule.options["unknown_message"].format(torch=torch.pin))
        return
    npu, spec = pair
    line = f"torch-npu=={npu}"
    edit = insert(torch, line) if insert is not None and ctx.language != "conda" else None
    ctx.report(rule, torch.start, torch.end, edits=[edit] if edit else [], torch=torch.pin, npu=npu, spec=spec,
               new=line)


# --------------------------------------------------------------------------------------------
# requirements.txt / constraints.txt


def migrate(ctx: FileContext) -> None:
    if ctx.language == "conda":
        _conda(ctx)
        return
    reqs = []
    src = ctx.source
    pos = 0
    for raw in src.splitlines(keepends=True):
        line = raw.rstrip(b"\r\n")
        text = line.decode("utf-8")
        body = re.split(r"(?:^|\s)#", text, maxsplit=1)[0]
        if body.lstrip().startswith("-"):
            _option(ctx, body, pos)
        else:
            req = parse_requirement(body.rstrip(), pos)
            if req is not None:
                reqs.append(req)
                requirement(ctx, req)
        pos += len(raw)
    newline = "\r\n" if b"\r\n" in src else "\n"

    def insert(after: Requirement, text: str) -> Edit:
        end = src.find(b"\n", after.start)
        if end == -1:
            return Edit(len(src), len(src), newline + text)
        return Edit(end + 1, end + 1, text + newline)

    torch_npu_pin(ctx, reqs, insert)


def _option(ctx: FileContext, body: str, start: int) -> None:
    """`--extra-index-url URL`, `-f URL`, `--index-url=URL`: pip options on their own line."""
    m = re.match(r"\s*(--?[A-Za-z-]+)(?:\s*=\s*|\s+)(\S+)", body)
    if not m:
        return
    url_start = start + len(body[:m.start(2)].encode())
    shell.pip_word(ctx, m.group(2), url_start)
    if m.group(1) in ("-e", "--editable"):  # `-e git+https://github.com/NVIDIA/apex#egg=apex`
        req = parse_requirement(m.group(2), url_start)
        if req is not None:
            requirement(ctx, req, pip_words=False)
    for rule in ctx.rules_with("cuda-index-manual"):
        if any(re.search(p, m.group(2)) for p in rule.options["patterns"]):
            ctx.report(rule, url_start, url_start + len(m.group(2).encode()), url=m.group(2))


# --------------------------------------------------------------------------------------------
# conda environment.yml: channels, conda packages, and the nested `pip:` list


def _conda(ctx: FileContext) -> None:
    root = parse("yaml", ctx.source).root_node
    if root.has_error:
        raise SkipFile(f"does not parse as YAML (near line {first_error_line(root)}); copied unchanged")
    from migrate.lang.config import mapping_pairs, scalar_items

    for key, value in mapping_pairs(root):
        if key == "channels":
            for text, s, e in scalar_items(value):
                for rule in ctx.rules_with("conda-cuda"):
                    if text in rule.options["channels"]:
                        ctx.report(rule, s, e, name=text, advice=rule.options["channel_advice"])
        elif key == "dependencies":
            reqs = []
            for item in _seq_items(value):
                sub = _pip_list(item)
                if sub is not None:
                    pip_reqs = []
                    for text, s, e in scalar_items(sub):
                        req = parse_requirement(text, s)
                        if req is not None:
                            pip_reqs.append(req)
                            requirement(ctx, req)
                    reqs += pip_reqs
                    continue
                for text, s, e in _scalar_of(item):
                    req = conda_requirement(text, s)
                    if req is None:
                        continue
                    reqs.append(req)
                    _conda_package(ctx, req)
            torch_npu_pin(ctx, reqs, None)  # conda has no torch-npu package: advice only


def conda_requirement(text: str, start: int) -> Requirement | None:
    """A conda match spec: `pytorch=2.1.0`, `pytorch-cuda=12.1`, `conda-forge::cudatoolkit`."""
    m = _CONDA.match(text)
    if not m:
        return None
    pin = re.match(r"==?([0-9][0-9A-Za-z.]*)(?:=|$)", text[m.end():])
    return Requirement(canonical(m.group(1)), text, start, start + len(text.encode()), pin.group(1) if pin else None)


def _conda_package(ctx: FileContext, req: Requirement) -> None:
    for rule in ctx.rules_with("conda-cuda"):
        advice = rule.options["packages"].get(req.name)
        if advice is None and re.search(r"(^|[=_])cuda", req.text.split("=", 1)[-1]) and "=" in req.text:
            advice = rule.options["build_advice"]
        if advice:
            ctx.report(rule, req.start, req.end, name=req.text, advice=advice)
    for rule in ctx.rules_with("cuda-package"):
        hit = cuda_package(rule, req.name)
        if hit:
            ctx.report(rule, req.start, req.end, api=req.name, name=req.name, advice=hit[0])


def _scalar_of(item):
    from migrate.lang.config import _yaml_scalar

    kids = [k for k in item.named_children if k.type != "comment"] if item.type == "block_sequence_item" else [item]
    scalar = _yaml_scalar(kids[0]) if kids else None
    return [scalar[:3]] if scalar else []


def _seq_items(node):
    for n in walk(node):
        if n.type == "block_sequence":
            return [c for c in n.named_children if c.type == "block_sequence_item"]
        if n.type == "flow_sequence":
            return list(n.named_children)
    return []


def _pip_list(item):
    """The sequence under `- pip:` in a conda dependency list, or None."""
    from migrate.lang.config import mapping_pairs

    for key, value in mapping_pairs(item, depth=1):
        if key == "pip":
            return value
    return None
