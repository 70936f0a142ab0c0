"""The Python handler: parse with tree-sitter, find trigger hits, resolve the chains and strings
around them, and let each enabled rule's matcher report findings with fixes."""

from __future__ import annotations

import re
import sys
from functools import cached_property, lru_cache

from migrate import timing
from migrate.context import FileContext, SkipFile
from migrate.lang.python import matchers, setup_py  # noqa: F401 - setup_py registers its matcher
from migrate.lang.python.index import Index, import_statements, py2_statements
from migrate.lang.python.tsutil import captures, parse, text
from migrate.model import Edit
from migrate.textio import line_ending

_MAIN_GUARD = re.compile(rb"^if\s+__name__\s*==\s*['\"]__main__['\"]\s*:", re.M)
_ERROR = "[(ERROR) (MISSING)] @err"
_SKIP_PARENTS = {"function_definition", "class_definition", "parameters", "dotted_name", "aliased_import",
                 "import_statement", "import_from_statement", "keyword_argument_name"}


class PyFile:
    """Per-file analysis state shared by the matchers."""

    def __init__(self, ctx: FileContext, tree, imports: list | None = None):
        self.ctx = ctx
        self.tree = tree
        self.root = tree.root_node
        self.index = Index.build(self.root, ctx.project, ctx.path, imports)

    def newline_at(self, offset: int) -> str:
        """The line ending of the line at `offset` (files with mixed endings keep them)."""
        return line_ending(self.ctx.source, offset)

    @cached_property
    def table(self):
        from migrate import tables

        return tables.load(self.ctx.settings.target)

    def node_text(self, node) -> str:
        return text(node)


def _resolved_only(rule, matcher) -> bool:
    got = getattr(matcher, "resolved_only", False)
    return got(rule) if callable(got) else got


def _first_error_line(root) -> int | None:
    errs = captures(_ERROR, root).get("err", [])
    if not errs:
        return None
    return min(e.start_point[0] for e in errs) + 1


def wants(data: bytes, rules, settings) -> bool:
    """Whether a rule may act on a file the byte prefilter passed, from where its trigger words
    stand (in code, a string literal a matcher reads, or only comments and prose): live.py."""
    from migrate.lang.python import live

    return live.wants(data, rules, settings)


def migrate(ctx: FileContext) -> None:
    if b"\r" in ctx.source and b"\n" not in ctx.source:
        raise SkipFile("old Mac line endings (CR only) are not supported; copied unchanged")
    t0 = timing.clock()
    tree = parse(ctx.source)
    timing.add("parse", timing.clock() - t0)
    root = tree.root_node
    if root.has_error:
        line = _first_error_line(root)
        raise SkipFile(f"does not parse as Python 3 (syntax error near line {line}); copied unchanged")
    py2 = py2_statements(root, ctx.source)
    if py2:
        line = min(n.start_point[0] for n in py2) + 1
        raise SkipFile(f"Python 2 syntax (print/exec statement at line {line}); copied unchanged")
    pf = PyFile(ctx, tree, import_statements(root, ctx.source))
    ctx._pyfile = pf  # finalize() reuses the tree and import index of the unchanged source
    active = [(r, matchers.get(r.matcher)) for r in ctx.rules.values()]
    if ctx.settings.shim:
        active = [(r, m) for r, m in active if not r.options.get("shim_covered")]
    chain_rules = [(r, m) for r, m in active if hasattr(m, "chain")]
    # rules whose chain() needs a chain resolved through the imports skip the (many) others
    unresolved_rules = [(r, m) for r, m in chain_rules if not _resolved_only(r, m)]
    string_rules = [(r, m) for r, m in active if hasattr(m, "string")]
    import_rules = [(r, m) for r, m in active if hasattr(m, "imports")]
    for r, m in active:
        if hasattr(m, "file"):
            m.file(pf, r)

    for stmt in pf.index.import_nodes:
        # a rule's imports() acts on the names the statement imports from a module (names_of);
        # a relative import (most of a big package's imports) names none: no rule is called
        if pf.index.names_of(stmt):
            for r, m in import_rules:
                m.imports(pf, r, stmt)

    words = {w for r, _ in active for w in r.triggers}
    # local names bound to something a rule cares about (e.g. `amp` from `from apex import amp`).
    # The names a rule acts on contain one of its trigger words, so a use `local.x.y` shows one in
    # its own text unless the import hid it: `amp` for apex.amp, `tc` for torch.cuda. Only those
    # locals are words; `torch` and `nn` would send every `torch.*` / `nn.*` to the resolver.
    hides = _hider([(r, m) for r, m in chain_rules if hasattr(m, "cares")])
    for local, cands in pf.index.imports.items():
        if any(hides(c.qualname, local) for c in cands):
            words.add(local)
    if words:
        _scan(pf, words, chain_rules, unresolved_rules, string_rules)
    _drop_npu_aware(pf)


