"""Check each case's ground_truth.json against its input tree, then write
GROUND_TRUTH.md and the expected/ tree (input + the certain edits only).

    python corpus/render_ground_truth.py            # all cases
    python corpus/render_ground_truth.py --check    # validate only, write nothing

Entry kinds in ground_truth.json:
  rewrite  certain, mechanical edit: `old` (exact substring of the line, must occur once) -> `new`
  import   insert the line `new` after line `line` (same line ending as that line)
  manual   needs a person: a tool must leave the line unchanged and report a finding
  keep     mentions cuda/nccl/... but must stay byte-identical; no finding required
  info     optional advice (performance); line unchanged, a finding is allowed, not required
For manual/keep/info, `old` must occur in the line (it anchors the entry to the text).
"""

import ast
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent
KINDS = ("rewrite", "import", "manual", "keep", "info")


def split_lines(data: bytes):
    """Lines with their endings kept, so CRLF and a BOM survive untouched."""
    return data.splitlines(keepends=True)


def line_text(raw: bytes, first: bool) -> str:
    text = raw.decode("utf-8")
    if first and text.startswith("\ufeff"):
        text = text[1:]
    return text.rstrip("\r\n")


def apply(case_dir: pathlib.Path, spec: dict, errors: list):
    inp = case_dir / "input"
    out = {}
    by_file = {}
    for e in spec["entries"]:
        by_file.setdefault(e["file"], []).append(e)
    for path in sorted(p for p in inp.rglob("*") if p.is_file()):
        rel = path.relative_to(inp).as_posix()
        data = path.read_bytes()
        lines = split_lines(data)
        inserts = {}
        for e in by_file.get(rel, []):
            kind, n = e["kind"], e["line"]
            if kind not in KINDS:
                errors.append(f"{rel}:{n}: unknown kind {kind}")
                continue
            if not 1 <= n <= len(lines):
                errors.append(f"{rel}:{n}: line out of range")
                continue
            text = line_text(lines[n - 1], n == 1)
            if kind == "import":
                inserts.setdefault(n, []).append(e["new"])
                continue
            old = e["old"]
            count = text.count(old)
            if kind == "rewrite" and count != 1:
                errors.append(f"{rel}:{n}: rewrite anchor {old!r} occurs {count} times in {text!r}")
                continue
            if count == 0:
                errors.append(f"{rel}:{n}: anchor {old!r} not in {text!r}")
                continue
            if kind == "rewrite":
                raw = lines[n - 1]
                lines[n - 1] = raw.replace(old.encode(), e["new"].encode(), 1)
        new = []
        for i, raw in enumerate(lines, 1):
            new.append(raw)
            for imp in inserts.get(i, []):
                ending = b"\r\n" if raw.endswith(b"\r\n") else b"\n"
                indent = raw[: len(raw) - len(raw.lstrip())]
                new.append(indent + imp.encode() + ending)
        result = b"".join(new)
        if path.suffix == ".py":
            try:
                ast.parse(result)
            except SyntaxError as exc:
                errors.append(f"{rel}: expected output does not parse: {exc}")
        out[rel] = (data, result)
    for rel in by_file:
        if not (inp / rel).is_file():
            errors.append(f"{rel}: no such input file")
    return out


def md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def render(case_dir: pathlib.Path, spec: dict, files: dict) -> str:
    out = [f"# Ground truth: {case_dir.name}", ""]
    out += [spec["summary"], ""]
    out += [
        "Generated from `ground_truth.json` by `corpus/render_ground_truth.py`; edit the JSON, not this file.",
        "Line numbers refer to the original file in `input/`. `expected/` holds the input with only the",
        "certain edits (rewrite, import) applied; every other line, and every file not listed here,",
        "must stay byte-identical (line endings and BOM included).",
        "",
        "| kind | meaning for a tool |",
        "|---|---|",
        "| rewrite | certain, mechanical: replace `old` by `new` on that line, nothing else |",
        "| import | insert `new` as a new line after that line |",
        "| manual | needs a person: leave the line as it is and report a finding with the reason |",
        "| keep | mentions CUDA/NCCL but must not change (file names, messages, user names); no finding needed |",
        "| info | optional advice (usually performance); line unchanged; a finding is allowed, not required |",
        "",
    ]
    by_file = {}
    for e in spec["entries"]:
        by_file.setdefault(e["file"], []).append(e)
    counts = {k: 0 for k in KINDS}
    for e in spec["entries"]:
        counts[e["kind"]] += 1
    out.append("Totals: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".")
    out.append("")
    for rel in sorted(files):
        original, result = files[rel]
        nlines = len(split_lines(original))
        entries = sorted(by_file.get(rel, []), key=lambda e: (e["line"], KINDS.index(e["kind"])))
        status = "changed" if original != result else "byte-identical"
        extras = []
        if original.startswith(b"\xef\xbb\xbf"):
            extras.append("UTF-8 BOM")
        if b"\r\n" in original:
            extras.append("CRLF line endings")
        extra = f"; {', '.join(extras)} (must be preserved)" if extras else ""
        out.append(f"## `{rel}` ({nlines} lines, {status}{extra})")
        out.append("")
        if spec.get("file_notes", {}).get(rel):
            out.append(spec["file_notes"][rel])
            out.append("")
        if not entries:
            out.append("No CUDA-specific code. Must stay byte-identical; no findings.")
            out.append("")
            continue
        out.append("| line | kind | original | becomes / reason |")
        out.append("|---|---|---|---|")
        for e in entries:
            if e["kind"] == "import":
                orig = ""
                what = f"insert `{e['new']}`"
            elif e["kind"] == "rewrite":
                orig = f"`{e['old']}`"
                what = f"`{e['new']}`"
            else:
                orig = f"`{e['old']}`"
                what = ""
            note = e.get("note", "")
            cell = what + (" — " if what and note else "") + note
            out.append(f"| {e['line']} | {e['kind']} | {md_cell(orig)} | {md_cell(cell)} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv):
    check_only = "--check" in argv
    failed = False
    for case_dir in sorted(p for p in ROOT.iterdir() if (p / "ground_truth.json").is_file()):
        spec = json.loads((case_dir / "ground_truth.json").read_text(encoding="utf-8"))
        errors = []
        files = apply(case_dir, spec, errors)
        if errors:
            failed = True
            print(f"{case_dir.name}: {len(errors)} error(s)")
            for err in errors:
                print("  " + err)
            continue
        changed = sum(1 for o, r in files.values() if o != r)
        print(f"{case_dir.name}: ok ({len(spec['entries'])} entries, {changed}/{len(files)} files change)")
        if check_only:
            continue
        (case_dir / "GROUND_TRUTH.md").write_text(render(case_dir, spec, files), encoding="utf-8")
        for rel, (_, result) in files.items():
            dest = case_dir / "expected" / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(result)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
