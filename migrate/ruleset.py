"""Rules are data: one YAML entry per rule under rules/<language>/*.yaml.

An entry names the matcher that implements it (a small Python function registered under that
name by the language's module), carries the data the matcher needs (`options`), its message,
severity, fix safety and effort, the docs shown by `migrate explain`, and examples that are run
as tests (tests/test_rule_examples.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from migrate.model import Effort, Safety, Severity
from migrate.resources import resource_dir

_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_REQUIRED = ("id", "title", "languages", "matcher", "severity", "safety", "effort", "message", "why")
_KNOWN = set(_REQUIRED) | {"triggers", "options", "suggestion", "references", "examples", "opt_in", "tags", "prefilter"}


class RuleError(ValueError):
    """A rule file is malformed: says which file, which rule, which key and why."""


@dataclass(frozen=True)
class Example:
    name: str
    before: str
    after: str | None  # None: the example must come out unchanged
    path: str  # the file name the example pretends to be (decides the language)
    findings: tuple[str, ...] = ()  # rule ids that must report an open (unfixed) finding
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    languages: tuple[str, ...]
    matcher: str
    severity: Severity
    safety: Safety
    effort: Effort
    message: str
    why: str
    triggers: tuple[str, ...] = ()
    options: dict = field(default_factory=dict, hash=False, compare=False)
    suggestion: str | None = None
    references: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    opt_in: bool = False  # only runs when selected explicitly (performance advice)
    # a regex that a file's lower-cased text must also hold (beside a trigger word) for the rule to
    # send it to the parser: for triggers that are common words (`compile` in every `re.compile`).
    # It must hold in every file where the rule can report: it only saves parses, never findings.
    prefilter: str | None = None
    source: str = ""

    @property
    def docs_url(self) -> str | None:
        """The rule's help link: its first reference (a page documenting the Ascend side), if it has one."""
        return self.references[0] if self.references else None


def _fail(where: str, msg: str) -> RuleError:
    return RuleError(f"{where}: {msg}")


def _enum(cls, value, where):
    try:
        return cls(value)
    except ValueError:
        raise _fail(where, f"{value!r} is not one of {', '.join(m.value for m in cls)}") from None


def parse_rule(entry: object, source: str) -> Rule:
    if not isinstance(entry, dict):
        raise _fail(source, f"each rule must be a mapping, got {type(entry).__name__}")
    rid = entry.get("id")
    where = f"{source}: rule {rid!r}"
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise _fail(where, f"missing key(s): {', '.join(missing)}")
    unknown = set(entry) - _KNOWN
    if unknown:
        raise _fail(where, f"unknown key(s): {', '.join(sorted(unknown))}")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise _fail(where, "key 'id': must be kebab-case (e.g. torch-cuda-api)")
    _check_types(entry, where)
    langs = entry["languages"]
    if isinstance(langs, str):
        langs = [langs]
    examples = []
    for i, ex in enumerate(entry.get("examples") or []):
        exw = f"{where}: examples[{i}]"
        if not isinstance(ex, dict) or "before" not in ex:
            raise _fail(exw, "each example needs 'before' (and 'after' unless it must stay unchanged)")
        examples.append(Example(
            name=str(ex.get("name") or f"example {i + 1}"),
            before=ex["before"],
            after=ex.get("after"),
            path=str(ex.get("path") or _default_example_path(langs[0])),
            findings=tuple(ex.get("findings") or ()),
            settings=dict(ex.get("settings") or {}),
        ))
    options = entry.get("options") or {}
    if not isinstance(options, dict):
        raise _fail(where, "key 'options': must be a mapping")
    return Rule(
        id=rid,
        title=str(entry["title"]),
        languages=tuple(langs),
        matcher=str(entry["matcher"]),
        severity=_enum(Severity, entry["severity"], f"{where}: key 'severity'"),
        safety=_enum(Safety, entry["safety"], f"{where}: key 'safety'"),
        effort=_enum(Effort, entry["effort"], f"{where}: key 'effort'"),
        message=str(entry["message"]),
        why=str(entry["why"]).strip(),
        triggers=tuple(entry.get("triggers") or ()),
        options=options,
        suggestion=entry.get("suggestion"),
        references=tuple(entry.get("references") or ()),
        examples=tuple(examples),
        opt_in=bool(entry.get("opt_in", False)),
        prefilter=entry.get("prefilter"),
        source=source,
    )


