"""Config files: YAML, JSON, TOML (tree-sitter grammars) and INI/CFG (line format).

Each file becomes a flat list of leaves: (key path, value, byte span of the value without its
quotes, byte span of the key). Rules match on paths and values and edit only those spans, so
comments, key order, quoting and indentation stay byte for byte. Why tree-sitter and not a
loader: PyYAML/tomllib/json give values without (or with only partial) positions and a re-dump
loses comments and formatting; the tree-sitter grammars give every scalar's exact bytes, parse
the three formats the same way as the Python/shell handlers do, and recover from errors that we
then refuse (a file with syntax errors is skipped, never half-edited).

Matchers (rules/config/*.yaml): device-value, backend-value, accelerate, deepspeed, k8s-resource,
compose-gpu, gha-runner, base-image (shared with Dockerfiles), env-setting (YAML env blocks) and,
for pyproject.toml / setup.cfg, the dependency rules of the requirements handler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from migrate.context import FileContext, SkipFile
from migrate.lang.common import first_error_line, options, parse, report_env_name, walk
from migrate.model import Edit


@dataclass
class Leaf:
    path: tuple  # keys (str) and sequence indexes (int) from the document root
    value: str | None  # the scalar's value (quotes removed); None for a mapping/sequence
    start: int  # byte span of the value (inside the quotes)
    end: int
    key_start: int = -1  # byte span of the last key, if the leaf sits under a key
    key_end: int = -1
    quoted: bool = False
    node: object = field(default=None, repr=False)

    @property
    def key(self) -> str | None:
        for p in reversed(self.path):
            if isinstance(p, str):
                return p
        return None


# --------------------------------------------------------------------------------------------
# YAML


def _yaml_scalar(node):
    """(value, start, end, quoted) of a flow_node/block_node holding a scalar, else None."""
    if node is None:
        return None
    if node.type in ("flow_node", "block_node"):
        inner = [c for c in node.named_children if c.type not in ("anchor", "tag", "comment")]
        if len(inner) != 1:
            return None
        node = inner[0]
    if node.type == "plain_scalar":
        return node.text.decode(), node.start_byte, node.end_byte, False
    if node.type in ("double_quote_scalar", "single_quote_scalar"):
        return node.text.decode()[1:-1], node.start_byte + 1, node.end_byte - 1, True
    if node.type == "block_scalar":  # `|` / `>` text: the span starts after the header line
        nl = node.text.find(b"\n")
        body = node.start_byte + (nl + 1 if nl != -1 else len(node.text))
        return node.text[nl + 1:].decode() if nl != -1 else "", body, node.end_byte, True
    return None


def _yaml_container(node):
    if node is None:
        return None
    if node.type in ("flow_node", "block_node"):
        inner = [c for c in node.named_children if c.type not in ("anchor", "tag", "comment")]
        return inner[0] if len(inner) == 1 else None
    return node


def yaml_leaves(root) -> list[Leaf]:
    out: list[Leaf] = []
    docs = [d for d in root.named_children if d.type == "document"]
    for d, doc in enumerate(docs):
        for child in doc.named_children:
            if child.type in ("block_node", "flow_node"):
                _yaml_walk(child, (d,) if len(docs) > 1 else (), out, -1, -1)
    return out


def _yaml_walk(node, path, out, ks, ke) -> None:
    stack = [(node, path, ks, ke)]
    while stack:
        node, path, ks, ke = stack.pop()
        scalar = _yaml_scalar(node)
        if scalar is not None:
            value, s, e, q = scalar
            out.append(Leaf(path, value, s, e, ks, ke, q, node))
            continue
        c = _yaml_container(node)
        if c is None:
            continue
        if c.type in ("block_mapping", "flow_mapping"):
            out.append(Leaf(path, None, c.start_byte, c.end_byte, ks, ke, node=c))
            for pair in reversed([p for p in c.named_children if p.type in ("block_mapping_pair", "flow_pair")]):
                key = _yaml_scalar(pair.child_by_field_name("key"))
                if key is None:
                    continue
                value = pair.child_by_field_name("value")
                kpath = path + (key[0],)
                if value is None:
                    out.append(Leaf(kpath, "", pair.end_byte, pair.end_byte, key[1], key[2], node=pair))
                else:
                    stack.append((value, kpath, key[1], key[2]))
        elif c.type in ("block_sequence", "flow_sequence"):
            out.append(Leaf(path, None, c.start_byte, c.end_byte, ks, ke, node=c))
            items = [i for i in c.named_children if i.type != "comment"]
            for i, item in reversed(list(enumerate(items))):
                if item.type == "block_sequence_item":
                    kids = [k for k in item.named_children if k.type != "comment"]
                    if not kids:
                        continue
                    item = kids[0]
                stack.append((item, path + (i,), -1, -1))


def mapping_pairs(node, depth: int | None = None):
    """(key, value node) of the first YAML mapping under `node` (for conda files)."""
    for n in walk(node):
        if n.type in ("block_mapping", "flow_mapping"):
            for pair in n.named_children:
                if pair.type in ("block_mapping_pair", "flow_pair"):
                    key = _yaml_scalar(pair.child_by_field_name("key"))
                    if key is not None:
                        yield key[0], pair.child_by_field_name("value")
            return


def scalar_items(node):
    """(value, start, end) of each scalar item of the first YAML sequence under `node`."""
    if node is None:
        return
    for n in walk(node):
        if n.type in ("block_sequence", "flow_sequence"):
            for item in n.named_children:
                if item.type == "block_sequence_item":
                    kids = [k for k in item.named_children if k.type != "comment"]
                    item = kids[0] if kids else None
                s = _yaml_scalar(item)
                if s is not None:
                    yield s[0], s[1], s[2]
            return


# --------------------------------------------------------------------------------------------
# JSON and TOML


def _string(node):
    """(value, start, end) of a JSON/TOML string node (value as written, quotes removed)."""
    t = node.text.decode()
    for q in ('"""', "'''", '"', "'"):
        if t.startswith(q) and t.endswith(q) and len(t) >= 2 * len(q):
            return t[len(q):-len(q)], node.start_byte + len(q), node.end_byte - len(q)
    return None


