"""The data every stage shares: edits, fixes, findings and per-file results.

Offsets are byte offsets into the UTF-8 form of a file's text. Lines and columns in findings are
1-based and refer to the original file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Safety(StrEnum):
    SAFE = "safe"  # applied by default
    UNSAFE = "unsafe"  # applied with --unsafe-fixes, else reported with the proposed change
    MANUAL = "manual"  # reported only


class Severity(StrEnum):
    ERROR = "error"  # will fail or misbehave on Ascend as written
    WARNING = "warning"  # may behave differently on Ascend: check it
    INFO = "info"  # advice (performance, no-ops)


class Effort(StrEnum):
    TRIVIAL = "trivial"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# Person-hours we count for one open finding of each effort, for the report's estimate.
EFFORT_HOURS = {Effort.TRIVIAL: 0.05, Effort.LOW: 0.25, Effort.MEDIUM: 2.0, Effort.HIGH: 8.0}

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace source bytes [start, end) with `text`. start == end inserts."""

    start: int
    end: int
    text: str


@dataclass(slots=True)
class Finding:
    """One thing a rule found: fixed, fixable, or for a person. The unit of every report."""

    rule: str
    start: int
    end: int
    message: str
    severity: Severity
    safety: Safety
    effort: Effort
    suggestion: str | None = None
    api: str | None = None  # the CUDA-side API or construct, for unsupported_api.csv
    edits: tuple[Edit, ...] = ()
    requires: tuple[str, ...] = ()  # imports/includes the fix needs, e.g. "torch_npu"
    fixed: bool = False
    note: str | None = None  # why a fix was not applied (unsafe, conflict, suppressed)
    # Filled in by the engine from start/end:
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    path: str = ""

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "rule": self.rule,
            "severity": str(self.severity),
            "safety": str(self.safety),
            "effort": str(self.effort),
            "message": self.message,
            "fixed": self.fixed,
            "suggestion": self.suggestion,
            "api": self.api,
            "note": self.note,
        }


@dataclass(slots=True)
class FileResult:
    path: str  # POSIX path relative to the scanned root
    language: str | None
    status: str  # changed | unchanged | skipped | error
    reason: str | None = None
    new_data: bytes | None = None  # the migrated bytes when status == "changed"
    findings: list[Finding] = field(default_factory=list)
    kernels: list[dict] = field(default_factory=list)
    generated: dict[str, bytes] = field(default_factory=dict)  # new files, path -> bytes
    lines: int = 0
    diff: str | None = None  # unified diff, filled by the runner when asked
    # Edits the handler added after the rules (e.g. `import torch_npu`), in original-source offsets;
    # SARIF attaches them to the fixes that need them.
    extra_edits: tuple[Edit, ...] = ()
    detail: str | None = None  # an internal error's traceback, for --verbose (not in report.json)

    def to_json(self) -> dict:
        return {"path": self.path, "language": self.language, "status": self.status, "reason": self.reason,
                "lines": self.lines, "generated": sorted(self.generated)}