_STR_KEYS = ("title", "matcher", "message", "why", "suggestion")
_STR_LIST_KEYS = ("triggers", "references", "tags")


def _check_types(entry: dict, where: str) -> None:
    for key in _STR_KEYS:
        if key in entry and entry[key] is not None and not isinstance(entry[key], str):
            raise _fail(where, f"key {key!r}: must be a string, got {type(entry[key]).__name__}")
    for key in _STR_LIST_KEYS:
        v = entry.get(key)
        if v is not None and not (isinstance(v, list) and all(isinstance(x, str) and x for x in v)):
            raise _fail(where, f"key {key!r}: must be a list of non-empty strings")
    langs = entry.get("languages")
    if not (isinstance(langs, str) or (isinstance(langs, list) and langs and all(isinstance(x, str) for x in langs))):
        raise _fail(where, "key 'languages': must be a language name or a non-empty list of them")
    if "examples" in entry and entry["examples"] is not None and not isinstance(entry["examples"], list):
        raise _fail(where, "key 'examples': must be a list")
    if "opt_in" in entry and not isinstance(entry["opt_in"], bool):
        raise _fail(where, "key 'opt_in': must be true or false")
    if entry.get("prefilter") is not None:
        if not isinstance(entry["prefilter"], str) or not entry.get("triggers"):
            raise _fail(where, "key 'prefilter': must be a regex string, and the rule needs triggers")
        try:
            re.compile(entry["prefilter"].encode())
        except re.error as e:
            raise _fail(where, f"key 'prefilter': not a valid regex: {e}") from None


_EXAMPLE_PATHS = {"python": "example.py", "cuda": "example.cu", "shell": "run.sh", "requirements": "requirements.txt",
                  "yaml": "config.yaml", "json": "config.json", "toml": "config.toml", "ini": "setup.cfg",
                  "dockerfile": "Dockerfile", "cmake": "CMakeLists.txt", "notebook": "example.ipynb"}


def _default_example_path(language: str) -> str:
    return _EXAMPLE_PATHS.get(language, "example.txt")


def _yaml_document(text: str, where: str):
    import yaml

    try:
        # libyaml's loader when PyYAML has it: about 10x faster than the pure-Python one
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise _fail(where, f"invalid YAML: {e}") from None


def _shown(path: Path) -> str:
    """How findings and errors name a rule file: its folder and name (`python/api.yaml`)."""
    return path.name if path.parent.name == "" else f"{path.parent.name}/{path.name}"


def _rules_of(doc, shown: str, where: str) -> list[Rule]:
    if doc is None:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        raise _fail(where, "top level must be a mapping with a 'rules' list")
    return [parse_rule(entry, shown) for entry in doc["rules"]]


SNAPSHOT = "rules.pickle"  # in migrate/data: written by scripts/gen_rule_snapshot.py


def rule_files() -> list[tuple[Path, bytes]]:
    """The shipped rule files and their bytes, in load order."""
    return [(p, p.read_bytes()) for p in sorted(resource_dir("rules").rglob("*.yaml"))]


def file_key(path: Path, data: bytes) -> str:
    """A rule file's name (relative to rules/, the same in a checkout and installed) and content hash."""
    from migrate.cache import digest

    return f"{path.relative_to(resource_dir('rules')).as_posix()} {digest(data)}"


