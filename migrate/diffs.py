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
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
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
