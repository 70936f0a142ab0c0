"""`migrate diff PATH...`: the migration as a unified diff that `git apply` accepts. Writes nothing.

Paths are relative to the git work tree holding PATH (as `git diff` prints them), or to the
folder the PATHs share outside git. Exit 0: nothing to change, 1: the diff is not empty, 2: error.
"""

from __future__ import annotations

import sys

from migrate.commands.common import add_output_options, add_paths, add_rule_options


def add_arguments(p) -> None:
    add_paths(p)
    add_rule_options(p)
    add_output_options(p)


def render(results, base) -> bytes:
    """One patch for all changed files and every generated new file, in path order."""
    from migrate import diffs
    from migrate.runner import _safe_rel

    parts: dict[str, bytes] = {}
    for r in sorted(results, key=lambda r: r.path):
        if r.status == "changed" and r.new_data is not None:
            parts[r.path] = diffs.unified_bytes(r.path, (base / r.path).read_bytes(), r.new_data)
        for gen, data in r.generated.items():
            rel = _safe_rel(gen)
            # two sources generating one file (same-named kernels in one folder): the first in
            # path order, as `migrate run` writes it (runner.GeneratedClaims)
            if rel not in parts and not (base / rel).exists():
                parts[rel] = diffs.unified_bytes(rel, b"", data)
    return b"".join(parts[k] for k in sorted(parts))


_COLOURS = ((b"+++", b"\x1b[1m"), (b"---", b"\x1b[1m"), (b"diff ", b"\x1b[1m"), (b"new file", b"\x1b[1m"),
            (b"@@", b"\x1b[36m"), (b"+", b"\x1b[32m"), (b"-", b"\x1b[31m"))


def _colours_wanted() -> bool:
    """Like `git diff`: colours on a terminal only, never with NO_COLOR (rich decides both)."""
    if not sys.stdout.isatty():
        return False
    from rich.console import Console

    con = Console()
    return con.is_terminal and not con.no_color and con.color_system is not None


def colourize(patch: bytes) -> bytes:
    """ANSI colours per line, as `git diff` shows them; the bytes between the codes are unchanged."""
    out = []
    for line in patch.splitlines(keepends=True):
        code = next((c for prefix, c in _COLOURS if line.startswith(prefix)), None)
        if code is None:
            out.append(line)
            continue
        body = line.rstrip(b"\r\n")
        out.append(code + body + b"\x1b[0m" + line[len(body):])
    return b"".join(out)


def print_diff(args) -> int:
    from migrate import checking, scan
    from migrate.commands.common import prepare

    targets, settings = prepare(args)
    results = list(scan.results(targets, settings, args.jobs))
    patch = render(results, targets.base)
    out = sys.stdout.buffer
    out.write(colourize(patch) if _colours_wanted() else patch)
    out.flush()
    checked = checking.build(targets, results)
    err = sys.stderr
    for p, reason in checked.errors:
        print(f"{p}: error: {reason}", file=err)
    if not getattr(args, "quiet", False):
        for p, reason in checked.skipped:
            print(f"{p}: not checked: {reason}", file=err)
        n_fix = sum(1 for i in checked.items if i.fixable)
        n_open = len(checked.items) - n_fix
        files = sum(1 for r in results if r.status == "changed")
        print(f"migrate: {n_fix} fix{'es' if n_fix != 1 else ''} in {files} file{'s' if files != 1 else ''}"
              + (f"; {n_open} other finding{'s' if n_open != 1 else ''} for a person (`migrate check`)" if n_open else ""),
              file=err)
    if checked.errors:
        return 2
    return 1 if patch else 0


def main(args) -> int:
    return print_diff(args)