_HIDERS: dict[tuple, tuple] = {}


def _hider(carers: list):
    """hides(qualname, local): a rule of `carers` (chain rules with cares()) cares about `qualname`
    and the local name bound to it does not show the trigger word that does (`amp` for apex.amp).
    The same imports recur in every file of a repo (2,900 locals on transformers, ~50,000 cares()
    calls), so answers are kept per set of rules; the rules are kept with them, so their ids stay theirs."""
    key = tuple(id(r) for r, _m in carers)
    got = _HIDERS.get(key)
    if got is None:
        rules = [(r, m, [t.lower() for t in r.triggers]) for r, m in carers]
        memo: dict[tuple[str, str], bool] = {}

        def hides(qualname: str, local: str) -> bool:
            k = (qualname, local)
            answer = memo.get(k)
            if answer is None:
                q, low = qualname.lower(), local.lower()
                answer = memo[k] = any(m.cares(r, qualname) and (not ts or any(t in q and t not in low for t in ts))
                                       for r, m, ts in rules)
            return answer

        got = _HIDERS[key] = (carers, hides)
    return got[1]


def word_hits(low: bytes, words: set[bytes]) -> list[tuple[int, int]]:
    """The (start, end) spans a regex alternation of `words` (longest first) finds in `low`: leftmost
    matches that do not overlap, the longest at a tie. ASCII case-insensitive, as the prefilter: the
    caller lower-cases both (same offsets). RE2 runs the alternation as one DFA pass (5x faster than
    a `bytes.find` pass per word, which was ~2x faster than Python's engine on it)."""
    return [m.span() for m in _alternation(frozenset(words)).finditer(low)]


@lru_cache(maxsize=256)
def _alternation(words: frozenset[bytes]):
    import re2

    opts = re2.Options()
    opts.encoding = re2.Options.Encoding.LATIN1  # bytes in, byte offsets out
    return re2.compile(b"|".join(re2.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))), opts)


def _scan(pf: PyFile, words, chain_rules, unresolved_rules, string_rules) -> None:
    ctx, root = pf.ctx, pf.root
    plan: dict[str, list] = {}  # qualname -> the chain rules that act on it (`relevant`)
    seen_chains: set[tuple[int, int]] = set()
    seen_strings: set[int] = set()
    hits = word_hits(ctx.source.lower(), {w.lower().encode() for w in words})
    if len(hits) > _MANY_HITS:
        # Many hits make tree-sitter's parent walks cost hits x depth; files Python itself rejects
        # (too deeply nested, Python 2) are turned away before that, not after minutes of work.
        _reject_unless_python_parses(ctx)
    for start, end in hits:
        node = root.descendant_for_byte_range(start, end)
        if node is None:
            continue
        t = node.type
        if t in ("string_content", "string_start", "string_end", "escape_sequence"):
            s = node.parent
            if s is not None and s.type == "string" and s.start_byte not in seen_strings:
                seen_strings.add(s.start_byte)
                for r, mm in string_rules:
                    mm.string(pf, r, s)
        elif t == "identifier":
            parent = node.parent
            if parent is None or parent.type in _SKIP_PARENTS:
                continue
            if parent.type == "keyword_argument" and parent.child_by_field_name("name") == node:
                continue
            if parent.type in ("default_parameter", "typed_default_parameter", "typed_parameter") and parent.child_by_field_name("name") == node:
                continue
            chain = pf.index.chain_at(node)
            if chain is None:
                continue
            key = (chain.top.start_byte, chain.top.end_byte)
            if key in seen_chains:
                continue
            seen_chains.add(key)
            q = chain.qualname
            if q is None:
                todo = unresolved_rules
            else:
                todo = plan.get(q)
                if todo is None:
                    todo = plan[q] = [(r, mm) for r, mm in chain_rules
                                      if not hasattr(mm, "relevant") or mm.relevant(r, q)]
            for r, mm in todo:
                mm.chain(pf, r, chain)


_NPU_MENTION = re.compile(r"\bnpu\b|is_npu|torch_npu|['\"]npu", re.I)



