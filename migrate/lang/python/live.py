"""Whether any rule may act on a Python file, from where its trigger words stand, before a parse.

The byte prefilter (migrate/prefilter.py) sends a file to the parser when a trigger word is
anywhere in it. In a big package about half of those files hold the words only in comments,
docstrings and messages (`# Copied from ... CUDA`, `"requires a CUDA device"`): on transformers
150 of the 280 files it passes, half of the bytes parsed, come out with no change and no finding.
The handler finds its work from the trigger hits (lang/python/__init__.py `_scan`): a hit in an
identifier is resolved as a chain, a hit in a string literal goes to the string matchers, and a
hit in a comment is not looked at. A few matchers also read the file as a whole. So this module
asks, per matcher (its `reads` attribute, see matchers.py), whether a hit stands where that
matcher looks, with a lexer that finds comments and string literals as Python's tokenizer does
(tests/test_python_live.py checks it against tree-sitter on real files):

- a hit in code (outside comments and strings), or in an f-string (its braces hold code): parse;
- a hit in a plain string literal: parse when a string matcher may act on that literal
  (`may_read(rule, content)`: "cuda:0", "nccl", "CUDA_VISIBLE_DEVICES"; a sentence is read by none);
- a rule that reads code only and has a `prefilter` regex needs that regex to match in code too;
- a `pattern` rule: its regexes are run, and a match counts where the matcher would report it
  (not starting in a comment, nor in a string unless `in_strings`);
- a matcher without `reads`, or one that reads the raw text (setup.py requirements, CUDAExtension
  build scripts, --shim entry scripts): its trigger anywhere, as the byte prefilter says.

When the lexer is not sure (an unterminated string, an f-string whose braces it cannot follow,
old Mac line endings, bytes that are not UTF-8), the file is parsed, as before. A file no rule
can act on is not parsed, so a syntax error in it goes unreported, as in a file that holds no
trigger word at all.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from migrate.lang.python import matchers
from migrate.prefilter import for_rules, gate_regex, shortest_cover, word_set

CODE, COMMENT, STRING, FSTRING = 0, 1, 2, 3

# at a `#` or a quote: a comment (to the end of its line, with the comment lines right below it),
# a single-quoted literal (to its closing quote on the same line; a backslash escapes the next
# character, a line ending too), or a triple quote; a lone quote is a literal that does not end
_NEXT = re.compile(rb"#[^\r\n]*(?:\r?\n[ \t]*#[^\r\n]*)*" rb'|"""' rb"|'''" rb'|"(?:[^"\\\r\n]|\\(?:\r\n|[\s\S]))*"'
                   rb"|'(?:[^'\\\r\n]|\\(?:\r\n|[\s\S]))*'" rb"""|["']""")
_PREFIX = frozenset(b"rRbBuUfFtT")
_TEMPLATE = frozenset(b"fFtT")  # f-strings, and template strings (3.14): their braces hold code


class Unsure(Exception):
    """The lexer cannot tell where comments and strings are: parse the file."""


class Lexer:
    """Comments and string literals of Python source, found from the start as far as asked.

    A comment runs from `#` to the end of its line (a run of comment lines is one region: between
    them is only indentation); a string from its prefix to its closing quote. Prefixes and raw
    strings do not change where a literal ends (a backslash escapes the next character even in a
    raw string). Up to Python 3.11 an f-string ends where any literal would; 3.12 lets its braces
    hold the same quote, which this lexer does not follow: an f-string whose braces do not balance
    within what it read as the literal raises Unsure. A template string (`t"..."`, 3.14) counts
    as an f-string."""

    def __init__(self, data: bytes):
        self.data = data
        self.starts: list[int] = []  # region starts, ascending
        self.regions: list[tuple[int, int, int, int, int]] = []  # (start, end, kind, content start, content end)
        self.pos = 0  # lexed up to here
        self.ahead = (-1, -1, -1)  # where the next `#`, `"` and `'` were found (kept until passed)

    def at(self, offset: int) -> tuple[int, int, int, int, int] | None:
        """The comment or string literal that holds `offset`, or None (code)."""
        if self.pos <= offset:
            self._lex(offset)
        k = bisect_right(self.starts, offset) - 1
        if k >= 0:
            region = self.regions[k]
            if offset < region[1]:
                return region
        return None

    def kind(self, offset: int) -> int:
        region = self.at(offset)
        return CODE if region is None else region[2]

    def _lex(self, offset: int) -> None:
        """Lex on until past `offset`. One loop, with the next `#`, `"` and `'` found by memchr
        (bytes.find) and kept until passed: a regex scanning for any of the three is 3x slower."""
        data, pos = self.data, self.pos
        n = len(data)
        hash_at, dq_at, sq_at = self.ahead
        find, match = data.find, _NEXT.match
        starts, regions = self.starts, self.regions
        while pos <= offset:
            if hash_at < pos:
                hash_at = find(b"#", pos)
                if hash_at == -1:
                    hash_at = n
            if dq_at < pos:
                dq_at = find(b'"', pos)
                if dq_at == -1:
                    dq_at = n
            if sq_at < pos:
                sq_at = find(b"'", pos)
                if sq_at == -1:
                    sq_at = n
            s = hash_at if hash_at < dq_at else dq_at
            if sq_at < s:
                s = sq_at
            if s == n:
                pos = n + 1  # nothing more: all code
                break
            e = match(data, s).end()
            first = data[s]
            if first == 0x23:  # '#'
                starts.append(s)
                regions.append((s, e, COMMENT, s, e))
                pos = e
                continue
            if e - s == 1:
                raise Unsure("an unterminated string")
            p = s
            while p > 0 and s - p < 2 and data[p - 1] in _PREFIX:
                p -= 1
            fstring = any(c in _TEMPLATE for c in data[p:s])
            if e - s == 3 and data[s + 1] == first == data[s + 2]:  # a triple quote
                quote, cs, j = data[s:e], e, e
                while True:
                    j = find(quote, j)
                    if j == -1:
                        raise Unsure("an unterminated triple-quoted string")
                    b = j
                    while data[b - 1] == 0x5C:  # backslashes before it: an odd number escapes it
                        b -= 1
                    if (j - b) % 2 == 0:
                        break
                    j += 1
                ce, e = j, j + 3
            else:
                cs, ce = s + 1, e - 1
            if fstring and not _braces_balance(data[cs:ce]):
                raise Unsure("an f-string whose braces do not close within it")
            starts.append(p)
            regions.append((p, e, FSTRING if fstring else STRING, cs, ce))
            pos = e
        self.pos = pos
        self.ahead = (hash_at, dq_at, sq_at)


def _braces_balance(content: bytes) -> bool:
    """Whether an f-string's replacement fields all close within `content` (`{{` is a brace)."""
    if b"{" not in content:
        return True
    if b"'" not in content and b'"' not in content:
        return content.count(b"{") == content.count(b"}")
    depth, i, n = 0, 0, len(content)
    while i < n:
        ch = content[i]
        if depth == 0:
            if ch == 0x7B:
                if content[i + 1:i + 2] == b"{":
                    i += 2
                    continue
                depth = 1
        elif ch == 0x7B:
            depth += 1
        elif ch == 0x7D:
            depth -= 1
        elif ch in (0x22, 0x27):  # a string inside the braces: skip it
            j = content.find(content[i:i + 1], i + 1)
            if j == -1:
                return False
            i = j
        i += 1
    return depth == 0


# --------------------------------------------------------------------------------------------


class _Plan:
    """What a set of rules asks of a file's hits (built once per rules object)."""

    def __init__(self, rules):
        self.always = any(not r.triggers for r in rules)  # the byte prefilter sends every file too
        # (lower triggers, gate regex or None, rule, whether only --shim runs it): read as raw text
        self.anywhere: list[tuple] = []
        self.patterns: list = []  # (rule, matcher) of pattern rules
        self.strings: list[tuple] = []  # (rule, matcher) of the string matchers, with may_read
        gated: list[tuple] = []
        plain: list[bytes] = []
        other: list[bytes] = []
        for r in rules:
            m = matchers.get(r.matcher)
            reads = getattr(m, "reads", None)
            trig = tuple(t.lower().encode() for t in r.triggers)
            gate = gate_regex(r) if r.prefilter else None
            if reads == "patterns":
                self.patterns.append((r, m))
                other.extend(trig)
            elif reads in ("code", "strings"):
                if reads == "strings":
                    self.strings.append((r, m))
                if gate is None:
                    plain.extend(trig)
                else:
                    gated.append((tuple(shortest_cover(trig)), gate))
            else:
                self.anywhere.append((trig, gate, r, getattr(m, "shim_only", False)))
        # a hit of a word holds the hits of every word that contains it, at the same place
        self.plain = tuple(shortest_cover(plain))
        self.gated = tuple(gated)
        # the handler sends a string that any trigger word hits to the string matchers (the words
        # of the rules read anywhere count here when --shim is off and its rule is not run)
        other += [t for trig, *_rest in self.anywhere for t in trig]
        self.other = tuple(w for w in shortest_cover(other) if not any(p in w for p in self.plain))
        # which of all these words a file holds: one pass
        self.words = sorted({*self.plain, *(w for ws, _g in self.gated for w in ws), *other})
        self.found_by = word_set(self.words)

    def present(self, data: bytes) -> frozenset[bytes]:
        found = self.found_by.Match(data) if self.found_by is not None else None
        return frozenset(self.words[i] for i in found) if found else frozenset()


_BY_RULES: dict[int, tuple] = {}
_BY_IDS: dict[tuple[str, ...], _Plan] = {}


def _plan(rules) -> _Plan:
    return for_rules(rules, _Plan, _BY_RULES, _BY_IDS)


def wants(data: bytes, rules, settings) -> bool:
    """False only when no rule can act on the file: every trigger hit stands where no matcher that
    could act on it looks. Called for files the byte prefilter passed."""
    plan = _plan(rules)
    if plan.always:
        return True
    present = plan.present(data)
    low = data.lower()
    for trig, gate, _rule, shim_only in plan.anywhere:
        if shim_only and not settings.shim:
            continue
        if not present.isdisjoint(trig) and (gate is None or gate.search(low) is not None):
            return True
    if b"\r" in data and b"\n" not in data:
        return True  # old Mac line endings: the handler turns the file away, saying so
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return True  # another encoding's bytes may look like quotes or backslashes
    try:
        return _live(plan, data, low, Lexer(data), present)
    except Unsure:
        return True


_IN_CODE, _NOT_LIVE, _LIVE = 0, 1, 2


class _Hits:
    def __init__(self, plan: _Plan, data: bytes, low: bytes, lex: Lexer):
        self.plan, self.data, self.low, self.lex = plan, data, low, lex
        self.judged: dict[int, bool] = {}  # string literal start -> a string matcher may read it

    def find(self, word: bytes, code_is_enough: bool) -> int:
        """_LIVE: a hit of `word` that a string matcher may read, or in an f-string (its braces hold
        code); _IN_CODE: a hit in code (the first, if `code_is_enough`, else only when none is
        live); _NOT_LIVE: none of those."""
        low, lex, found = self.low, self.lex, _NOT_LIVE
        i = low.find(word)
        while i != -1:
            region = lex.at(i)
            if region is None:
                if code_is_enough:
                    return _IN_CODE
                found = _IN_CODE
                i = low.find(word, i + 1)
                continue
            if region[2] == FSTRING or (region[2] == STRING and self._read(region)):
                return _LIVE
            i = low.find(word, region[1])  # the rest of this comment or literal says no more
        return found

    def _read(self, region) -> bool:
        got = self.judged.get(region[0])
        if got is None:
            content = self.data[region[3]:region[4]]
            got = self.judged[region[0]] = any(m.may_read(r, content) for r, m in self.plan.strings)
        return got


def _live(plan: _Plan, data: bytes, low: bytes, lex: Lexer, present: frozenset[bytes]) -> bool:
    hits = _Hits(plan, data, low, lex)
    for w in plan.plain:
        if w in present and hits.find(w, True) != _NOT_LIVE:
            return True
    for words, gate in plan.gated:
        # a code-only rule with a prefilter regex: its word in code, and its regex matching in code
        found = [hits.find(w, False) for w in words if w in present]
        if _LIVE in found or (_IN_CODE in found and _matches_in_code(gate, low, lex)):
            return True
    for w in plan.other:
        if w in present and hits.find(w, False) == _LIVE:
            return True
    return any(m.may_match(r, data, where(lex)) for r, m in plan.patterns)


# what a pattern matcher is told about a position: an f-string counts as code (its braces hold code)
_WHERE = {CODE: "code", FSTRING: "code", STRING: "string", COMMENT: "comment"}


def where(lex: Lexer):
    """offset -> "code", "comment" or "string", as a pattern matcher is told. The line break and
    indentation between the lines of a comment run are code (tree-sitter's comments end at the
    line's end), and so is all other white space in a comment: the safe side."""
    data = lex.data

    def at(offset: int) -> str:
        kind = lex.kind(offset)
        if kind == COMMENT and data[offset:offset + 1] in (b" ", b"\t", b"\r", b"\n"):
            return "code"
        return _WHERE[kind]

    return at


_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")


def _matches_in_code(gate, low: bytes, lex: Lexer) -> bool:
    """Whether `gate` matches with its first word character in code (`(?:^|[^a-z0-9_])apex`
    starts one character before the name)."""
    pos = 0
    while True:
        m = gate.search(low, pos)
        if m is None:
            return False
        s = m.start()
        if m.end() > s + 1 and low[s] not in _WORD:
            s += 1
        if lex.kind(s) == CODE:
            return True
        pos = m.start() + 1
