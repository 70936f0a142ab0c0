"""Shared pieces of the non-Python handlers (shell, config, requirements, docker, notebook):
tree-sitter grammars, rule options with `inherit`, and the environment-variable table that
rules/python/env.yaml owns (shell, Dockerfile, YAML and notebook rules inherit it)."""

from __future__ import annotations

import importlib
import re
import warnings
from functools import cache

_GRAMMARS = {"bash": "tree_sitter_bash", "yaml": "tree_sitter_yaml", "json": "tree_sitter_json",
             "toml": "tree_sitter_toml", "dockerfile": "tree_sitter_dockerfile", "python": "tree_sitter_python"}


@cache
def parser(grammar: str):
    import tree_sitter as ts

    module = importlib.import_module(_GRAMMARS[grammar])
    with warnings.catch_warnings():  # older grammar wheels hand over an int pointer (deprecated, works)
        warnings.simplefilter("ignore", DeprecationWarning)
        return ts.Parser(ts.Language(module.language()))


def parse(grammar: str, source: bytes):
    return parser(grammar).parse(source)


def walk(node):
    """Every node below `node`, depth first, in source order (no recursion: deep files are fine)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def first_error_line(root) -> int | None:
    for n in walk(root):
        if n.type == "ERROR" or n.is_missing:
            return n.start_point[0] + 1
    return None


def options(rule) -> dict:
    """A rule's options over those of the rule named in `inherit` (recursively); mapping-valued
    options are merged one level deep, so a rule can add advice entries to an inherited table."""
    opts = dict(rule.options)
    parent_id = opts.pop("inherit", None)
    if parent_id is None:
        return opts
    from migrate.ruleset import rules_by_id

    merged = options(rules_by_id()[parent_id])
    for k, v in opts.items():
        if isinstance(v, dict) and isinstance(merged.get(k), dict):
            merged[k] = {**merged[k], **v}
        else:
            merged[k] = v
    return merged


_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def env_rename(opts: dict, name: str) -> str | None:
    """The Ascend twin of an environment variable, from the shared table, or None."""
    new = opts.get("renames", {}).get(name)
    if new is not None:
        return new
    for old_prefix, new_prefix in opts.get("prefix_renames", {}).items():
        suffix = name[len(old_prefix):]
        if name.startswith(old_prefix) and suffix in opts.get("prefix_suffixes", {}).get(old_prefix, ()):
            return new_prefix + suffix
    return None


def env_advice(opts: dict, name: str) -> str | None:
    """Advice for a CUDA/NCCL variable with no twin, or None if the name is not one."""
    advice = opts.get("advice", {}).get(name)
    if advice is None and _ENV_NAME.fullmatch(name) and any(name.startswith(p) for p in opts.get("prefixes", ())):
        advice = opts.get("default_advice")
    return advice


def report_env_name(ctx, name: str, start: int, end: int, *, safety=None) -> None:
    """Report the env-var rules for a variable name found at bytes [start, end) of ctx.source.

    Rules with matcher `env-setting` and role rename/unsupported (rules/shell/env.yaml) carry the
    table; each language's handler finds the names (export, ENV, YAML env keys, %env). Every use
    of a renamed variable is renamed (the script stays consistent); a variable with no twin is
    reported once per file, at its first use (a CUDA install script names CUDA_VERSION dozens of
    times). `safety` overrides the rename's class (UNSAFE for names inside strings/heredocs)."""
    for rule in ctx.rules_with("env-setting"):
        opts = options(rule)
        new = env_rename(opts, name)
        role = opts.get("role")
        if role == "rename" and new is not None:
            from migrate.model import Edit

            ctx.report(rule, start, end, edits=[Edit(start, end, new)], safety=safety, api=name, old=name, new=new)
        elif role == "unsupported" and new is None:
            advice = env_advice(opts, name)
            if advice and ctx.first_time((rule.id, name)):
                ctx.report(rule, start, end, api=name, name=name, advice=advice)
