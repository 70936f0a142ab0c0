"""Small helpers over tree-sitter-python trees (parser, queries, node text)."""

from __future__ import annotations

from functools import cache


@cache
def language():
    import tree_sitter as ts
    import tree_sitter_python as tsp

    return ts.Language(tsp.language())


@cache
def parser():
    import tree_sitter as ts

    return ts.Parser(language())


_LAST: list = [None, None]  # the bytes parsed last and their tree


def parse(source: bytes):
    """tree-sitter's tree of `source`. The last one is kept: the re-export pre-pass parses a file
    that it then migrates (runner._exports_of), and the migration asks for the same bytes."""
    last, tree = _LAST
    if last is not None and (last is source or last == source):
        return tree
    tree = parser().parse(source)
    _LAST[0], _LAST[1] = source, tree
    return tree


@cache
def query(source: str):
    import tree_sitter as ts

    return ts.Query(language(), source)


def captures(q: str, node) -> dict[str, list]:
    import tree_sitter as ts

    return ts.QueryCursor(query(q)).captures(node)


def text(node) -> str:
    return node.text.decode("utf-8", "replace")


def unwrap(node):
    """Skip parentheses around an expression."""
    while node is not None and node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def string_value(node) -> str | None:
    """The literal value of a plain (non-f, non-bytes, single-part) string node, else None."""
    if node is None or node.type != "string":
        return None
    start = node.child(0)
    prefix = text(start).lower() if start is not None else ""
    if "f" in prefix or "b" in prefix:
        return None
    parts = [c for c in node.children if c.type not in ("string_start", "string_end")]
    if any(c.type != "string_content" for c in parts):
        return None  # interpolations or escape sequences: not a plain literal
    return "".join(text(c) for c in parts)


def is_fstring(node) -> bool:
    start = node.child(0) if node is not None and node.type == "string" else None
    return start is not None and "f" in text(start).lower()
