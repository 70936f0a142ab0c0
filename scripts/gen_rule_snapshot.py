"""Write migrate/data/rules.pickle: the rule YAML's documents, pickled (~30x faster to load).

    python scripts/gen_rule_snapshot.py          # rewrite the snapshot
    python scripts/gen_rule_snapshot.py --check  # exit 1 if it is not made from today's rules/

The snapshot names each rule file with its content hash; migrate reads it only when every
file matches (migrate/ruleset.py `_documents`), so a stale snapshot costs speed, never
correctness. Pickle, not JSON: the documents have integer keys (an argument's index).
Run this after editing rules/**/*.yaml (a test checks it).
"""

import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from migrate import ruleset  # noqa: E402
from migrate.resources import data_dir  # noqa: E402


def build() -> dict:
    files = ruleset.rule_files()
    return {"files": [ruleset.file_key(p, data) for p, data in files],
            "documents": [ruleset._yaml_document(data.decode("utf-8"), str(p)) for p, data in files]}


def main() -> int:
    target = data_dir() / ruleset.SNAPSHOT
    snap = build()
    if "--check" in sys.argv[1:]:
        try:
            with open(target, "rb") as f:
                return 0 if pickle.load(f) == snap else 1
        except (OSError, pickle.UnpicklingError, EOFError):
            return 1
    target.write_bytes(pickle.dumps(snap, protocol=5))
    return 0


if __name__ == "__main__":
    sys.exit(main())
