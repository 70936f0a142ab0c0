"""A cheap byte scan that decides which files deserve a parse: most files in a big repo
mention none of the trigger words of the rules that apply to them.

Matching is ASCII case-insensitive. We lower-case the bytes once and look for each lower-cased
word with `bytes.__contains__` (a fast C search): on the transformers tree that is ~14x faster
than one `re.IGNORECASE` alternation, whose engine tries every alternative at every position.
"""

from __future__ import annotations

import re
from functools import cache

_PLANS: dict[tuple[str, ...], tuple] = {}


@cache
def trigger_regex(words: frozenset[str]) -> re.Pattern[bytes] | None:
    """An alternation of `words` to run over LOWER-CASED bytes (longest words first)."""
    if not words:
        return None
    alternatives = sorted({re.escape(w.lower().encode()) for w in words}, key=len, reverse=True)
    return re.compile(b"|".join(alternatives))


def shortest_cover(words) -> list[bytes]:
    """The words less those that contain a shorter one, which finds every file they are in;
    shortest first."""
    kept: list[bytes] = []
    for w in sorted(set(words), key=len):
        if not any(k in w for k in kept):
            kept.append(w)
    return kept


def _plan(rules) -> tuple:
    key = tuple(r.id for r in rules)
    plan = _PLANS.get(key)
    if plan is None:
        always = any(not r.triggers for r in rules)
        kept = shortest_cover(w.lower().encode() for r in rules if not r.prefilter for w in r.triggers)
        # rules with a `prefilter` regex: a trigger word AND the regex (both on lower-cased bytes).
        # They are tried only when no kept word is in the file, so a trigger that contains a kept
        # word cannot be there either: it is left out, and a rule left with none is dropped.
        gated = []
        for r in rules:
            if r.prefilter and r.triggers:
                trig = tuple(t for t in (w.lower().encode() for w in r.triggers) if not any(k in t for k in kept))
                if trig:
                    gated.append((trig, re.compile(r.prefilter.encode())))
        gated = tuple(gated)
        plan = _PLANS[key] = (always, tuple(kept), gated)
    return plan


def wants(data: bytes, rules) -> bool:
    if not rules:
        return False
    always, words, gated = _plan(rules)
    if always:
        return True
    if not words and not gated:
        return True
    low = data.lower()
    return any(w in low for w in words) or any(
        any(w in low for w in trig) and rx.search(low) is not None for trig, rx in gated)
