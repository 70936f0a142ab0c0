"""change_list.csv and unsupported_api.csv with the columns of Huawei's GPU2Ascend tool, so its
users keep their spreadsheets (File, Start Line, End Line, Operation Type, Message / OP, Tips)."""

from __future__ import annotations

import csv
import io


def change_list(report: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["File", "Start Line", "End Line", "Operation Type", "Message"])
    for f in report["findings"]:
        if f["fixed"]:
            op = "INSERT" if f["message"].lower().startswith(("added", "insert")) else "MODIFY"
            w.writerow([f["path"], f["line"], f["end_line"], op, f"[{f['rule']}] {f['message']}"])
    for path in report["summary"]["generated_files"]:
        w.writerow([path, "", "", "INSERT", "generated file"])
    return buf.getvalue()


def unsupported_api(report: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["File", "Start Line", "End Line", "OP", "Tips"])
    for f in report["findings"]:
        if not f["fixed"] and f["severity"] in ("error", "warning"):
            tips = f["message"] + (f" Suggestion: {f['suggestion']}" if f.get("suggestion") else "")
            w.writerow([f["path"], f["line"], f["end_line"], f["api"] or f["rule"], tips])
    return buf.getvalue()
