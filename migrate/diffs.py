"""Unified diffs that `git apply` accepts (a/ b/ prefixes, "\\ No newline at end of file")."""

from __future__ import annotations

import difflib


def _lines(data: bytes) -> list[str]:
    # Split on "\n" only, as git does: str.splitlines would also split on "\r", form feeds and
    # other separators, and `git apply` would reject the hunks.
    text = data.decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def unified(path: str, old: bytes, new: bytes, context: int = 3, new_path: str | None = None) -> str:
    """The diff as text (undecodable bytes shown as U+FFFD): for reports and the review UI."""
    return unified_bytes(path, old, new, context, new_path).decode("utf-8", "replace")


def unified_bytes(path: str, old: bytes, new: bytes, context: int = 3, new_path: str | None = None) -> bytes:
    """The diff with every byte of the files kept (any encoding): what `git apply` needs."""
    new_path = new_path or path
    a, b = _lines(old), _lines(new)
    out = [f"diff --git a/{path} b/{new_path}\n"]
    if not old and new:
        out += ["new file mode 100644\n", "--- /dev/null\n", f"+++ b/{new_path}\n"]
    else:
        out += [f"--- a/{path}\n", f"+++ b/{new_path}\n"]
    for group in grouped_opcodes(a, b, context):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@\n")
        for tag, x1, x2, y1, y2 in group:
            if tag == "equal":
                out += _mark(" ", a[x1:x2])
                continue
            if tag in ("replace", "delete"):
                out += _mark("-", a[x1:x2])
            if tag in ("replace", "insert"):
                out += _mark("+", b[y1:y2])
    if len(out) <= 3 and old == new:
        return b""
    return "".join(out).encode("utf-8", "surrogateescape")


# --------------------------------------------------------------------------------------------
# Matching lines fast. difflib.SequenceMatcher(autojunk=False) over a whole 3,000-line module
# costs tens of milliseconds, most of it on popular lines (blank lines, `)`). A migration changes
# a few lines, so we match like patience diff: trim the common head and tail, anchor on lines
# that occur once on each side (longest increasing run of them), recurse between anchors, and
# let difflib match only the small gaps that are left.

_SMALL = 200  # a gap this small (lines on each side) goes straight to difflib


def matching_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """Like SequenceMatcher.get_matching_blocks(): (i, j, n) triples, ascending, ending (len(a), len(b), 0)."""
    blocks: list[tuple[int, int, int]] = []
    _match(a, b, 0, len(a), 0, len(b), blocks)
    merged: list[tuple[int, int, int]] = []
    for i, j, n in blocks:
        if n == 0:
            continue
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            pi, pj, pn = merged[-1]
            merged[-1] = (pi, pj, pn + n)
        else:
            merged.append((i, j, n))
    merged.append((len(a), len(b), 0))
    return merged


def _match(a, b, alo, ahi, blo, bhi, out) -> None:
    head = 0
    while alo + head < ahi and blo + head < bhi and a[alo + head] == b[blo + head]:
        head += 1
    if head:
        out.append((alo, blo, head))
        alo, blo = alo + head, blo + head
    tail = 0
    while alo < ahi - tail and blo < bhi - tail and a[ahi - 1 - tail] == b[bhi - 1 - tail]:
        tail += 1
    ahi_t, bhi_t = ahi - tail, bhi - tail
    if alo < ahi_t and blo < bhi_t:
        if ahi_t - alo <= _SMALL and bhi_t - blo <= _SMALL:
            sm = difflib.SequenceMatcher(None, a[alo:ahi_t], b[blo:bhi_t], autojunk=False)
            out.extend((alo + i, blo + j, n) for i, j, n in sm.get_matching_blocks() if n)
        else:
            anchors = _unique_anchors(a, b, alo, ahi_t, blo, bhi_t)
            if not anchors:
                sm = difflib.SequenceMatcher(None, a[alo:ahi_t], b[blo:bhi_t], autojunk=False)
                out.extend((alo + i, blo + j, n) for i, j, n in sm.get_matching_blocks() if n)
            else:
                i0, j0 = alo, blo
                for i, j in anchors:
                    _match(a, b, i0, i, j0, j, out)
                    out.append((i, j, 1))
                    i0, j0 = i + 1, j + 1
                _match(a, b, i0, ahi_t, j0, bhi_t, out)
    if tail:
        out.append((ahi_t, bhi_t, tail))


def _unique_anchors(a, b, alo, ahi, blo, bhi) -> list[tuple[int, int]]:
    """Pairs (i, j) of lines unique in both ranges, the longest run increasing in both i and j."""
    count_a: dict[str, int] = {}
    for i in range(alo, ahi):
        count_a[a[i]] = count_a.get(a[i], 0) + 1
    where_b: dict[str, int] = {}
    count_b: dict[str, int] = {}
    for j in range(blo, bhi):
        line = b[j]
        count_b[line] = count_b.get(line, 0) + 1
        where_b[line] = j
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi)
             if count_a[a[i]] == 1 and count_b.get(a[i]) == 1]
    if not pairs:
        return []
    # longest increasing subsequence of j (pairs are in increasing i): patience sorting
    import bisect

    tails: list[int] = []  # tails[k]: smallest j ending an increasing run of length k+1
    tails_at: list[int] = []  # index into pairs of that run's end
    prev = [-1] * len(pairs)
    for k, (_i, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tails_at.append(k)
        else:
            tails[pos] = j
            tails_at[pos] = k
        prev[k] = tails_at[pos - 1] if pos else -1
    run = []
    k = tails_at[-1]
    while k != -1:
        run.append(pairs[k])
        k = prev[k]
    run.reverse()
    return run


def grouped_opcodes(a: list[str], b: list[str], n: int = 3):
    """SequenceMatcher.get_grouped_opcodes(n) over our matching blocks (same hunk shapes)."""
    sm = difflib.SequenceMatcher(None, (), ())  # empty: no index is built
    sm.a, sm.b = a, b
    sm.matching_blocks = matching_blocks(a, b)
    sm.opcodes = None
    return sm.get_grouped_opcodes(n)


def _range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return str(start + 1)
    if length == 0:
        return f"{start},0"
    return f"{start + 1},{length}"


def _mark(prefix: str, lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if line.endswith("\n"):
            out.append(prefix + line)
        else:
            out.append(prefix + line + "\n\\ No newline at end of file\n")
    return out
