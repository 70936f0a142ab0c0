"""The core: one pure function from a file's bytes to its migration result.

No I/O, never raises: a file that cannot be decoded or parsed is skipped with a reason, and an
unexpected error becomes an `error` result with the original bytes kept.
"""

from __future__ import annotations

import re
import traceback
from functools import cache

from migrate import engine, languages, prefilter, ruleset, timing
from migrate.context import FileContext, SkipFile
from migrate.model import FileResult
from migrate.settings import Settings
from migrate.textio import UndecodableError, binary_reason, decode


def migrate_file(path: str, data: bytes, settings: Settings, *, language: str | None = None,
                 accept=None, project=None) -> FileResult:
    """Migrate one file. `path` is POSIX and relative to the scanned root.

    `accept(finding) -> bool`, if given, vetoes fixes (the review UI applies only accepted ones);
    a vetoed fix stays an open finding with a note. `project` is the repo-wide ProjectIndex of
    re-exported names (lang/python/project.py), when the caller built one.
    """
    lang = language or languages.classify(path, data[:128])
    if lang is None:
        return FileResult(path, None, "unchanged")
    handler = languages.handler(lang)
    if handler is None:
        return FileResult(path, lang, "unchanged")
    custom = settings.rules_for(lang)  # the scanned repo's own rules (extend-rules)
    if custom:
        rules = ruleset.select(ruleset.rules_for(lang) + custom, settings.select, settings.ignore)
    else:
        rules = _rules(lang, settings.select, settings.ignore)
    binary = binary_reason(data)
    if binary:  # checked before the prefilter: a UTF-16 file hides its trigger words
        return FileResult(path, lang, "skipped", reason=binary)
    t0 = timing.clock()
    wanted = prefilter.wants(data, rules)
    if wanted and hasattr(handler, "wants"):  # where the words stand, for a handler that can tell
        wanted = handler.wants(data, rules, settings)
    wanted = wanted or (project is not None and project.mentioned_in(data))
    t1 = timing.clock()
    timing.add("prefilter", t1 - t0)
    if not wanted:
        return FileResult(path, lang, "unchanged", lines=_count_lines(data))
    try:
        return _migrate(path, data, settings, lang, handler, rules, accept, project)
    finally:
        timing.add("migrate", timing.clock() - t1)  # parse + rules + fixes + validation


def _migrate(path, data, settings, lang, handler, rules, accept, project) -> FileResult:
    try:
        decoded = decode(data, python=(lang == "python"))
    except UndecodableError as e:
        return FileResult(path, lang, "skipped", reason=str(e))
    generated = _generated_marker(decoded.source)
    if generated:
        accept = _never
    ctx = FileContext(path, decoded.source, lang, settings, rules, project)
    try:
        handler.migrate(ctx)
        edits = engine.resolve(ctx, accept)
        finalize = getattr(handler, "finalize", None)
        extra = finalize(ctx) if finalize is not None else []
        edits += extra
        new_source = engine.apply_edits(ctx.source, edits) if edits else ctx.source
        if new_source != ctx.source:
            validate = getattr(handler, "validate", None)
            problem = validate(ctx, new_source) if validate is not None else None
            if problem:
                raise RuntimeError(f"the rewrite would produce invalid output ({problem}); file left unchanged")
    except SkipFile as e:
        findings = _positioned(ctx)
        for f in findings:  # nothing is written, so nothing is fixed
            if f.fixed:
                f.fixed, f.note = False, f"not applied: {e.reason}"
        return FileResult(path, lang, e.status, reason=e.reason, lines=_count_lines(ctx.source),
                          findings=findings)
    except RecursionError:
        return FileResult(path, lang, "error", reason="nesting too deep to analyse; file left unchanged",
                          lines=_count_lines(ctx.source))
    except Exception as e:  # noqa: BLE001 - one file's internal error must not stop the run
        where = traceback.extract_tb(e.__traceback__)[-1]
        return FileResult(path, lang, "error",
                          reason=f"internal error: {type(e).__name__}: {e} (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno}); "
                                 "file left unchanged; please report it (--verbose prints the traceback)",
                          lines=_count_lines(ctx.source), detail=traceback.format_exc())
    if generated and ctx.findings:
        for f in ctx.findings:
            if f.edits and f.note == engine.NOT_ACCEPTED:
                f.note = "generated file: not changed here; change what generates it"
        return FileResult(path, lang, "skipped", findings=ctx.findings, lines=_count_lines(ctx.source),
                          reason=f"generated file (its header says {generated!r}): not changed; "
                                 "migrate the generator or its input and regenerate; findings are listed")
    changed = new_source != ctx.source
    return FileResult(
        path, lang, "changed" if changed else "unchanged",
        new_data=decoded.encode(new_source) if changed else None,
        findings=ctx.findings, kernels=ctx.kernels, generated=ctx.generated, extra_edits=tuple(extra),
        lines=_count_lines(ctx.source),
    )


def _count_lines(data: bytes) -> int:
    """Lines as an editor counts them: a last line without a newline counts too."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


@cache
def _rules(lang: str, select: tuple[str, ...], ignore: tuple[str, ...]):
    return ruleset.select(ruleset.rules_for(lang), select, ignore)


def _positioned(ctx: FileContext):
    engine.locate(ctx)
    return ctx.findings


# Only the markers code generators write (protoc, gRPC, Thrift, Go: "DO NOT EDIT"; Meta's
# "@generated"). "Generated by ..." alone also heads files people own (cookiecutter templates,
# modeling files copied out of transformers), which must still be migrated.
_GENERATED = re.compile(rb"^[ \t]*(?:#|//|/?\*)[^\n]*?(DO NOT EDIT|@generated\b)", re.M)


def _never(finding) -> bool:
    return False


def _generated_marker(source: bytes) -> str | None:
    """A header comment in the first ten lines that says the file is generated (protobuf, gRPC,
    Thrift, `@generated`): edits there would be lost at the next generation."""
    head = b"\n".join(source[:4096].split(b"\n")[:10])
    m = _GENERATED.search(head)
    return m.group(1).decode() if m else None
