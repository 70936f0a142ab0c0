"""Score migrate's output on the Python corpus against the human ground truth.

    python corpus/score.py [CASE...]

For each case: differences between migrate's output and `expected/` (the certain edits),
`manual` entries without a finding on their line (missed), and open findings on lines the ground
truth marks `keep` (noise). Prints a table; exit 1 if anything differs.
"""

import difflib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from migrate.core import migrate_file  # noqa: E402
from migrate.settings import Settings  # noqa: E402


def score(case: pathlib.Path, verbose: bool = True) -> dict:
    spec = json.loads((case / "ground_truth.json").read_text())
    inp, exp = case / "input", case / "expected"
    findings: dict[str, list] = {}
    diffs = 0
    from migrate import discover, runner

    project = runner.project_index(inp, discover.walk(inp).entries, Settings())
    for path in sorted(p for p in inp.rglob("*") if p.is_file()):
        rel = path.relative_to(inp).as_posix()
        data = path.read_bytes()
        r = migrate_file(rel, data, Settings(), project=project)
        out = r.new_data if r.new_data is not None else data
        want = (exp / rel).read_bytes()
        findings[rel] = r.findings
        if out != want:
            diffs += 1
            if verbose:
                print(f"--- {case.name}/{rel}: output differs from expected/")
                for line in difflib.unified_diff(want.decode().splitlines(), out.decode().splitlines(),
                                                 "expected", "migrate", lineterm="", n=0):
                    print("   ", line)
    missed, noise, covered = [], [], 0
    for e in spec["entries"]:
        lines = {f.line for f in findings.get(e["file"], []) if not f.fixed}
        advice_free = {f.line for f in findings.get(e["file"], []) if not f.fixed and f.severity.value != "info"}
        if e["kind"] == "manual" or (e["kind"] == "rewrite" and e.get("finding")):
            if e["line"] in lines:
                covered += 1
            else:
                missed.append(e)
        elif e["kind"] == "keep" and e["line"] in advice_free:
            noise.append(e)  # an info-level note on a kept line is advice, not noise
    if verbose:
        for e in missed:
            print(f"  MISSED manual {case.name}/{e['file']}:{e['line']}: {e.get('old', '')!r} ({e['note'][:90]})")
        for e in noise:
            print(f"  NOISE on keep {case.name}/{e['file']}:{e['line']}: {e.get('old', '')!r}")
    manual = sum(1 for e in spec["entries"] if e["kind"] == "manual" or (e["kind"] == "rewrite" and e.get("finding")))
    return {"case": case.name, "files_differing": diffs, "manual": manual, "manual_found": covered,
            "noise": len(noise)}


def main(argv):
    cases = [ROOT / a for a in argv] if argv else sorted(p for p in ROOT.iterdir() if (p / "ground_truth.json").is_file())
    rows = [score(c) for c in cases]
    print(f"\n{'case':22} {'files≠':>7} {'manual found':>13} {'noise':>6}")
    for r in rows:
        print(f"{r['case']:22} {r['files_differing']:>7} {r['manual_found']:>6}/{r['manual']:<6} {r['noise']:>6}")
    return 1 if any(r["files_differing"] or r["manual_found"] < r["manual"] or r["noise"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
