"""A cheap byte scan that decides which files deserve a parse: most files in a big repo
mention none of the trigger words of the rules that apply to them.

Matching is ASCII case-insensitive. All the trigger words of a language are found in one pass
with RE2's multi-pattern `Set` (a DFA over the bytes: 0.08 s for the 52 MB of transformers'
Python files, where one `bytes.__contains__` pass per word over lower-cased bytes took 0.67 s and
a `re.IGNORECASE` alternation ~14x more). tests/test_rules.py holds that word-by-word form as the
definition this one must agree with.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import re2


class Plan(NamedTuple):
    always: bool  # a rule without triggers: every file goes to the parser
    words: tuple[bytes, ...]  # lower-cased trigger words, none containing another
    gated: tuple  # (trigger words, `prefilter` regex as bytes, for Python's `re`) of the rules with one
    found_by: object  # RE2 Set of `words` (ids 0..len(words)-1) and then the gated words
    gated_ids: tuple  # (Set ids of a gated rule's words, its regex as run: gate_regex)


_PLANS: dict[tuple[str, ...], Plan] = {}


def shortest_cover(words) -> list[bytes]:
    """The words less those that contain a shorter one, which finds every file they are in;
    shortest first."""
    kept: list[bytes] = []
    for w in sorted(set(words), key=len):
        if not any(k in w for k in kept):
            kept.append(w)
    return kept


def word_set(words: list[bytes]):
    """An RE2 Set that finds which of `words` occur in a text, ASCII case-insensitive, in one pass.
    Latin-1 mode: bytes, and no non-ASCII letter folds to an ASCII one. A set of literals is an
    Aho-Corasick automaton of at most sum(len) states, so the DFA never runs out of memory (which
    would make Match answer "none") whatever the text."""
    if not words:
        return None
    opts = re2.Options()
    opts.case_sensitive = False
    opts.encoding = re2.Options.Encoding.LATIN1
    s = re2.Set.SearchSet(opts)
    for w in words:
        s.Add(re2.escape(w))
    s.Compile()
    return s


def for_rules(rules, build, by_object: dict, by_ids: dict):
    """build(rules), kept per rules object (a run asks with the same tuple for every file of a
    language, so this costs one dict look-up a file) and per tuple of rule ids (a repo's own rules
    come in a new tuple per file). The object is kept with its answer, so its id stays its own."""
    got = by_object.get(id(rules))
    if got is not None and got[0] is rules:
        return got[1]
    key = tuple(r.id for r in rules)
    value = by_ids.get(key)
    if value is None:
        value = by_ids[key] = build(rules)
    if len(by_object) >= 64:
        by_object.clear()
    by_object[id(rules)] = (rules, value)
    return value


_BY_RULES: dict[int, tuple] = {}


def _plan(rules) -> Plan:
    return for_rules(rules, _build_plan, _BY_RULES, _PLANS)


def _build_plan(rules) -> Plan:
    always = any(not r.triggers for r in rules)
    kept = shortest_cover(w.lower().encode() for r in rules if not r.prefilter for w in r.triggers)
    # rules with a `prefilter` regex: a trigger word AND the regex (both on lower-cased bytes).
    # They are tried only when no kept word is in the file, so a trigger that contains a kept
    # word cannot be there either: it is left out, and a rule left with none is dropped.
    gated, run = [], []
    for r in rules:
        if r.prefilter and r.triggers:
            trig = tuple(t for t in (w.lower().encode() for w in r.triggers) if not any(k in t for k in kept))
            if trig:
                gated.append((trig, r.prefilter.encode()))
                run.append(gate_regex(r))
    gated = tuple(gated)
    # one Set of every word: the kept ones first (ids 0..len(kept)-1), then the gated triggers
    extra = sorted({t for trig, _pattern in gated for t in trig} - set(kept))
    ids = {w: i for i, w in enumerate(kept + extra)}
    fast = word_set(kept + extra)
    gated_ids = tuple((frozenset(ids[t] for t in trig), rx) for (trig, _pattern), rx in zip(gated, run))
    return Plan(always, tuple(kept), gated, fast, gated_ids)


def gate_regex(rule):
    """A rule's `prefilter` regex, compiled to run on lower-cased bytes. The shipped rules' are RE2
    syntax and run in RE2 (a DFA: transformers' gated files take 0.05 s where Python's `re` took
    0.2 s); tests/test_rules.py checks that RE2 answers as Python's `re`, their definition, does.
    A repo's own rules (extend-rules) were checked with Python's `re` and run in it."""
    from migrate import ruleset

    if ruleset.rules_by_id().get(rule.id) is rule:
        opts = re2.Options()
        opts.encoding = re2.Options.Encoding.LATIN1  # bytes, and byte classes as `re` reads them
        return re2.compile(rule.prefilter.encode(), opts)
    return re.compile(rule.prefilter.encode())


def wants(data: bytes, rules) -> bool:
    if not rules:
        return False
    plan = _plan(rules)
    if plan.always or not (plan.words or plan.gated):
        return True
    found = plan.found_by.Match(data)
    if not found:
        return False
    if min(found) < len(plan.words):
        return True
    low, hit = data.lower(), set(found)
    return any(not ids.isdisjoint(hit) and rx.search(low) is not None for ids, rx in plan.gated_ids)