def json_leaves(root) -> list[Leaf]:
    out: list[Leaf] = []
    stack = [(c, (), -1, -1) for c in reversed(root.named_children) if c.type != "comment"]
    while stack:
        node, path, ks, ke = stack.pop()
        if node.type == "string":
            v = _string(node)
            out.append(Leaf(path, v[0], v[1], v[2], ks, ke, True, node))
        elif node.type in ("number", "true", "false", "null"):
            out.append(Leaf(path, node.text.decode(), node.start_byte, node.end_byte, ks, ke, False, node))
        elif node.type == "object":
            out.append(Leaf(path, None, node.start_byte, node.end_byte, ks, ke, node=node))
            for pair in reversed([p for p in node.named_children if p.type == "pair"]):
                k = _string(pair.child_by_field_name("key"))
                v = pair.child_by_field_name("value")
                if k is not None and v is not None:
                    stack.append((v, path + (k[0],), k[1], k[2]))
        elif node.type == "array":
            out.append(Leaf(path, None, node.start_byte, node.end_byte, ks, ke, node=node))
            items = [c for c in node.named_children if c.type != "comment"]
            for i, item in reversed(list(enumerate(items))):
                stack.append((item, path + (i,), -1, -1))
    return out


def _toml_key(node) -> list[tuple[str, int, int]]:
    if node.type == "dotted_key":
        return [k for c in node.named_children for k in _toml_key(c)]
    if node.type == "quoted_key":
        v = _string(node)
        return [(v[0], v[1], v[2])]
    return [(node.text.decode(), node.start_byte, node.end_byte)]


