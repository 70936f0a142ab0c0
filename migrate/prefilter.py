"""A cheap byte scan that decides which files deserve a parse: most files in a big repo
mention none of the trigger words of the rules that apply to them.

Matching is ASCII case-insensitive. We lower-case the bytes once and look for each lower-cased
word with `bytes.__contains__` (a fast C search): on the transformers tree that is ~14x faster
than one `re.IGNORECASE` alternation, whose engine tries every alternative at every position.
"""

from __future__ import annotations

import re
from functools import cache

_PLANS: dict[tuple[str, ...], tuple[bool, tuple[bytes, ...]]] = {}


@cache
def trigger_regex(words: frozenset[str]) -> re.Pattern[bytes] | None:
    """An alternation of `words` to run over LOWER-CASED bytes (longest words first)."""
    if not words:
        return None
    alternatives = sorted({re.escape(w.lower().encode()) for w in words}, key=len, reverse=True)
    return re.compile(b"|".join(alternatives))


def _plan(rules) -> tuple[bool, tuple[bytes, ...]]:
    key = tuple(r.id for r in rules)
    plan = _PLANS.get(key)
    if plan is None:
        always = any(not r.triggers for r in rules)
        words = sorted({w.lower().encode() for r in rules for w in r.triggers}, key=len)
        # drop a word that contains a shorter one: the shorter one finds every such file
        kept: list[bytes] = []
        for w in words:
            if not any(k in w for k in kept):
                kept.append(w)
        plan = _PLANS[key] = (always, tuple(kept))
    return plan


def wants(data: bytes, rules) -> bool:
    if not rules:
        return False
    always, words = _plan(rules)
    if always:
        return True
    if not words:
        return True
    low = data.lower()
    return any(w in low for w in words)
