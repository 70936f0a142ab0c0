"""What a name can mean in a C++ file: `using namespace at::cuda;`, `using at::cuda::CUDAGuard;` and
`namespace cu = at::cuda;` seen in the same file, each from its position to the end of the scope it
is written in (file, namespace body or block). Directives in included headers are invisible here:
names that depend on them stay as they are (docs/cuda.md, Limits)."""

from __future__ import annotations

import re

from migrate.lang.cuda.tsutil import has_token, of_types, text

_GLOBAL = {"at", "c10", "torch", "std", "thrust", "cub", "c10_npu", "at_npu", "torch_npu", "caffe2", "pybind11"}


_SPACE = re.compile(r"\s+")


def _norm(name: str) -> str:
    """A qualified name as a key: no white space, no leading `::`."""
    return _SPACE.sub("", name).removeprefix("::") if not name.isidentifier() else name


# the node types read here (CuDoc indexes them, so this needs no walk of its own); only the
# order within one type matters: the declared names are a set
READ = ("using_declaration", "namespace_alias_definition", "function_declarator", "init_declarator", "declaration",
         "type_definition", "class_specifier", "struct_specifier", "enum_specifier", "alias_declaration")


class Namespaces:
    def __init__(self, root, index: dict | None = None):
        """`index`: the nodes of root's tree by type (CuDoc.nodes), if the caller has it."""
        self.directives: list[tuple[object, int, str, object]] = []  # scope, visible from, namespace, node
        self.aliases: list[tuple[object, int, str, str, object]] = []  # scope, from, alias, namespace, node
        self.usings: list[tuple[object, int, str, str]] = []  # scope, from, short name, full name
        self.declared: set[str] = set()  # names the file declares itself (functions, types, variables)
        for n in of_types(root, READ, index):
            if n.type == "using_declaration":
                target = next((c for c in n.named_children if c.type in ("qualified_identifier", "identifier",
                                                                          "namespace_identifier")), None)
                if target is None:
                    continue
                full = _norm(text(target))
                if has_token(n, "namespace"):
                    self.directives.append((n.parent, n.end_byte, full, n))
                elif "::" in full:
                    self.usings.append((n.parent, n.end_byte, full.rsplit("::", 1)[1], full))
            elif n.type == "namespace_alias_definition":
                name = n.child_by_field_name("name")
                value = next((c for c in n.named_children if name is not None and c.start_byte > name.end_byte), None)
                if name is not None and value is not None:
                    self.aliases.append((n.parent, n.end_byte, text(name), _norm(text(value)), n))
            elif n.type in ("function_declarator", "init_declarator", "declaration", "type_definition"):
                d = n.child_by_field_name("declarator")
                if d is not None and d.type in ("identifier", "type_identifier", "field_identifier"):
                    self.declared.add(text(d))
            elif n.type in ("class_specifier", "struct_specifier", "enum_specifier", "alias_declaration"):
                d = n.child_by_field_name("name")
                if d is not None:
                    self.declared.add(text(d))

    @property
    def active(self) -> bool:
        return bool(self.directives or self.aliases or self.usings)

    @staticmethod
    def _visible(entry, node) -> bool:
        scope, start = entry[0], entry[1]
        return node.start_byte >= start and scope.start_byte <= node.start_byte < scope.end_byte

    def _expand_alias(self, name: str, node) -> str:
        head, _, rest = name.partition("::")
        for e in reversed(self.aliases):
            if e[2] == head and self._visible(e, node):
                return e[3] + ("::" + rest if rest else "")
        return name

    def candidates(self, name: str, node) -> list[tuple[str, str]]:
        """Full names `name` may stand for at `node`, with how: [(full name, via)]. Not the name
        itself (that is looked up as written)."""
        name = _norm(name)
        out: list[tuple[str, str]] = []
        expanded = self._expand_alias(name, node)
        if expanded != name:
            out.append((expanded, f"namespace alias `{name.split('::')[0]}`"))
        if "::" not in name:
            for e in self.usings:
                if e[2] == name and self._visible(e, node):
                    out.append((e[3], f"`using {e[3]};`"))
        head = expanded.split("::")[0]
        if "::" in expanded and head in _GLOBAL or node.parent is not None and node.parent.type in (
                "using_declaration", "namespace_alias_definition"):
            return out  # `at::Tensor` inside `using namespace at::cuda` is still ::at::Tensor
        for e in self.directives:
            if self._visible(e, node):
                ns = self._expand_alias(e[2], node)
                out.append((ns + "::" + expanded, f"`using namespace {e[2]};`"))
        return out

    def cuda_directives(self):
        """`using namespace at::cuda;` / `namespace cu = c10::cuda;` nodes: they name a namespace
        that the migrated includes no longer declare."""
        out = [(e[3], e[2]) for e in self.directives]
        out += [(e[4], e[3]) for e in self.aliases]
        return [(node, ns) for node, ns in out if re.match(r"(at|c10|torch)::cuda(::|$)", ns)]