def toml_leaves(root) -> list[Leaf]:
    out: list[Leaf] = []
    counts: dict[tuple, int] = {}

    def value(node, path, ks, ke):
        if node.type == "string":
            v = _string(node)
            out.append(Leaf(path, v[0], v[1], v[2], ks, ke, True, node))
        elif node.type == "array":
            out.append(Leaf(path, None, node.start_byte, node.end_byte, ks, ke, node=node))
            for i, item in enumerate(c for c in node.named_children if c.type != "comment"):
                value(item, path + (i,), -1, -1)
        elif node.type == "inline_table":
            out.append(Leaf(path, None, node.start_byte, node.end_byte, ks, ke, node=node))
            for pair in node.named_children:
                if pair.type == "pair":
                    do_pair(pair, path)
        else:
            out.append(Leaf(path, node.text.decode(), node.start_byte, node.end_byte, ks, ke, False, node))

    def do_pair(pair, base):
        kids = pair.named_children
        keys = _toml_key(kids[0])
        value(kids[-1], base + tuple(k[0] for k in keys), keys[-1][1], keys[-1][2])

    for child in root.named_children:
        if child.type == "pair":
            do_pair(child, ())
        elif child.type in ("table", "table_array_element"):
            header = next(c for c in child.named_children if c.type in ("bare_key", "dotted_key", "quoted_key"))
            base = tuple(k[0] for k in _toml_key(header))
            if child.type == "table_array_element":
                n = counts.get(base, 0)
                counts[base] = n + 1
                base = base + (n,)
            for pair in child.named_children:
                if pair.type == "pair":
                    do_pair(pair, base)
    return out


# --------------------------------------------------------------------------------------------
# INI / setup.cfg: `[section]`, `key = value` or `key: value`, indented continuation lines
# (each a leaf with an index, as setup.cfg's install_requires lists are written)

_SECTION = re.compile(rb"^\[([^\]]+)\][ \t]*\r?$")
_KV = re.compile(rb"^([^\s#;=:\[][^=:]*?)[ \t]*[=:][ \t]*(.*?)[ \t]*\r?$")


def ini_leaves(source: bytes) -> list[Leaf]:
    out: list[Leaf] = []
    section = ""
    key = None
    index = 0
    pos = 0
    for raw in source.splitlines(keepends=True):
        line = raw.rstrip(b"\n")
        stripped = line.strip()
        if not stripped or stripped.startswith((b"#", b";")):
            pass
        elif line[:1] in (b" ", b"\t") and key is not None:
            s = pos + len(line) - len(line.lstrip())
            text = line.strip().rstrip(b"\r")
            out.append(Leaf((section, key[0], index), text.decode(), s, s + len(text), key[1], key[2]))
            index += 1
        elif (m := _SECTION.match(line)):
            section = m.group(1).decode().strip()
            key = None
        elif (m := _KV.match(line)):
            k = m.group(1).decode()
            key = (k, pos + m.start(1), pos + m.end(1))
            index = 0
            if m.group(2):
                out.append(Leaf((section, k), m.group(2).decode(), pos + m.start(2), pos + m.end(2),
                                key[1], key[2]))
            else:
                out.append(Leaf((section, k), "", pos + m.end(1), pos + m.end(1), key[1], key[2]))
        pos += len(raw)
    return out


# --------------------------------------------------------------------------------------------


def leaves(ctx: FileContext) -> list[Leaf]:
    lang = ctx.language
    if lang == "ini":
        return ini_leaves(ctx.source)
    grammar = {"yaml": "yaml", "json": "json", "toml": "toml"}[lang]
    source = ctx.source
    root = parse(grammar, source).root_node
    if root.has_error:
        raise SkipFile(f"does not parse as {lang.upper()} (near line {first_error_line(root)}); copied unchanged")
    return {"yaml": yaml_leaves, "json": json_leaves, "toml": toml_leaves}[grammar](root)


def migrate(ctx: FileContext) -> None:
    from migrate.lang import config_rules

    items = leaves(ctx)
    config_rules.run(ctx, items)


def str_key(path) -> str:
    return ".".join(str(p) for p in path)


__all__ = ["Leaf", "leaves", "mapping_pairs", "scalar_items", "options", "report_env_name", "Edit"]
