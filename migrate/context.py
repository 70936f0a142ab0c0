"""The per-file context a language handler and its rules work with (LibCST-codemod style).

Rules never edit text themselves: they `report` findings that may carry edits and the imports
those edits need. The engine decides which fixes apply.
"""

from __future__ import annotations

from functools import cached_property

from migrate.model import Edit, Effort, Finding, Safety, Severity
from migrate.ruleset import Rule
from migrate.settings import Settings


class SkipFile(Exception):
    """Raised by a handler for a file it cannot safely migrate (e.g. it does not parse)."""

    def __init__(self, reason: str, status: str = "skipped"):
        super().__init__(reason)
        self.reason = reason
        self.status = status


class FileContext:
    def __init__(self, path: str, source: bytes, language: str, settings: Settings, rules: tuple[Rule, ...],
                 project=None):
        self.path = path
        self.project = project  # names the project's own modules re-export (lang/python/project.py)
        self.source = source
        self.language = language
        self.settings = settings
        self.rules = {r.id: r for r in rules}
        self.findings: list[Finding] = []
        self.kernels: list[dict] = []
        self.generated: dict[str, bytes] = {}
        self.extra_edits: list[Edit] = []  # edits a handler adds after rules ran (imports)
        self._seen: set = set()

    @cached_property
    def text(self) -> str:
        return self.source.decode("utf-8")

    @cached_property
    def lines(self):
        from migrate.textio import LineIndex

        return LineIndex(self.source)

    def first_time(self, key) -> bool:
        """True the first time `key` is asked about in this file (for once-per-file findings)."""
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def enabled(self, rule_id: str) -> bool:
        return rule_id in self.rules

    def rules_with(self, matcher: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.matcher == matcher]

    def report(self, rule: Rule | str, start: int, end: int, message: str | None = None, *,
               edits=(), suggestion: str | None = None, api: str | None = None, requires=(),
               severity: Severity | None = None, safety: Safety | None = None, effort: Effort | None = None,
               **fmt) -> Finding | None:
        """Record a finding for `rule` over bytes [start, end). Returns None if the rule is off."""
        if isinstance(rule, str):
            rule = self.rules.get(rule)
            if rule is None:
                return None
        elif rule.id not in self.rules:
            return None
        if api is not None:
            fmt = {"api": api, **fmt}
        if message is None:
            message = rule.message.format(**fmt) if fmt else rule.message
        if suggestion is None and rule.suggestion:
            suggestion = rule.suggestion.format(**fmt) if fmt else rule.suggestion
        finding = Finding(
            rule=rule.id, start=start, end=end, message=message,
            severity=severity or rule.severity,
            safety=(safety or rule.safety) if edits else Safety.MANUAL,
            effort=effort or rule.effort,
            suggestion=suggestion, api=api, edits=tuple(edits), requires=tuple(requires),
        )
        self.findings.append(finding)
        return finding

    def snippet(self, start: int, end: int) -> str:
        return self.source[start:end].decode("utf-8", "replace")
