"""What names resolve to in one Python file: the import table and attribute chains.

We never resolve every name (libcst's QualifiedNameProvider costs minutes on a big repo). We read
the import statements with one query, then resolve only the chains around trigger hits: walk up
the attribute chain, resolve its base through the import table, and treat a name as local when
the enclosing function binds it (parameter, assignment, loop or with target).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrate.lang.python.tsutil import captures, text

_FUNC_BINDINGS = """
(parameters (identifier) @n)
(parameters (default_parameter name: (identifier) @n))
(parameters (typed_parameter (identifier) @n))
(parameters (typed_default_parameter name: (identifier) @n))
(lambda_parameters (identifier) @n)
(assignment left: (identifier) @n)
(assignment left: (pattern_list (identifier) @n))
(assignment left: (tuple_pattern (identifier) @n))
(augmented_assignment left: (identifier) @n)
(for_statement left: (identifier) @n)
(for_statement left: (pattern_list (identifier) @n))
(as_pattern alias: (as_pattern_target (identifier) @n))
(named_expression name: (identifier) @n)
"""
_IMPORT_STATEMENTS = frozenset({"import_statement", "import_from_statement"})
_PY2_STATEMENTS = ((b"print", "print_statement"), (b"exec", "exec_statement"))


def _keyword_parents(root, source: bytes, word: bytes, parents) -> list:
    """The nodes of a type in `parents` that have the keyword `word` as a child, found from the
    keyword's occurrences in the bytes: a tree query walks every node of the tree, ~9x slower on
    transformers' modules than these searches (the same nodes, in document order)."""
    out, last, kw = [], -1, word.decode()
    i = source.find(word)
    while i != -1:
        node = root.descendant_for_byte_range(i, i + len(word))
        if node is not None and node.type == kw:
            parent = node.parent
            if parent is not None and parent.type in parents and parent.start_byte != last:
                last = parent.start_byte
                out.append(parent)
        i = source.find(word, i + len(word))
    return out


def import_statements(root, source: bytes) -> list:
    """Every `import ...` and `from ... import ...` statement of the tree, in document order."""
    return _keyword_parents(root, source, b"import", _IMPORT_STATEMENTS)


def py2_statements(root, source: bytes) -> list:
    """Python 2 `print x` / `exec code` statements (tree-sitter-python still parses them)."""
    return [n for word, kind in _PY2_STATEMENTS for n in _keyword_parents(root, source, word, (kind,))]


_PARAMETER_TYPES = frozenset({"parameters", "default_parameter", "typed_parameter", "typed_default_parameter"})


@dataclass(slots=True)
class ImportedName:
    local: str  # the name bound in this file
    qualname: str  # what it refers to: "torch", "torch.cuda.amp.autocast"
    stmt: object  # the import statement node
    item: object  # the dotted_name / aliased_import node for this name
    from_module: str | None  # for `from M import x`: M
    via_project: bool = False  # re-exported by one of the project's own modules


@dataclass(slots=True)
class Chain:
    """An attribute chain like `th.cuda.amp.autocast`: nodes of its identifiers, base first."""

    top: object  # the outermost attribute (or the identifier itself)
    parts: list  # identifier nodes: base, then each attribute
    qualname: str | None  # resolved through imports, or None when the base is local/unknown
    binding: ImportedName | None

    @property
    def names(self) -> list[str]:
        return [text(p) for p in self.parts]