def _drop_npu_aware(pf: PyFile) -> None:
    """Code that already handles NPU needs no migration: an `if`/`elif` chain with an NPU branch
    (`if x.is_cuda: ... elif x.is_npu: ...`), or a statement whose NPU twin stands next to it
    (`self.is_cuda = ...` followed by `self.is_npu = ...`). Fixes there would only duplicate it.
    Rules with the option `aware_in_ascend_files` (Triton kernels) also count a file whose path
    says it is for Ascend as written for it (flash-linear-attention's `triton_ascend.py` backends)."""
    keep = []
    # a path that names Ascend: `backends/triton_ascend/chunk.py`, `ascend_ub_manager.py`, `ops/npu.py`
    ascend = next((w for w in matchers.path_words(pf.ctx.path) if w.lower() in ("ascend", "npu")), None)
    note = pf.ctx.rules.get("already-npu-aware")
    for f in pf.ctx.findings:
        rule = pf.ctx.rules.get(f.rule)
        in_ascend_file = ascend is not None and rule is not None and rule.options.get("aware_in_ascend_files")
        if in_ascend_file or (f.edits and _npu_aware(pf, f.start)):
            if note is not None:  # still listed, so every CUDA line is accounted for
                keep.append(f)
                f.rule, f.edits, f.requires = note.id, (), ()
                f.severity, f.safety, f.effort = note.severity, note.safety, note.effort
                if in_ascend_file:
                    f.message = note.options["message_in_ascend_file"].format(api=f.api or "", part=ascend)
                else:
                    f.message = note.message.format(api=f.api or "")
            continue
        keep.append(f)
    pf.ctx.findings = keep


def _npu_aware(pf: PyFile, offset: int) -> bool:
    # Answers are memoised per statement and per `if`: many findings in one huge statement (a
    # 1 MB line) must not each re-read its text.
    memo = pf.__dict__.setdefault("_npu_aware_memo", {})
    path = _path_to(pf.root, pf.root.descendant_for_byte_range(offset, offset))
    stmt = next((path[i] for i in range(len(path) - 1, 0, -1) if path[i - 1].type in ("block", "module")), None)
    if stmt is not None:
        key = ("stmt", stmt.start_byte, stmt.end_byte)
        if key not in memo:
            memo[key] = _has_npu_twin(stmt)
        if memo[key]:
            return True
    for cur in reversed(path):
        if cur.type == "if_statement":
            key = ("if", cur.start_byte, cur.end_byte)
            if key not in memo:
                conds = [cur.child_by_field_name("condition")]
                conds += [c.child_by_field_name("condition") for c in cur.children_by_field_name("alternative")
                          if c.type == "elif_clause"]
                memo[key] = any(c is not None and _NPU_MENTION.search(text(c)) for c in conds)
            if memo[key]:
                return True
    return False


def _path_to(root, node) -> list:
    """root ... node, found top-down. tree-sitter's `parent` walks down from the root each time,
    so climbing from a node 10,000 levels deep costs depth squared; going down costs depth."""
    path = [root]
    cur = root
    while node is not None and cur != node:
        nxt = cur.child_with_descendant(node)
        if nxt is None:
            break
        path.append(nxt)
        cur = nxt
    return path


def _has_npu_twin(stmt) -> bool:
    siblings = [s for s in (stmt.prev_named_sibling, stmt.next_named_sibling) if s is not None]
    if not siblings:
        return False
    own = text(stmt)
    twin = _cuda_to_npu(own)
    return twin != own and any(text(sib) == twin for sib in siblings)


def _cuda_to_npu(s: str) -> str:
    return s.replace("cuda", "npu").replace("CUDA", "NPU").replace("nccl", "hccl")


def finalize(ctx: FileContext) -> list[Edit]:
    """Add `import torch_npu` (or the shim import) once, where the applied fixes need it.

    A requirement ending in `?` is soft: a fix that only changes a device string or a method name
    needs torch_npu loaded somewhere in the process (the entry script), not bound in this file, so
    it adds no import, unless the file is an entry script (`if __name__ == "__main__":`) that
    imports torch: that is where torch_npu must be loaded. Fixes that write `torch.npu.*` or
    `torch_npu.*` names need the import in the file itself.
    """
    wanted = {req for f in ctx.findings if f.fixed for req in f.requires}
    if not wanted:
        return []
    entry_script = _MAIN_GUARD.search(ctx.source) is not None
    needed = {r.rstrip("?") for r in wanted if not r.endswith("?") or entry_script}
    if not needed:
        return []
    pf = getattr(ctx, "_pyfile", None)
    if pf is not None and pf.ctx.source is ctx.source:
        root, idx = pf.root, pf.index
    else:
        root = parse(ctx.source).root_node
        idx = Index.build(root)
    if entry_script and not any(c.qualname.split(".")[0] == "torch" for cs in idx.imports.values() for c in cs):
        needed = {r for r in needed if r + "?" not in wanted or r in {q for q in wanted if not q.endswith("?")}}
        if not needed:
            return []
    if ctx.settings.shim:
        needed.discard("torch_npu")  # the shim import loads torch_npu
    if not needed:
        return []
    edits = []
    for module in sorted(needed):
        if any(c.stmt.parent == root and c.from_module is None for c in idx.imports.get(module.split(".")[0], [])
               if c.qualname == module.split(".")[0]):
            continue
        stmt_text = f"import {module}" if " " not in module else module
        edits.append(_insert_import(ctx, root, idx, stmt_text))
    return [e for e in edits if e is not None]