def _documents(files: list[tuple[Path, bytes]]) -> list:
    """Each rule file's YAML document, in order. From the snapshot (migrate/data/rules.pickle)
    when it was made from exactly these files: it loads in ~2 ms where YAML takes ~65 ms plus its
    import, most of a pre-commit hook's start-up. Otherwise (a rule edited and the snapshot not
    rebuilt) the files are read as YAML. The snapshot holds the documents, plain data, not Rule
    objects: parse_rule still checks and builds every rule with this version's code."""
    import pickle

    from migrate.resources import data_dir

    keys = [file_key(p, data) for p, data in files]
    try:
        with open(data_dir() / SNAPSHOT, "rb") as f:
            snap = pickle.load(f)
        if snap["files"] == keys:
            return snap["documents"]
    except (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError, AttributeError, ValueError):
        pass
    return [_yaml_document(data.decode("utf-8"), str(p)) for p, data in files]


def matcher_names(language: str) -> set[str] | None:
    """The matcher names a language's handler registers (what a custom rule may name), or None
    when the language has no handler that takes custom rules."""
    from migrate import languages

    handler = languages.handler(language)
    registry = getattr(handler, "matchers", None) if handler is not None else None
    names = getattr(registry, "names", None)
    return set(names()) if callable(names) else None


def load_custom(path: Path, shown: str) -> list[Rule]:
    """Rules from a scanned repo's own YAML file: data only. Loaded with yaml.safe_load (no
    `!!python/...` tags), validated like shipped rules, and restricted to the matchers the
    language's handler registers: a custom rule can only configure code we ship, never add any."""
    import yaml

    try:
        raw = path.read_bytes()
    except OSError as e:
        raise _fail(shown, f"cannot read: {e.strerror or e}") from None
    if len(raw) > 1_000_000:
        raise _fail(shown, "rule file is larger than 1 MB; split it")
    try:
        doc = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise _fail(shown, f"not valid UTF-8 at byte {e.start}") from None
    except yaml.YAMLError as e:
        raise _fail(shown, f"invalid YAML (only plain data is allowed, no tags that build objects): {e}") from None
    if doc is None:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        raise _fail(shown, "top level must be a mapping with a 'rules' list")
    out = []
    for entry in doc["rules"]:
        rule = parse_rule(entry, shown)
        where = f"{shown}: rule {rule.id!r}"
        for lang in rule.languages:
            names = matcher_names(lang)
            if names is None:
                raise _fail(where, f"key 'languages': {lang!r} does not take custom rules")
            if rule.matcher not in names:
                raise _fail(where, f"key 'matcher': {rule.matcher!r} is not a {lang} matcher; "
                                   f"use one of: {', '.join(sorted(names))}")
        if rule.id in rules_by_id():
            raise _fail(where, f"key 'id': {rule.id!r} is a built-in rule; give yours another id")
        inherit = rule.options.get("inherit")
        if inherit is not None and inherit not in rules_by_id():
            raise _fail(where, f"key 'options.inherit': {inherit!r} is not a built-in rule")
        if rule.matcher == "pattern":
            _check_patterns(rule, where)
        _try_custom(rule, where)
        out.append(rule)
    return out


# A quantified group that itself holds a quantifier, `(a+)+` or `(\w*x?)*`: the shape of regexes
# that backtrack exponentially. Python's `re` has no time limit, so a repo's rule file could
# otherwise stall a run on a crafted line.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}?](?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d*,)")


def _check_patterns(rule: Rule, where: str) -> None:
    entries = rule.options.get("patterns")
    if not isinstance(entries, list) or not entries:
        raise _fail(where, "key 'options.patterns': must be a non-empty list of {regex, message} mappings")
    for i, entry in enumerate(entries):
        key = f"key 'options.patterns[{i}]'"
        if not isinstance(entry, dict) or not isinstance(entry.get("regex"), str) or not entry["regex"]:
            raise _fail(where, f"{key}: must be a mapping with a non-empty 'regex' string")
        rx = entry["regex"]
        if len(rx) > 500:
            raise _fail(where, f"{key}.regex: longer than 500 characters")
        try:
            re.compile(rx.encode())
        except re.error as e:
            raise _fail(where, f"{key}.regex: not a valid regular expression ({e})") from None
        if _NESTED_QUANTIFIER.search(rx):
            raise _fail(where, f"{key}.regex: a repeated group that itself repeats ({rx!r}) can take "
                               "exponential time; rewrite it without nested quantifiers")
        for k in ("message", "suggestion", "api"):
            if entry.get(k) is not None and not isinstance(entry[k], str):
                raise _fail(where, f"{key}.{k}: must be a string")


