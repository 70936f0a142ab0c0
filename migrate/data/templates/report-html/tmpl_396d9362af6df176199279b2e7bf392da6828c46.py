from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'report.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_r = resolve('r')
    l_0_v = resolve('v')
    l_0_top = resolve('top')
    l_0_s = l_0_sev = l_0_saf = missing
    try:
        t_1 = environment.filters['default']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'default' found.")
    try:
        t_2 = environment.filters['diff_html']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'diff_html' found.")
    try:
        t_3 = environment.filters['format']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'format' found.")
    try:
        t_4 = environment.filters['hours']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'hours' found.")
    try:
        t_5 = environment.filters['inline']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'inline' found.")
    try:
        t_6 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_7 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_8 = environment.filters['replace']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'replace' found.")
    try:
        t_9 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_9(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    try:
        t_10 = environment.tests['iterable']
    except KeyError:
        @internalcode
        def t_10(*unused):
            raise TemplateRuntimeError("No test named 'iterable' found.")
    try:
        t_11 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_11(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    try:
        t_12 = environment.tests['string']
    except KeyError:
        @internalcode
        def t_12(*unused):
            raise TemplateRuntimeError("No test named 'string' found.")
    pass
    l_0_s = environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'summary')
    context.vars['s'] = l_0_s
    context.exported_vars.add('s')
    l_0_sev = environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'open_by_severity')
    context.vars['sev'] = l_0_sev
    context.exported_vars.add('sev')
    yield '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="generator" content="migrate '
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'tool'), 'version'))
    yield '">\n<title>Migration report · '
    yield escape(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'root'))
    yield ' → torch_npu '
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'target'), 'torch_npu'))
    yield '</title>\n<style>\n:root {\n  --bg: #f6f7f9; --panel: #ffffff; --fg: #1d2330; --muted: #5d6677; --line: #e2e5eb; --soft: #f0f2f5;\n  --accent: #c7000b; --accent-soft: #fdecee;\n  --error: #c62828; --error-bg: #fdecea; --warning: #9a5b00; --warning-bg: #fff4e0;\n  --info: #1f5fbf; --info-bg: #e8f0fc; --ok: #1e7b3a; --ok-bg: #e6f4ea;\n  --add: #e6f4ea; --add-fg: #14532d; --del: #fdecea; --del-fg: #7f1d1d; --hunk: #eef2fb; --hunk-fg: #3b4a6b;\n  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;\n}\n@media (prefers-color-scheme: dark) {\n  :root {\n    --bg: #12151b; --panel: #1a1e26; --fg: #e4e7ee; --muted: #9aa3b5; --line: #2b313d; --soft: #222833;\n    --accent: #ff5a5f; --accent-soft: #3a1d20;\n    --error: #ff7b72; --error-bg: #3b1e1e; --warning: #e3b341; --warning-bg: #3a2e12;\n    --info: #79b8ff; --info-bg: #172a45; --ok: #56d364; --ok-bg: #16301f;\n    --add: #15301f; --add-fg: #aff5b4; --del: #3b1a1c; --del-fg: #ffc7c2; --hunk: #1d2740; --hunk-fg: #a9b8dc;\n  }\n}\n* { box-sizing: border-box; }\nhtml { scroll-behavior: smooth; }\nbody { margin: 0; background: var(--bg); color: var(--fg);\n  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }\na { color: var(--info); text-decoration: none; }\na:hover { text-decoration: underline; }\ncode, pre, .mono { font-family: var(--mono); font-size: 12.5px; }\ncode { background: var(--soft); padding: 1px 5px; border-radius: 4px; overflow-wrap: anywhere; }\nheader.top { background: var(--panel); border-bottom: 1px solid var(--line); }\nheader.top .wrap { display: flex; align-items: center; gap: 16px; padding-top: 22px; padding-bottom: 18px; flex-wrap: wrap; }\n.logo { width: 40px; height: 40px; border-radius: 10px; background: var(--accent); color: #fff; display: grid;\n  place-items: center; font-weight: 700; font-size: 18px; flex: none; }\nheader.top h1 { font-size: 22px; margin: 0; line-height: 1.2; }\nheader.top .sub { color: var(--muted); margin-top: 2px; }\nheader.top .meta { margin-left: auto; display: flex; gap: 8px; flex-wrap: wrap; }\n.chip { display: inline-block; padding: 2px 10px; border-radius: 999px; background: var(--soft); color: var(--muted);\n  font-size: 12px; border: 1px solid var(--line); white-space: nowrap; }\n.chip b { color: var(--fg); font-weight: 600; }\nnav.toc { position: sticky; top: 0; z-index: 5; background: color-mix(in srgb, var(--panel) 92%, transparent);\n  backdrop-filter: blur(6px); border-bottom: 1px solid var(--line); }\nnav.toc .wrap { display: flex; gap: 4px; overflow-x: auto; padding-top: 6px; padding-bottom: 6px; }\nnav.toc a { color: var(--muted); padding: 4px 10px; border-radius: 6px; white-space: nowrap; font-size: 13px; }\nnav.toc a:hover { background: var(--soft); color: var(--fg); text-decoration: none; }\n.wrap { max-width: 1240px; margin: 0 auto; padding-left: 24px; padding-right: 24px; }\nmain.wrap { padding-top: 20px; padding-bottom: 48px; }\nsection { margin-top: 28px; }\nsection > h2 { font-size: 17px; margin: 0 0 10px; display: flex; align-items: baseline; gap: 10px; }\nsection > h2 .count { color: var(--muted); font-weight: 400; font-size: 13px; }\n.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; }\n.pad { padding: 14px 16px; }\n.muted { color: var(--muted); }\n.callout { display: flex; gap: 12px; align-items: center; padding: 12px 16px; border-radius: 10px; margin-top: 4px;\n  border: 1px solid var(--line); background: var(--panel); }\n.callout.todo { border-left: 4px solid var(--warning); }\n.callout.done { border-left: 4px solid var(--ok); }\n.cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; }\n@media (max-width: 700px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } }\n.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }\n.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }\n.card .value { font-size: 26px; font-weight: 650; line-height: 1.25; font-variant-numeric: tabular-nums; }\n.card .note { color: var(--muted); font-size: 12px; }\n.card.wide { grid-column: span 2; }\n.card.ok .value { color: var(--ok); }\n.card.bad .value { color: var(--error); }\n.card.warn .value { color: var(--warning); }\n.sevbar { display: flex; height: 8px; border-radius: 4px; overflow: hidden; background: var(--soft); margin: 8px 0 6px; }\n.sevbar span { display: block; }\n.sevbar .error, .dot.error { background: var(--error); }\n.sevbar .warning, .dot.warning { background: var(--warning); }\n.sevbar .info, .dot.info { background: var(--info); }\n.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 4px; vertical-align: middle; }\n.legend { display: flex; gap: 12px; flex-wrap: wrap; font-size: 12px; color: var(--muted); }\n.legend b { color: var(--fg); font-variant-numeric: tabular-nums; }\n.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }\n@media (max-width: 900px) { .two { grid-template-columns: 1fr; } .card.wide { grid-column: auto; } }\ntable { border-collapse: collapse; width: 100%; }\nth, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }\nth { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .03em;\n  background: var(--soft); }\ntr:last-child > td { border-bottom: 0; }\n.panel > table th:first-child { border-top-left-radius: 10px; }\n.panel > table th:last-child { border-top-right-radius: 10px; }\ntd.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }\ntd.total { font-weight: 650; }\n.badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 11.5px; font-weight: 600;\n  line-height: 20px; white-space: nowrap; border: 1px solid transparent; }\n.badge.error { color: var(--error); background: var(--error-bg); }\n.badge.warning { color: var(--warning); background: var(--warning-bg); }\n.badge.info { color: var(--info); background: var(--info-bg); }\n.badge.ok, .badge.safe, .badge.changed { color: var(--ok); background: var(--ok-bg); }\n.badge.unsafe { color: var(--warning); background: var(--warning-bg); }\n.badge.manual, .badge.unchanged, .badge.generated { color: var(--muted); background: var(--soft); border-color: var(--line); }\n.badge.skipped, .badge.not-read { color: var(--warning); background: var(--warning-bg); }\n.badge.error-status { color: var(--error); background: var(--error-bg); }\n.rule-id { font-family: var(--mono); font-size: 12.5px; font-weight: 600; }\n.rule-title { color: var(--muted); font-size: 12.5px; }\ndetails.docs > summary { cursor: pointer; color: var(--info); font-size: 12.5px; list-style: none; }\ndetails.docs > summary::-webkit-details-marker { display: none; }\ndetails.docs > summary::before { content: "▸ "; }\ndetails.docs[open] > summary::before { content: "▾ "; }\n.docs-body { margin-top: 8px; }\n.docs-body p { margin: 0 0 8px; white-space: pre-line; }\n.example { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 8px; }\n.example pre { margin: 0; padding: 8px 10px; border-radius: 6px; overflow-x: auto; border: 1px solid var(--line); }\n.example .before pre { background: var(--del); }\n.example .after pre { background: var(--add); }\n.example .cap { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; margin-bottom: 2px; }\n.bar { position: relative; height: 6px; background: var(--soft); border-radius: 3px; min-width: 80px; margin-top: 7px; }\n.bar > span { position: absolute; inset: 0 auto 0 0; background: var(--accent); border-radius: 3px; }\n.empty { padding: 18px 16px; color: var(--muted); }\n.toolbar { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin-bottom: 10px; }\n.toolbar input[type=search] { flex: 1 1 260px; padding: 7px 10px; border-radius: 8px; border: 1px solid var(--line);\n  background: var(--panel); color: var(--fg); font: inherit; }\n.toolbar button { padding: 6px 12px; border-radius: 8px; border: 1px solid var(--line); background: var(--panel);\n  color: var(--fg); font: inherit; cursor: pointer; }\n.toolbar button:hover { background: var(--soft); }\n.toolbar label { color: var(--muted); display: flex; gap: 6px; align-items: center; }\ndetails.file { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; margin-bottom: 8px; }\ndetails.file > summary { cursor: pointer; padding: 9px 14px; display: flex; align-items: center; gap: 10px;\n  flex-wrap: wrap; list-style: none; }\ndetails.file > summary::-webkit-details-marker { display: none; }\ndetails.file > summary::before { content: "▸"; color: var(--muted); width: 10px; }\ndetails.file[open] > summary::before { content: "▾"; }\ndetails.file[open] > summary { border-bottom: 1px solid var(--line); }\ndetails.file .path { font-family: var(--mono); font-size: 13px; font-weight: 600; overflow-wrap: anywhere; }\ndetails.file .badges { margin-left: auto; display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }\n.stat { font-family: var(--mono); font-size: 12px; }\n.stat .a { color: var(--ok); } .stat .d { color: var(--error); }\n.file-body { padding: 12px 14px; }\n.file-body h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 4px 0 8px; }\n.file-body .findings { border: 1px solid var(--line); border-radius: 8px; margin-bottom: 14px; overflow: hidden; }\n.file-body .findings td.line { font-family: var(--mono); color: var(--muted); width: 1%; white-space: nowrap; }\n.suggest { color: var(--muted); margin-top: 3px; font-size: 13px; }\n.suggest b { color: var(--fg); font-weight: 600; }\npre.diff { margin: 0; border: 1px solid var(--line); border-radius: 8px; overflow-x: auto; padding: 6px 0;\n  background: var(--panel); line-height: 1.45; }\npre.diff > span { display: block; padding: 0 12px 0 0; min-width: max-content; white-space: pre; }\npre.diff > span > i { display: inline-block; width: 4.2em; padding-right: 8px; text-align: right; color: var(--muted);\n  opacity: .7; font-style: normal; user-select: none; }\npre.diff > span > i::before { content: attr(data-n); }\npre.diff > span > i + i { margin-right: 10px; border-right: 1px solid var(--line); }\npre.diff > span:target { outline: 2px solid var(--warning); outline-offset: -2px; }\n.file-body .findings td:nth-child(2), .file-body .findings td:nth-child(3) { white-space: nowrap; }\npre.diff .add { background: var(--add); color: var(--add-fg); }\npre.diff .del { background: var(--del); color: var(--del-fg); }\npre.diff .hunk { background: var(--hunk); color: var(--hunk-fg); }\npre.diff .meta { color: var(--muted); font-weight: 600; }\npre.diff .note { color: var(--muted); font-style: italic; }\n.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }\nfooter { color: var(--muted); font-size: 12px; margin-top: 40px; border-top: 1px solid var(--line); padding-top: 12px; }\n[hidden] { display: none !important; }\n@media print { nav.toc, .toolbar { display: none; } details.file { break-inside: avoid; } }\n</style>\n</head>\n<body>\n<header class="top">\n  <div class="wrap">\n    <div class="logo" aria-hidden="true">M</div>\n    <div>\n      <h1>Migration report: '
    yield escape(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'root'))
    yield '</h1>\n      <div class="sub">PyTorch / CUDA → Ascend NPU (torch_npu '
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'target'), 'torch_npu'))
    yield ')</div>\n    </div>\n    <div class="meta">\n      <span class="chip">target <b>torch_npu '
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'target'), 'torch_npu'))
    yield '</b></span>\n      <span class="chip">'
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'tool'), 'name'))
    yield ' <b>'
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'tool'), 'version'))
    yield '</b></span>\n      <span class="chip">unsafe fixes <b>'
    yield escape(('on' if environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'unsafe_fixes') else 'off'))
    yield '</b></span>\n'
    if environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'shim'):
        pass
        yield '<span class="chip">mode <b>transfer_to_npu shim</b></span>'
    if environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'select'):
        pass
        yield '<span class="chip">select <b>'
        yield escape(t_6(context.eval_ctx, environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'select'), ', '))
        yield '</b></span>'
    if environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'ignore'):
        pass
        yield '<span class="chip">ignore <b>'
        yield escape(t_6(context.eval_ctx, environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'ignore'), ', '))
        yield '</b></span>'
    yield '    </div>\n  </div>\n</header>\n<nav class="toc" aria-label="sections">\n  <div class="wrap">\n    <a href="#summary">Summary</a>\n    <a href="#effort">Effort</a>\n    <a href="#rules">Findings by rule</a>\n    <a href="#unsupported">Unsupported APIs</a>\n    <a href="#kernels">CUDA kernels</a>\n    <a href="#files">Files ('
    yield escape(context.call(environment.getattr('{:,}', 'format'), t_7(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'files'))))
    yield ')</a>\n    <a href="#not-migrated">Not migrated ('
    yield escape(t_7(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'not_migrated')))
    yield ')</a>\n  </div>\n</nav>\n<main class="wrap">\n\n'
    for l_1_n in t_1(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'notes'), []):
        _loop_vars = {}
        pass
        yield '<div class="callout todo"><span class="badge info">note</span><div><b>'
        yield escape(environment.getattr(l_1_n, 'title'))
        yield '.</b> '
        yield escape(environment.getattr(l_1_n, 'text'))
        yield '</div></div>\n'
    l_1_n = missing
    yield '<section id="summary">\n'
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'needs_person'):
        pass
        yield '  <div class="callout todo"><span class="badge warning">action needed</span>\n    <div><b>'
        yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'needs_person')))
        yield '</b> open finding'
        yield escape(('s' if (environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'needs_person') != 1) else ''))
        yield ' need'
        yield escape(('s' if (environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'needs_person') == 1) else ''))
        yield ' a person,\n    in '
        yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'files_need_person')))
        yield ' file'
        yield escape(('s' if (environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'files_need_person') != 1) else ''))
        yield ': about <b>'
        yield escape(t_4(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_hours')))
        yield ' person-hours</b> of work.\n    '
        yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'fixes_applied')))
        yield ' fix'
        yield escape(('es' if (environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'fixes_applied') != 1) else ''))
        yield ' were applied automatically.</div></div>\n'
    else:
        pass
        yield '  <div class="callout done"><span class="badge ok">done</span>\n    <div>Nothing needs a person. '
        yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'fixes_applied')))
        yield ' fix'
        yield escape(('es' if (environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'fixes_applied') != 1) else ''))
        yield ' were applied automatically.</div></div>\n'
    yield '  <h2 style="margin-top:18px">Summary</h2>\n  <div class="cards">\n    <div class="card" data-key="files_scanned"><div class="label">Files scanned</div>\n      <div class="value">'
    yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'files_scanned')))
    yield '</div><div class="note">'
    yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'lines_scanned')))
    yield ' lines</div></div>\n    <div class="card ok" data-key="files_changed"><div class="label">Files changed</div>\n      <div class="value">'
    yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'files_changed')))
    yield '</div><div class="note">'
    yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'files_unchanged')))
    yield ' unchanged</div></div>\n    <div class="card'
    yield escape((' warn' if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'files_skipped') else ''))
    yield '" data-key="files_skipped"><div class="label">Skipped</div>\n      <div class="value">'
    yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'files_skipped')))
    yield '</div><div class="note">copied unchanged</div></div>\n    <div class="card'
    yield escape((' bad' if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'files_error') else ''))
    yield '" data-key="files_error"><div class="label">Errors</div>\n      <div class="value">'
    yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'files_error')))
    yield '</div><div class="note">original kept</div></div>\n    <div class="card ok" data-key="fixes_applied"><div class="label">Fixes applied</div>\n      <div class="value">'
    yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'fixes_applied')))
    yield '</div><div class="note">'
    yield escape(t_7(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'by_rule')))
    yield ' rule'
    yield escape(('s' if (t_7(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'by_rule')) != 1) else ''))
    yield ' matched</div></div>\n    <div class="card'
    yield escape(('' if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'kernels') else ' wide'))
    yield '" data-key="open_findings"><div class="label">Open findings</div>\n      <div class="value">'
    yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'open_findings')))
    yield '</div>\n'
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'open_findings'):
        pass
        yield '      <div class="sevbar" aria-hidden="true">\n'
        def t_13(fiter):
            for l_1_k in fiter:
                if environment.getitem((undefined(name='sev') if l_0_sev is missing else l_0_sev), l_1_k):
                    yield l_1_k
        for l_1_k in t_13(('error', 'warning', 'info')):
            _loop_vars = {}
            pass
            yield '<span class="'
            yield escape(l_1_k)
            yield '" style="width: '
            yield escape(t_3('%.2f', ((100 * environment.getitem((undefined(name='sev') if l_0_sev is missing else l_0_sev), l_1_k)) / environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'open_findings'))))
            yield '%"></span>'
        l_1_k = missing
        yield '      </div>\n'
    yield '      <div class="legend">'
    for l_1_k in ('error', 'warning', 'info'):
        _loop_vars = {}
        pass
        yield '<span data-key="open_by_severity.'
        yield escape(l_1_k)
        yield '"><span class="dot '
        yield escape(l_1_k)
        yield '"></span>'
        yield escape(l_1_k)
        yield ' <b>'
        yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getitem((undefined(name='sev') if l_0_sev is missing else l_0_sev), l_1_k), _loop_vars=_loop_vars))
        yield '</b></span>'
    l_1_k = missing
    yield '</div>\n    </div>\n    <div class="card'
    yield escape((' warn' if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_hours') else ''))
    yield '" data-key="effort_hours"><div class="label">Estimated effort</div>\n      <div class="value">'
    yield escape(t_4(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_hours')))
    yield '<span style="font-size:14px;font-weight:400"> h</span></div><div class="note">person-hours, see <a href="#effort">breakdown</a></div></div>\n'
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'kernels'):
        pass
        yield '    <div class="card" data-key="kernels"><div class="label">CUDA kernels</div>\n      <div class="value">'
        yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'kernels')))
        yield '</div><div class="note">'
        yield escape(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'kernels_complete'))
        yield ' translated completely</div></div>\n'
    yield '  </div>\n</section>\n\n<section id="effort">\n  <h2>Effort estimate <span class="count">'
    yield escape(t_4(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_hours')))
    yield ' person-hours for what is still open</span></h2>\n  <div class="two">\n    <div class="panel">\n'
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_breakdown'):
        pass
        yield '      <table>\n        <thead><tr><th>source</th><th>effort</th><th class="num">count</th><th class="num">hours each</th><th class="num">hours</th></tr></thead>\n        <tbody>\n'
        for l_1_row in environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_breakdown'):
            _loop_vars = {}
            pass
            yield '        <tr><td>'
            yield escape(('open findings' if (environment.getattr(l_1_row, 'source') == 'findings') else 'CUDA kernels to port'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_row, 'effort'))
            yield '</td>\n          <td class="num">'
            yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr(l_1_row, 'count'), _loop_vars=_loop_vars))
            yield '</td><td class="num">'
            yield escape(t_4(environment.getattr(l_1_row, 'hours_each')))
            yield '</td><td class="num">'
            yield escape(t_4(environment.getattr(l_1_row, 'hours')))
            yield '</td></tr>\n'
        l_1_row = missing
        yield '        <tr><td class="total" colspan="4">total</td><td class="num total">'
        yield escape(t_4(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_hours')))
        yield '</td></tr>\n        </tbody>\n      </table>\n'
    else:
        pass
        yield '      <div class="empty">Nothing left to estimate.</div>\n'
    yield '    </div>\n    <div class="panel pad muted" style="font-size:13px">\n      The estimate counts each open finding by its rule\'s effort class and each CUDA kernel that was not translated completely.\n      It is a planning aid for a person who knows the code, not a promise: hours per class are fixed\n      ('
    l_1_loop = missing
    for (l_1_k, l_1_h), l_1_loop in LoopContext(context.call(environment.getattr(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'hours_per_effort'), 'items')), undefined):
        _loop_vars = {}
        pass
        yield escape(l_1_k)
        yield ' '
        yield escape(t_4(l_1_h))
        yield ' h'
        yield escape((', ' if (not environment.getattr(l_1_loop, 'last')) else ''))
    l_1_loop = l_1_k = l_1_h = missing
    yield ').\n'
    l_0_saf = environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'open_by_safety')
    context.vars['saf'] = l_0_saf
    context.exported_vars.add('saf')
    yield '      <div class="legend" style="margin-top:10px">open by fix safety:\n'
    for (l_1_k, l_1_n) in context.call(environment.getattr((undefined(name='saf') if l_0_saf is missing else l_0_saf), 'items')):
        _loop_vars = {}
        pass
        yield '<span><span class="badge '
        yield escape(l_1_k)
        yield '">'
        yield escape(l_1_k)
        yield '</span> <b>'
        yield escape(context.call(environment.getattr('{:,}', 'format'), l_1_n, _loop_vars=_loop_vars))
        yield '</b></span>'
    l_1_k = l_1_n = missing
    yield '</div>\n'
    if environment.getattr((undefined(name='saf') if l_0_saf is missing else l_0_saf), 'unsafe'):
        pass
        yield '<div style="margin-top:8px">'
        yield escape(environment.getattr((undefined(name='saf') if l_0_saf is missing else l_0_saf), 'unsafe'))
        yield ' open finding'
        yield escape(('s' if (environment.getattr((undefined(name='saf') if l_0_saf is missing else l_0_saf), 'unsafe') != 1) else ''))
        yield ' carry a proposed fix: run again with <code>--unsafe-fixes</code> to apply them after review.</div>'
    yield '    </div>\n  </div>\n</section>\n\n<section id="rules">\n  <h2>Findings by rule <span class="count">'
    yield escape(t_7(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'by_rule')))
    yield ' rule'
    yield escape(('s' if (t_7(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'by_rule')) != 1) else ''))
    yield '</span></h2>\n  <div class="panel">\n'
    if environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'by_rule'):
        pass
        yield '  <table>\n    <thead><tr><th>rule</th><th>severity</th><th>fix</th><th class="num">fixed</th><th class="num">open</th><th style="width:46%">why and example</th></tr></thead>\n    <tbody>\n'
        for l_1_rule in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'by_rule'):
            _loop_vars = {}
            pass
            yield '    <tr id="rule-'
            yield escape(environment.getattr(l_1_rule, 'id'))
            yield '">\n      <td><div class="rule-id">'
            yield escape(environment.getattr(l_1_rule, 'id'))
            yield '</div><div class="rule-title">'
            yield escape(t_5(t_1(environment.getattr(l_1_rule, 'title'), '')))
            yield '</div></td>\n      <td>'
            if t_9(environment.getattr(l_1_rule, 'severity')):
                pass
                yield '<span class="badge '
                yield escape(environment.getattr(l_1_rule, 'severity'))
                yield '">'
                yield escape(environment.getattr(l_1_rule, 'severity'))
                yield '</span>'
            yield '</td>\n      <td>'
            if t_9(environment.getattr(l_1_rule, 'safety')):
                pass
                yield '<span class="badge '
                yield escape(environment.getattr(l_1_rule, 'safety'))
                yield '">'
                yield escape(environment.getattr(l_1_rule, 'safety'))
                yield '</span>'
            yield '</td>\n      <td class="num">'
            yield escape((context.call(environment.getattr('{:,}', 'format'), environment.getattr(l_1_rule, 'fixed'), _loop_vars=_loop_vars) if environment.getattr(l_1_rule, 'fixed') else '–'))
            yield '</td>\n      <td class="num">'
            if environment.getattr(l_1_rule, 'open'):
                pass
                yield '<a href="#files" data-filter="'
                yield escape(environment.getattr(l_1_rule, 'id'))
                yield '">'
                yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr(l_1_rule, 'open'), _loop_vars=_loop_vars))
                yield '</a>'
            else:
                pass
                yield '–'
            yield '</td>\n      <td>\n'
            if (t_9(environment.getattr(l_1_rule, 'why')) and environment.getattr(l_1_rule, 'why')):
                pass
                yield '        <details class="docs"><summary>why'
                yield escape((' and example' if environment.getattr(l_1_rule, 'example') else ''))
                yield '</summary>\n          <div class="docs-body">\n            <p>'
                yield escape(t_5(environment.getattr(l_1_rule, 'why')))
                yield '</p>\n'
                if environment.getattr(l_1_rule, 'example'):
                    pass
                    yield '            <div class="example">\n              <div class="before"><div class="cap">before</div><pre>'
                    yield escape(environment.getattr(environment.getattr(l_1_rule, 'example'), 'before'))
                    yield '</pre></div>\n              <div class="after"><div class="cap">'
                    yield escape(('after' if (not t_11(environment.getattr(environment.getattr(l_1_rule, 'example'), 'after'))) else 'stays (finding only)'))
                    yield '</div><pre>'
                    yield escape((environment.getattr(environment.getattr(l_1_rule, 'example'), 'after') if (not t_11(environment.getattr(environment.getattr(l_1_rule, 'example'), 'after'))) else environment.getattr(environment.getattr(l_1_rule, 'example'), 'before')))
                    yield '</pre></div>\n            </div>\n'
                if environment.getattr(l_1_rule, 'docs'):
                    pass
                    yield '<div style="margin-top:6px"><a href="'
                    yield escape(environment.getattr(l_1_rule, 'docs'))
                    yield '">rule docs</a> · <code>migrate explain '
                    yield escape(environment.getattr(l_1_rule, 'id'))
                    yield '</code></div>'
                yield '          </div>\n        </details>\n'
            else:
                pass
                yield '<span class="muted">–</span>'
            yield '      </td>\n    </tr>\n'
        l_1_rule = missing
        yield '    </tbody>\n  </table>\n'
    else:
        pass
        yield '  <div class="empty">No rule matched: nothing CUDA-specific was found.</div>\n'
    yield '  </div>\n</section>\n\n<section id="unsupported">\n  <h2>Top unsupported APIs <span class="count">open errors, by API</span></h2>\n  <div class="panel">\n'
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'top_unsupported'):
        pass
        l_0_top = environment.getattr(environment.getitem(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'top_unsupported'), 0), 'count')
        context.vars['top'] = l_0_top
        context.exported_vars.add('top')
        yield '  <table>\n    <thead><tr><th>API</th><th class="num">uses</th><th style="width:30%"></th></tr></thead>\n    <tbody>\n'
        for l_1_row in environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'top_unsupported'):
            _loop_vars = {}
            pass
            yield '    <tr><td><code>'
            yield escape(environment.getattr(l_1_row, 'api'))
            yield '</code></td><td class="num">'
            yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr(l_1_row, 'count'), _loop_vars=_loop_vars))
            yield '</td>\n      <td><div class="bar"><span style="width: '
            yield escape(t_3('%.1f', ((100 * environment.getattr(l_1_row, 'count')) / (undefined(name='top') if l_0_top is missing else l_0_top))))
            yield '%"></span></div></td></tr>\n'
        l_1_row = missing
        yield '    </tbody>\n  </table>\n'
    else:
        pass
        yield '  <div class="empty">No unsupported API left open.</div>\n'
    yield '  </div>\n</section>\n\n<section id="kernels">\n  <h2>CUDA kernels <span class="count">'
    yield escape(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'kernels'))
    yield ' found, '
    yield escape(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'kernels_complete'))
    yield ' translated completely</span></h2>\n  <div class="panel">\n'
    if environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'kernels'):
        pass
        yield '  <table>\n    <thead><tr>'
        for l_1_c in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'kernel_columns'):
            _loop_vars = {}
            pass
            yield '<th>'
            yield escape(l_1_c)
            yield '</th>'
        l_1_c = missing
        yield '</tr></thead>\n    <tbody>\n'
        l_1_loop = missing
        for l_1_k, l_1_loop in LoopContext(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'kernels'), undefined):
            _loop_vars = {}
            pass
            yield '    <tr>\n'
            l_2_loop = missing
            for l_2_c, l_2_loop in LoopContext(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'kernel_columns'), undefined):
                l_2_val = missing
                _loop_vars = {}
                pass
                l_2_val = context.call(environment.getattr(l_1_k, 'get'), l_2_c, _loop_vars=_loop_vars)
                _loop_vars['val'] = l_2_val
                if (l_2_c == 'complete'):
                    pass
                    yield '<td>'
                    if (undefined(name='val') if l_2_val is missing else l_2_val):
                        pass
                        yield '<span class="badge ok">complete</span>'
                    elif t_11((undefined(name='val') if l_2_val is missing else l_2_val)):
                        pass
                        yield '–'
                    else:
                        pass
                        yield '<span class="badge warning">needs work</span>'
                    yield '</td>\n'
                elif (((l_2_c == 'constructs') and t_10((undefined(name='val') if l_2_val is missing else l_2_val))) and (not t_12((undefined(name='val') if l_2_val is missing else l_2_val)))):
                    pass
                    yield '<td>'
                    l_3_loop = missing
                    for l_3_x, l_3_loop in LoopContext((undefined(name='val') if l_2_val is missing else l_2_val), undefined):
                        _loop_vars = {}
                        pass
                        yield '<code>'
                        yield escape(l_3_x)
                        yield '</code>'
                        yield escape((' ' if (not environment.getattr(l_3_loop, 'last')) else ''))
                    l_3_loop = l_3_x = missing
                    yield '</td>\n'
                elif (((l_2_c == 'name') or (l_2_c == 'path')) or (l_2_c == 'generated')):
                    pass
                    yield '<td>'
                    if (undefined(name='val') if l_2_val is missing else l_2_val):
                        pass
                        yield '<code>'
                        yield escape((undefined(name='val') if l_2_val is missing else l_2_val))
                        yield '</code>'
                    else:
                        pass
                        yield '<span class="muted">–</span>'
                    yield '</td>\n'
                elif (l_2_c == 'effort'):
                    pass
                    yield '<td>'
                    if (undefined(name='val') if l_2_val is missing else l_2_val):
                        pass
                        yield '<span class="badge manual">'
                        yield escape((undefined(name='val') if l_2_val is missing else l_2_val))
                        yield '</span>'
                    yield '</td>\n'
                else:
                    pass
                    yield '<td>'
                    yield escape(((undefined(name='val') if l_2_val is missing else l_2_val) if (not t_11((undefined(name='val') if l_2_val is missing else l_2_val))) else ''))
                    yield '</td>\n'
            l_2_loop = l_2_c = l_2_val = missing
            yield '    </tr>\n'
        l_1_loop = l_1_k = missing
        yield '    </tbody>\n  </table>\n'
    else:
        pass
        yield '  <div class="empty">No CUDA kernels (<code>__global__</code> functions) found.</div>\n'
    yield '  </div>\n</section>\n\n<section id="files">\n  <h2>Files <span class="count">'
    yield escape(context.call(environment.getattr('{:,}', 'format'), t_7(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'files'))))
    yield ' with changes or findings · '
    yield escape(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'files_with_open')))
    yield ' with open findings</span></h2>\n  <div class="toolbar" id="toolbar" hidden>\n    <input type="search" id="filter" placeholder="Filter by path or rule id…" aria-label="filter files by path or rule id">\n    <label><input type="checkbox" id="only-open"> only files with open findings</label>\n    <button type="button" id="expand">Expand all</button>\n    <button type="button" id="collapse">Collapse all</button>\n    <span class="muted" id="shown"></span>\n  </div>\n'
    t_14 = 1
    for l_1_f in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'files'):
        _loop_vars = {}
        pass
        yield '  <details class="file" id="'
        yield escape(environment.getattr(l_1_f, 'anchor'))
        yield '" data-path="'
        yield escape(environment.getattr(l_1_f, 'path'))
        yield '" data-rules="'
        yield escape(t_6(context.eval_ctx, environment.getattr(l_1_f, 'rules'), ' '))
        yield '" data-open="'
        yield escape(t_7(environment.getattr(l_1_f, 'open')))
        yield '">\n    <summary>\n      <span class="path">'
        yield escape(environment.getattr(l_1_f, 'path'))
        yield '</span>\n      <span class="badges">\n'
        if environment.getattr(l_1_f, 'diff'):
            pass
            yield '<span class="stat"><span class="a">+'
            yield escape(environment.getattr(environment.getattr(l_1_f, 'diff_stat'), 'added'))
            yield '</span> <span class="d">−'
            yield escape(environment.getattr(environment.getattr(l_1_f, 'diff_stat'), 'removed'))
            yield '</span></span>'
        yield '        <span class="badge '
        yield escape(('error-status' if (environment.getattr(l_1_f, 'status') == 'error') else environment.getattr(l_1_f, 'status')))
        yield '">'
        yield escape(environment.getattr(l_1_f, 'status'))
        yield '</span>\n'
        if environment.getattr(l_1_f, 'fixes'):
            pass
            yield '<span class="badge ok">'
            yield escape(environment.getattr(l_1_f, 'fixes'))
            yield ' fixed</span>'
        for (l_2_k, l_2_n) in context.call(environment.getattr(environment.getattr(l_1_f, 'by_severity'), 'items'), _loop_vars=_loop_vars):
            _loop_vars = {}
            pass
            yield '<span class="badge '
            yield escape(l_2_k)
            yield '">'
            yield escape(l_2_n)
            yield ' '
            yield escape(l_2_k)
            yield '</span>'
        l_2_k = l_2_n = missing
        yield '      </span>\n    </summary>\n    <div class="file-body">\n'
        if environment.getattr(l_1_f, 'reason'):
            pass
            yield '<p class="muted">'
            yield escape(environment.getattr(l_1_f, 'status'))
            yield ': '
            yield escape(environment.getattr(l_1_f, 'reason'))
            yield '</p>'
        if environment.getattr(l_1_f, 'open'):
            pass
            yield '      <h3>Open findings ('
            yield escape(t_7(environment.getattr(l_1_f, 'open')))
            yield ')</h3>\n      <div class="findings">\n      <table>\n        <thead><tr><th>line</th><th>rule</th><th>severity · fix</th><th>message</th></tr></thead>\n        <tbody>\n'
            for l_2_x in environment.getattr(l_1_f, 'open'):
                _loop_vars = {}
                pass
                yield '        <tr>\n          <td class="line">'
                if (environment.getattr(l_2_x, 'line') in environment.getattr(l_1_f, 'linked_lines')):
                    pass
                    yield '<a href="#'
                    yield escape(environment.getattr(l_1_f, 'anchor'))
                    yield '-L'
                    yield escape(environment.getattr(l_2_x, 'line'))
                    yield '" title="show in the diff">'
                    yield escape(environment.getattr(l_2_x, 'line'))
                    yield ':'
                    yield escape(environment.getattr(l_2_x, 'column'))
                    yield '</a>'
                else:
                    pass
                    yield escape(environment.getattr(l_2_x, 'line'))
                    yield ':'
                    yield escape(environment.getattr(l_2_x, 'column'))
                yield '</td>\n          <td><a class="rule-id" href="#rule-'
                yield escape(environment.getattr(l_2_x, 'rule'))
                yield '">'
                yield escape(environment.getattr(l_2_x, 'rule'))
                yield '</a></td>\n          <td><span class="badge '
                yield escape(environment.getattr(l_2_x, 'severity'))
                yield '">'
                yield escape(environment.getattr(l_2_x, 'severity'))
                yield '</span> <span class="badge '
                yield escape(environment.getattr(l_2_x, 'safety'))
                yield '">'
                yield escape(environment.getattr(l_2_x, 'safety'))
                yield '</span></td>\n          <td>'
                yield escape(t_5(environment.getattr(l_2_x, 'message')))
                yield '\n'
                if environment.getattr(l_2_x, 'suggestion'):
                    pass
                    yield '<div class="suggest"><b>Suggestion:</b> '
                    yield escape(t_5(environment.getattr(l_2_x, 'suggestion')))
                    yield '</div>'
                if environment.getattr(l_2_x, 'note'):
                    pass
                    yield '<div class="suggest"><b>Not applied:</b> '
                    yield escape(t_5(environment.getattr(l_2_x, 'note')))
                    yield '</div>'
                yield '          </td>\n        </tr>\n'
            l_2_x = missing
            yield '        </tbody>\n      </table>\n      </div>\n'
        if environment.getattr(l_1_f, 'diff'):
            pass
            yield '      <h3>Diff</h3>\n      <pre class="diff">'
            yield escape(t_2(l_1_f))
            yield '</pre>\n'
        elif ((not environment.getattr(l_1_f, 'open')) and (not environment.getattr(l_1_f, 'reason'))):
            pass
            yield '      <p class="muted">No changes.</p>\n'
        yield '    </div>\n  </details>\n'
        t_14 = 0
    l_1_f = missing
    if t_14:
        pass
        yield '  <div class="panel empty">No file needed a change.</div>\n'
    yield '  <p class="muted" id="no-match" hidden>No file matches the filter.</p>\n</section>\n\n<section id="not-migrated">\n  <h2>Files not migrated <span class="count">'
    yield escape(t_7(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'not_migrated')))
    yield '</span></h2>\n  <div class="panel">\n'
    if environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'not_migrated'):
        pass
        yield '  <table>\n    <thead><tr><th>file</th><th>status</th><th>reason</th></tr></thead>\n    <tbody>\n'
        for l_1_f in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'not_migrated'):
            _loop_vars = {}
            pass
            yield '    <tr><td><code>'
            yield escape(environment.getattr(l_1_f, 'path'))
            yield '</code></td><td><span class="badge '
            yield escape(('error-status' if (environment.getattr(l_1_f, 'status') == 'error') else t_8(context.eval_ctx, environment.getattr(l_1_f, 'status'), ' ', '-')))
            yield '">'
            yield escape(environment.getattr(l_1_f, 'status'))
            yield '</span></td><td>'
            yield escape(environment.getattr(l_1_f, 'reason'))
            yield '</td></tr>\n'
        l_1_f = missing
        yield '    </tbody>\n  </table>\n'
    else:
        pass
        yield '  <div class="empty">Every file was read and handled.</div>\n'
    yield '  </div>\n</section>\n\n<footer>\n  Generated by '
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'tool'), 'name'))
    yield ' '
    yield escape(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'tool'), 'version'))
    yield ' · report schema '
    yield escape(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'schema_version'))
    yield ' ·\n  the same data is in <code>report.json</code>; the full patch is <code>migration.patch</code>.\n</footer>\n</main>\n<script>\n(function () {\n  "use strict";\n  var files = Array.prototype.slice.call(document.querySelectorAll("details.file"));\n  var bar = document.getElementById("toolbar");\n  if (!bar || !files.length) return;\n  bar.hidden = false;\n  var box = document.getElementById("filter"), only = document.getElementById("only-open");\n  var shown = document.getElementById("shown"), none = document.getElementById("no-match");\n  function apply() {\n    var q = box.value.trim().toLowerCase(), n = 0;\n    files.forEach(function (d) {\n      var hay = (d.getAttribute("data-path") + " " + d.getAttribute("data-rules")).toLowerCase();\n      var ok = (!q || hay.indexOf(q) !== -1) && (!only.checked || d.getAttribute("data-open") !== "0");\n      d.hidden = !ok;\n      if (ok) n++;\n    });\n    shown.textContent = n + " of " + files.length + " files";\n    none.hidden = n !== 0;\n  }\n  box.addEventListener("input", apply);\n  only.addEventListener("change", apply);\n  document.getElementById("expand").addEventListener("click", function () {\n    files.forEach(function (d) { if (!d.hidden) d.open = true; });\n  });\n  document.getElementById("collapse").addEventListener("click", function () {\n    files.forEach(function (d) { d.open = false; });\n  });\n  Array.prototype.forEach.call(document.querySelectorAll("a[data-filter]"), function (a) {\n    a.addEventListener("click", function () { box.value = a.getAttribute("data-filter"); only.checked = true; apply(); });\n  });\n  function openTarget() {\n    var id = decodeURIComponent(location.hash.slice(1));\n    var el = id && document.getElementById(id);\n    if (!el) return;\n    var d = el.tagName === "DETAILS" ? el : (el.closest("details") || el.querySelector("details.docs"));\n    if (d && !d.open) { d.open = true; el.scrollIntoView(); }\n  }\n  window.addEventListener("hashchange", openTarget);\n  openTarget();\n  apply();\n})();\n</script>\n</body>\n</html>\n'

blocks = {}
debug_info = '3=87&4=90&10=94&11=96&169=100&170=102&173=104&174=106&175=110&176=112&177=115&178=120&189=126&190=128&195=130&196=134&199=140&201=143&202=149&203=155&206=162&211=167&213=171&214=175&215=177&216=179&217=181&219=183&220=189&221=191&222=193&224=196&227=211&229=225&230=227&231=229&233=232&239=237&242=239&246=242&247=246&248=250&250=258&260=265&261=275&263=279&264=291&270=299&272=303&276=306&277=310&278=312&279=316&280=324&281=332&282=334&284=345&285=348&287=350&288=352&290=355&291=357&294=361&312=379&313=381&317=385&318=389&319=393&330=401&332=405&334=408&336=417&338=422&339=426&340=428&341=441&342=454&343=466&344=478&358=488&366=493&367=497&369=505&371=507&372=515&373=519&374=524&378=536&379=543&380=546&385=548&387=552&388=569&389=573&390=581&391=583&392=588&400=596&402=599&403=601&415=611&417=613&421=616&422=620&433=634'