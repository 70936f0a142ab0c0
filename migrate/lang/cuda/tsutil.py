"""tree-sitter-cuda helpers: the parser, node text, and a one-pass index of the nodes rules need."""

from __future__ import annotations

from functools import cache


@cache
def language():
    import tree_sitter as ts
    import tree_sitter_cuda as tsc

    return ts.Language(tsc.language())


@cache
def parser():
    import tree_sitter as ts

    return ts.Parser(language())


def parse(source: bytes):
    return parser().parse(source)


def text(node) -> str:
    return node.text.decode("utf-8", "replace")


def walk(node):
    """Every node below `node` (pre-order), iteratively: deep trees must not recurse."""
    cursor = node.walk()
    while True:
        yield cursor.node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def of_types(root, types: tuple[str, ...], index: dict | None = None) -> list:
    """The nodes of `types` below `root`, in document order. `index`: type -> nodes of root's whole
    tree in document order (CuDoc.nodes), when the caller has one: no walk of the tree then (a
    file's passes each walked every node; on DeepSpeed's 4 MB of C++/CUDA that was most of the
    time). From an index, nodes of different types that start at one byte (`struct A {} a;`: the
    declaration and its struct_specifier) come in the order of `types`, not parent first."""
    if index is None or not all(t in index for t in types):
        return [n for n in walk(root) if n.type in types]
    if len(types) == 1:
        return index[types[0]]
    return sorted((n for t in types for n in index[t]), key=lambda n: n.start_byte)


def error_spans(root) -> list[tuple[int, int]]:
    """Byte spans of ERROR and MISSING nodes (outermost only)."""
    spans: list[tuple[int, int]] = []
    if not root.has_error:
        return spans
    stack = [root]
    while stack:
        n = stack.pop()
        if n.type == "ERROR" or n.is_missing:
            # the region is the construct the error sits in (a statement list, a declaration),
            # not just the unreadable tokens: an edit next to them could still be misplaced
            p = n.parent
            if p is not None and p.parent is not None:
                spans.append((p.start_byte, p.end_byte))
            else:
                spans.append((n.start_byte, n.end_byte))
            continue
        if n.has_error:
            stack.extend(n.children)
    return sorted(spans)


def call_args(call) -> list:
    """The argument expressions of a call_expression (comments skipped)."""
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [c for c in args.named_children if c.type != "comment"]


def has_token(node, token: str) -> bool:
    return any(c.type == token for c in node.children)
