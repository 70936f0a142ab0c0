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


# id(rules) -> (rules, plan): a run asks with the same rules object for every file of a language;
# the object is kept, so its id stays its own (bounded: a repo's own rules come in a new tuple per file)
_BY_RULES: dict[int, tuple] = {}


def _plan(rules) -> Plan:
    got = _BY_RULES.get(id(rules))
    if got is not None and got[0] is rules:
        return got[1]
    plan = _plan_for_ids(rules)
    if len(_BY_RULES) >= 64:
        _BY_RULES.clear()
    _BY_RULES[id(rules)] = (rules, plan)
    return plan


def _plan_for_ids(rules) -> Plan:
    key = tuple(r.id for r in rules)
    plan = _PLANS.get(key)
    if plan is None:
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
        plan = _PLANS[key] = Plan(always, tuple(kept), gated, fast, gated_ids)
    return plan


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
