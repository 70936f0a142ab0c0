"""The corpus: realistic repos with expected output trees and expected findings.

For every corpus/<case>/ with input/ and expected/: `migrate run input --out OUT` through the
real CLI must produce exactly expected/ (every file byte for byte, nothing more or less) and the
open findings must equal expected_findings.txt (`path:line: rule`, sorted). Regenerate a case's
findings file with `python tests/test_corpus.py CASE` after reviewing the change by hand.
"""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "input").is_dir() and (p / "expected").is_dir())


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".migrate" not in p.relative_to(root).parts}


def open_findings(report: dict) -> list[str]:
    return sorted(f"{f['path']}:{f['line']}: {f['rule']}" for f in report["findings"] if not f["fixed"])


@pytest.mark.parametrize("case", CASES)
def test_case(case, tmp_path, cli):
    out = tmp_path / "out"
    res = cli("run", CORPUS / case / "input", "--out", out, "--quiet")
    assert res.returncode in (0, 1), res.stderr
    got, want = tree(out), tree(CORPUS / case / "expected")
    assert sorted(got) == sorted(want), "output tree has different files"
    for rel in want:
        assert got[rel] == want[rel], f"{rel} differs from expected/"
    report = json.loads((out / ".migrate" / "report" / "report.json").read_text())
    expected = (CORPUS / case / "expected_findings.txt").read_text().splitlines()
    assert open_findings(report) == [line for line in expected if line and not line.startswith("#")]


def test_untouched_files_are_identical(tmp_path, cli):
    """Files the corpus marks as having no CUDA code come out byte-identical (BOM/CRLF kept)."""
    for case in CASES:
        inp, exp = CORPUS / case / "input", CORPUS / case / "expected"
        for rel, data in tree(inp).items():
            if (exp / rel).read_bytes() == data:
                assert tree(exp)[rel] == data


if __name__ == "__main__":  # regenerate expected_findings.txt for the named cases
    import subprocess
    import tempfile

    for case in sys.argv[1:]:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "migrate", "run", str(CORPUS / case / "input"), "--out", tmp + "/o", "-q"],
                           cwd=ROOT, check=False)
            report = json.loads(Path(tmp, "o", ".migrate", "report", "report.json").read_text())
        (CORPUS / case / "expected_findings.txt").write_text(
            "# open findings of `migrate run` on input/ (path:line: rule); reviewed by hand\n" + "\n".join(open_findings(report)) + "\n")
        print(case, len(open_findings(report)))
