"""Dockerfiles, parsed with tree-sitter-dockerfile: CUDA base images (a finding suggesting a
CANN image), ENV/ARG variables through the shared env table, shell-form RUN lines through the
shell rules (tree-sitter-bash over the instruction's own bytes), exec-form arguments through the
device-arg and launcher rules."""

from __future__ import annotations

import json
import re

from migrate.context import FileContext, SkipFile
from migrate.lang import shell
from migrate.lang.common import first_error_line, parse, report_env_name


def migrate(ctx: FileContext) -> None:
    root = parse("dockerfile", ctx.source).root_node
    if root.has_error:
        raise SkipFile(f"does not parse as a Dockerfile (near line {first_error_line(root)}); copied unchanged")
    for node in root.named_children:
        t = node.type
        if t == "from_instruction":
            spec = next((c for c in node.named_children if c.type == "image_spec"), None)
            if spec is not None:
                base_image(ctx, spec.text.decode(), node.start_byte, node.end_byte)
        elif t in ("env_instruction", "arg_instruction"):
            _variables(ctx, node)
        elif t in ("run_instruction", "cmd_instruction", "entrypoint_instruction"):
            for c in node.named_children:
                if c.type == "shell_command":
                    if not shell.scan(ctx, c.start_byte, c.end_byte):
                        _unparsed(ctx, c)
                elif c.type == "json_string_array":
                    _exec_form(ctx, c)


def base_image(ctx: FileContext, image: str, start: int, end: int) -> None:
    """A CUDA base image (FROM line, or an `image:` value in compose/Kubernetes YAML)."""
    for rule in ctx.rules_with("base-image"):
        for pattern in rule.options["images"]:
            if re.search(pattern, image):
                ctx.report(rule, start, end, image=image, api=image)
                break


def _variables(ctx: FileContext, node) -> None:
    if node.type == "arg_instruction":
        name = next((c for c in node.named_children if c.type == "unquoted_string"), None)
        pairs = [(name, None)] if name is not None else []
    else:
        pairs = []
        for pair in node.named_children:
            if pair.type == "env_pair":
                kids = [c for c in pair.named_children]
                if kids:
                    pairs.append((kids[0], kids[1] if len(kids) > 1 else None))
    for name, value in pairs:
        report_env_name(ctx, name.text.decode(), name.start_byte, name.end_byte)
        if value is not None:
            for rule in ctx.rules_with("cuda-path"):
                if name.text.decode() in rule.options["variables"] and re.search(rule.options["pattern"], value.text.decode()):
                    ctx.report(rule, name.start_byte, value.end_byte, name=name.text.decode())


def _exec_form(ctx: FileContext, array) -> None:
    items = []
    for s in array.named_children:
        if s.type != "json_string":
            continue
        try:
            value = json.loads(s.text.decode())
        except ValueError:
            value = None
        raw_inner = s.text.decode()[1:-1]
        items.append((value if value == raw_inner else None, s.start_byte + 1))
    values = [v for v, _ in items]
    for rule in ctx.rules_with("device-arg"):
        shell.device_args(ctx, rule, items)
    for rule in ctx.rules_with("launcher"):
        launchers = rule.options["launchers"]
        key = values[0] if values and values[0] in launchers else None
        if key is None and len(values) > 2 and values[0] and re.fullmatch(r"python[\d.]*", values[0]) and values[1] == "-m":
            key = values[2] if values[2] in launchers else None
        if key is not None:
            ctx.report(rule, array.start_byte, array.end_byte, launcher=key, advice=launchers[key])
    for rule in ctx.rules_with("nvidia-smi"):
        if "nvidia-smi" in values:
            ctx.report(rule, array.start_byte, array.end_byte,
                       message=rule.options["manual_message"].format(use=array.text.decode()))


def _unparsed(ctx: FileContext, node) -> None:
    for rule in ctx.rules_with("docker-run-unparsed"):
        if re.search(rb"cuda|nccl|nvidia", node.text, re.I):
            ctx.report(rule, node.start_byte, node.end_byte)