def _try_custom(rule: Rule, where: str) -> None:
    """Run a custom rule once, at load time, on its own examples and on a small file that uses each
    of its triggers: options that do not fit the matcher fail here with the rule's name, not later
    as an internal error on every file; an example whose `after` does not come out is an error too."""
    from migrate.core import migrate_file
    from migrate.settings import Settings

    settings = Settings(select=(rule.id,), extra_rules=(rule,))
    uses = "".join(f"x = {t}\nx = y.{t}()\nx = y.{t}\nx = '{t}'\nfrom {t} import a\n{t}(1)\n" for t in rule.triggers)
    trials = [("a file using its triggers", f"import torch\n{uses}", None, False)]
    trials += [(f"example {ex.name!r}", ex.before, ex.after, not ex.settings) for ex in rule.examples]
    for what, before, after, strict in trials:
        for lang in rule.languages:
            path = _EXAMPLE_PATHS.get(lang, "example.py")
            r = migrate_file(path, before.encode("utf-8"), settings, language=lang)
            if r.status == "error":
                raise _fail(where, f"key 'options' or 'matcher': the {rule.matcher!r} matcher fails on {what} "
                                   f"({r.reason}); check the options against a built-in rule that uses it")
            if strict and after is not None and (r.new_data or before.encode("utf-8")) != after.encode("utf-8"):
                got = (r.new_data or before.encode("utf-8")).decode("utf-8", "replace")
                raise _fail(where, f"key 'examples': {what}: the rule writes\n{got}\nnot the expected `after`\n{after}")


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every shipped rule, in file then declaration order. Ids are unique."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    files = rule_files()
    for (path, _data), doc in zip(files, _documents(files)):
        for rule in _rules_of(doc, _shown(path), str(path)):
            if rule.id in seen:
                raise _fail(rule.source, f"rule id {rule.id!r} is already defined in {seen[rule.id]}")
            seen[rule.id] = rule.source
            rules.append(rule)
    return tuple(rules)


@cache
def rules_by_id() -> dict[str, Rule]:
    return {r.id: r for r in all_rules()}


def rules_of(settings) -> dict[str, Rule]:
    """The shipped rules and the project's own (`extend-rules`), by id: what a run's findings can name."""
    if not settings.extra_rules:
        return rules_by_id()
    return {**rules_by_id(), **{r.id: r for r in settings.extra_rules}}


@cache
def rules_for(language: str) -> tuple[Rule, ...]:
    return tuple(r for r in all_rules() if language in r.languages)


def select(rules, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()):
    """Filter by --select/--ignore. Entries match an id exactly or a prefix ending in '-' or '*'.

    Opt-in rules only run when a --select entry names them (or their prefix).
    """

    def hit(rule_id: str, patterns) -> bool:
        for p in patterns:
            p = p.rstrip("*")
            if rule_id == p or (p and (p.endswith("-") and rule_id.startswith(p))) or p == "ALL":
                return True
        return False

    out = []
    for r in rules:
        if ignore and hit(r.id, ignore):
            continue
        if select:
            if not hit(r.id, select):
                continue
        elif r.opt_in:
            continue
        out.append(r)
    return tuple(out)


def unknown_ids(patterns, extra=()) -> list[str]:
    if not patterns:
        return []  # loads no rule file
    ids = set(rules_by_id()) | set(extra)
    bad = []
    for p in patterns:
        q = p.rstrip("*")
        if q == "ALL" or q in ids or (q.endswith("-") and any(i.startswith(q) for i in ids)):
            continue
        bad.append(p)
    return bad
