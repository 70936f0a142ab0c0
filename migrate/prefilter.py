"""A cheap byte scan that decides which files deserve a parse: most files in a big repo
mention none of the trigger words of the rules that apply to them."""

from __future__ import annotations

import re
from functools import cache


@cache
def trigger_regex(words: frozenset[str]) -> re.Pattern[bytes] | None:
    if not words:
        return None
    alternatives = sorted({re.escape(w.encode()) for w in words}, key=len, reverse=True)
    return re.compile(b"|".join(alternatives), re.IGNORECASE)


def wants(data: bytes, rules) -> bool:
    if not rules:
        return False
    if any(not r.triggers for r in rules):
        return True
    words = frozenset(w for r in rules for w in r.triggers)
    rx = trigger_regex(words)
    return rx is None or rx.search(data) is not None