@dataclass
class Index:
    root: object
    imports: dict[str, list[ImportedName]] = field(default_factory=dict)
    import_nodes: list = field(default_factory=list)
    _bindings: dict = field(default_factory=dict)  # function (start, end) -> names bound in it, on first use
    _names: dict = field(default_factory=dict)  # import statement's start byte -> its ImportedNames
    own: frozenset = frozenset()  # the project's own packages among the CUDA-only libraries (ProjectIndex.own)

    def names_of(self, stmt) -> list[ImportedName]:
        """imported_names(stmt), computed once per statement (the same objects every call); an
        import of the project's own package is its own code, like a relative import."""
        key = (stmt.start_byte, stmt.end_byte)
        got = self._names.get(key)
        if got is None:
            got = imported_names(stmt)
            if self.own:
                got = [n for n in got if n.qualname.split(".", 1)[0] not in self.own]
            self._names[key] = got
        return got

    @classmethod
    def build(cls, root, project=None, path: str = "", stmts: list | None = None) -> "Index":
        """`stmts`: the tree's import statements in document order (import_statements), when the
        caller has them."""
        idx = cls(root, own=project.own if project is not None else frozenset())
        if stmts is None:
            stmts = import_statements(root, root.text)
        for stmt in stmts:  # document order
            idx.import_nodes.append(stmt)
            names = idx.names_of(stmt)
            if project is not None and project.exports and stmt.type == "import_from_statement":
                extra = _project_names(stmt, project, path)
                if extra:
                    replaced = {e.local for e in extra}
                    names = [n for n in names if n.local not in replaced] + extra
            for imp in names:
                idx.imports.setdefault(imp.local, []).append(imp)
        return idx

    def binding(self, name: str, at) -> ImportedName | None:
        """The import that `name` refers to at node `at`, or None if local or unknown."""
        cands = self.imports.get(name)
        if not cands:
            return None
        quals = {c.qualname for c in cands}
        if len(quals) > 1:
            return None  # imported as different things in different places: unsure
        func = enclosing_function(at)
        while func is not None:
            bound = self._function_bindings(func)
            if name in bound:
                # bound in this function: an import inside the function is fine, anything else is local
                if not any(func.start_byte <= c.stmt.start_byte < func.end_byte for c in cands):
                    return None
                break
            func = enclosing_function(func.parent)
        return cands[0]

    def _function_bindings(self, func) -> set[str]:
        """Imported names bound in `func`: assigned, looped over, caught... there, or a parameter
        of it or of a function nested in it. One query over the function's own subtree, on first
        use: only functions around a hit are ever asked, most of a big module never is."""
        key = (func.start_byte, func.end_byte)
        got = self._bindings.get(key)
        if got is None:
            got = self._bindings[key] = set()
            imported = self.imports
            for n in captures(_FUNC_BINDINGS, func).get("n", []):
                name = text(n)
                if name not in imported:
                    continue  # binding() is only ever asked about imported names
                parent = n.parent
                inner = enclosing_function(parent)
                # bound in func itself; a nested function's parameter counts for func too
                if inner is not None and ((inner.start_byte, inner.end_byte) == key or parent.type in _PARAMETER_TYPES):
                    got.add(name)
        return got

    def chain_at(self, node) -> Chain | None:
        """The attribute chain that identifier `node` is part of, resolved if possible."""
        if node.type != "identifier":
            return None
        top = node
        while top.parent is not None and top.parent.type == "attribute" and (
            top.parent.child_by_field_name("object") == top or top.parent.child_by_field_name("attribute") == top
        ):
            top = top.parent
        parts = []
        cur = top
        while cur.type == "attribute":
            parts.append(cur.child_by_field_name("attribute"))
            cur = cur.child_by_field_name("object")
        if cur.type != "identifier":
            # base is a call, subscript, ... : keep the attribute names, unresolved
            parts.reverse()
            return Chain(top, parts, None, None)
        parts.append(cur)
        parts.reverse()
        b = self.binding(text(cur), cur)
        if b is None:
            return Chain(top, parts, None, None)
        qual = ".".join([b.qualname] + [text(p) for p in parts[1:]])
        return Chain(top, parts, qual, b)

    def aliases_of(self, qualname: str) -> list[str]:
        """Local names bound to exactly `qualname` (e.g. 'torch' -> ['torch', 'th'])."""
        return [n for n, cands in self.imports.items() if any(c.qualname == qualname for c in cands)]


def _project_names(stmt, project, path: str) -> list[ImportedName]:
    """`from dist_utils import amp` where dist_utils re-exports apex.amp (see project.py)."""
    from migrate.lang.python.project import resolve_relative

    module = stmt.child_by_field_name("module_name")
    if module is None:
        return []
    if module.type == "relative_import":
        raw = text(module)
        dots = len(raw) - len(raw.lstrip("."))
        mod = resolve_relative(path, dots, raw.lstrip("."))
    else:
        mod = text(module)
    if mod is None:
        return []
    out = []
    for item in stmt.children_by_field_name("name"):
        if item.type == "dotted_name":
            name, local = text(item), text(item)
        elif item.type == "aliased_import":
            name, local = text(item.child_by_field_name("name")), text(item.child_by_field_name("alias"))
        else:
            continue
        qual = project.lookup(mod, name)
        if qual is not None:
            out.append(ImportedName(local, qual, stmt, item, mod, via_project=True))
    return out


def enclosing_function(node):
    while node is not None:
        if node.type in ("function_definition", "lambda"):
            return node
        node = node.parent
    return None


def imported_names(stmt) -> list[ImportedName]:
    out = []
    if stmt.type == "import_statement":
        for item in stmt.named_children:
            if item.type == "dotted_name":
                full = text(item)
                out.append(ImportedName(full.split(".")[0], full.split(".")[0], stmt, item, None))
            elif item.type == "aliased_import":
                name = item.child_by_field_name("name")
                alias = item.child_by_field_name("alias")
                out.append(ImportedName(text(alias), text(name), stmt, item, None))
        return out
    module = stmt.child_by_field_name("module_name")
    if module is None or module.type != "dotted_name":
        return out  # relative import: the project's own code
    mod = text(module)
    for item in stmt.children_by_field_name("name"):
        if item.type == "dotted_name":
            out.append(ImportedName(text(item), f"{mod}.{text(item)}", stmt, item, mod))
        elif item.type == "aliased_import":
            name = item.child_by_field_name("name")
            alias = item.child_by_field_name("alias")
            out.append(ImportedName(text(alias), f"{mod}.{text(name)}", stmt, item, mod))
    return out