def _insert_import(ctx: FileContext, root, idx: Index, stmt_text: str) -> Edit:
    """After the first module-level torch import; else after the leading import block; else after
    the docstring, `from __future__` imports and leading comments."""
    for n in idx.import_nodes:
        if n.parent == root and any(c.qualname.split(".")[0] == "torch" or (c.from_module or "").split(".")[0] == "torch"
                                    for c in _names(n)):
            return _after_line(ctx, n, stmt_text)
    last = None
    for child in root.named_children:
        if child.type == "comment":
            continue
        if child.type in ("import_statement", "import_from_statement", "future_import_statement"):
            last = child
            continue
        if child.type == "expression_statement" and last is None and child.named_child_count \
                and child.named_children[0].type == "string":
            last = child
            continue
        break
    if last is not None:
        return _after_line(ctx, last, stmt_text)
    pos = 0  # after leading comments (shebang, coding line, licence header)
    for child in root.children:
        if child.type == "comment" and ctx.source[pos:child.start_byte].strip() == b"":
            nl_pos = ctx.source.find(b"\n", child.end_byte)
            pos = len(ctx.source) if nl_pos == -1 else nl_pos + 1
        else:
            break
    nl = line_ending(ctx.source, pos)
    if pos == len(ctx.source) and ctx.source and not ctx.source.endswith(b"\n"):
        return Edit(pos, pos, nl + stmt_text + nl)
    return Edit(pos, pos, stmt_text + nl)


def _names(stmt):
    from migrate.lang.python.index import imported_names

    return imported_names(stmt)


def _after_line(ctx: FileContext, node, stmt_text: str) -> Edit:
    nl = line_ending(ctx.source, node.end_byte)
    end = ctx.source.find(b"\n", node.end_byte)
    if end == -1:
        return Edit(len(ctx.source), len(ctx.source), nl + stmt_text)
    return Edit(end + 1, end + 1, stmt_text + nl)


_MANY_HITS = 500


def _reject_unless_python_parses(ctx: FileContext) -> None:
    if getattr(ctx, "_python_ok", False):
        return
    problem = _python_rejects(ctx.text)
    if problem:
        raise SkipFile(f"does not parse as Python {sys.version_info.major}.{sys.version_info.minor} ({problem}); "
                       "copied unchanged (Python 2 code, a syntax error, or syntax newer than the Python running migrate)")
    ctx._python_ok = True


def validate(ctx: FileContext, new_source: bytes) -> str | None:
    """Called only when the file would change. tree-sitter is lenient (it accepts Python 2's
    `except E, e:`, backticks, `<>`), so before writing anything we ask Python's own parser.
    A rewrite it rejects is not written; if the original is rejected too, the file is skipped
    with the original's reason. The original is parsed only then: the rules rename names and
    edit strings and imports, which cannot turn source Python rejects into source it accepts,
    so a rewrite that parses comes from an original that parses."""
    problem = _python_rejects(new_source.decode("utf-8"))
    if problem:
        _reject_unless_python_parses(ctx)
    return problem


def _python_rejects(source: str) -> str | None:
    """What Python's parser and symbol table say against `source` (None: nothing). symtable is
    the cheapest full check the standard library offers: parse and scope analysis without building
    Python AST objects or bytecode (0.34 s on transformers' 73 changed files, `ast` 0.53 s); it
    also rejects what the compiler would (`nonlocal` at module level, a name both global and a
    parameter), which no file that imports can hold."""
    import gc
    import symtable
    import warnings

    gc_was_on = gc.isenabled()
    gc.disable()  # the tables are trees (no cycles); the collector would cost more than the work
    try:
        with warnings.catch_warnings():  # `"\d"` and friends: the user's business, not our output
            warnings.simplefilter("ignore")
            symtable.symtable(source, "<migrate>", "exec")
    except SyntaxError as e:
        return f"{e.msg} at line {e.lineno}"
    except (RecursionError, MemoryError):
        return "nested too deeply for Python's parser"
    except ValueError as e:  # e.g. NUL bytes
        return str(e)
    finally:
        if gc_was_on:
            gc.enable()
    return None
