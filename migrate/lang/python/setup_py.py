"""setup.py `install_requires` / `extras_require`: the dependency rules of requirements files
(rules/requirements/deps.yaml) over the literal requirement strings of a setup() call."""

from __future__ import annotations

from migrate import ruleset
from migrate.lang.python.matchers import register
from migrate.lang.python.tsutil import string_value
from migrate.model import Edit

_KEYWORDS = ("install_requires", "extras_require")


@register("setup-requires")
class SetupRequires:
    # no `reads`: file() acts on a setup.py whose text names install_requires or extras_require
    def file(self, pf, rule) -> None:
        ctx = pf.ctx
        if ctx.path.rsplit("/", 1)[-1] != "setup.py" or b"install_requires" not in ctx.source and b"extras_require" not in ctx.source:
            return
        from migrate.lang import requirements

        deps = ruleset.select(ruleset.rules_for("requirements"), ctx.settings.select, ctx.settings.ignore)
        ctx.rules.update({r.id: r for r in deps if r.matcher in ("local-version", "cuda-package", "torch-npu-pin")})
        from migrate.lang.common import walk

        for node in walk(pf.root):
            if node.type != "keyword_argument":
                continue
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is None or value is None or name.text.decode() not in _KEYWORDS:
                continue
            lists = [value] if value.type == "list" else [p.child_by_field_name("value") for p in value.named_children
                                                           if value.type == "dictionary" and p.type == "pair"]
            for lst in lists:
                if lst is None or lst.type != "list":
                    continue
                reqs, nodes = [], {}
                for s in lst.named_children:
                    text = string_value(s)
                    content = next((c for c in s.children if c.type == "string_content"), None)
                    if text is None or content is None:
                        continue
                    req = requirements.parse_requirement(text, content.start_byte)
                    if req is not None:
                        reqs.append(req)
                        nodes[id(req)] = s
                        requirements.requirement(ctx, req)
                requirements.torch_npu_pin(ctx, reqs, lambda after, line, nodes=nodes: _insert(ctx, nodes[id(after)], line))


def _insert(ctx, node, text: str) -> Edit:
    src = ctx.source
    quote = src[node.start_byte:node.start_byte + 1].decode()
    item = f"{quote}{text}{quote}"
    line_start = src.rfind(b"\n", 0, node.start_byte) + 1
    before = src[line_start:node.start_byte]
    after = node.next_sibling
    if before.strip() == b"":  # one requirement per line
        nl = "\r\n" if b"\r\n" in src else "\n"
        if after is not None and after.type == ",":
            p = src.find(b"\n", after.end_byte)
            p = len(src) if p == -1 else p - (1 if src[p - 1:p] == b"\r" else 0)
            return Edit(p, p, f"{nl}{before.decode()}{item},")
        return Edit(node.end_byte, node.end_byte, f",{nl}{before.decode()}{item}")
    return Edit(node.end_byte, node.end_byte, f", {item}")
