from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'report.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_r = resolve('r')
    l_0_v = resolve('v')
    l_0_s = l_0_sev = l_0_with_open = l_0_changed = missing
    try:
        t_1 = environment.filters['default']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'default' found.")
    try:
        t_2 = environment.filters['hours']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'hours' found.")
    try:
        t_3 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_4 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_5 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_6 = environment.filters['md_cell']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'md_cell' found.")
    try:
        t_7 = environment.filters['md_code']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'md_code' found.")
    try:
        t_8 = environment.filters['md_fence']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'md_fence' found.")
    try:
        t_9 = environment.filters['md_text']
    except KeyError:
        @internalcode
        def t_9(*unused):
            raise TemplateRuntimeError("No filter named 'md_text' found.")
    try:
        t_10 = environment.filters['rejectattr']
    except KeyError:
        @internalcode
        def t_10(*unused):
            raise TemplateRuntimeError("No filter named 'rejectattr' found.")
    try:
        t_11 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_11(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    try:
        t_12 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_12(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    try:
        t_13 = environment.tests['iterable']
    except KeyError:
        @internalcode
        def t_13(*unused):
            raise TemplateRuntimeError("No test named 'iterable' found.")
    try:
        t_14 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_14(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    try:
        t_15 = environment.tests['string']
    except KeyError:
        @internalcode
        def t_15(*unused):
            raise TemplateRuntimeError("No test named 'string' found.")
    pass
    l_0_s = environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'summary')
    context.vars['s'] = l_0_s
    context.exported_vars.add('s')
    l_0_sev = environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'open_by_severity')
    context.vars['sev'] = l_0_sev
    context.exported_vars.add('sev')
    yield '# Migration report: '
    yield str(t_9(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'root')))
    yield '\n\nTarget **torch_npu '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'target'), 'torch_npu'))
    yield '** · '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'tool'), 'name'))
    yield ' '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'tool'), 'version'))
    yield ' · unsafe fixes '
    yield str(('on' if environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'unsafe_fixes') else 'off'))
    yield str((' · transfer_to_npu shim' if environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'shim') else ''))
    if environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'select'):
        pass
        yield ' · select '
        yield str(t_9(t_3(context.eval_ctx, environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'select'), ', ')))
    if environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'ignore'):
        pass
        yield ' · ignore '
        yield str(t_9(t_3(context.eval_ctx, environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings'), 'ignore'), ', ')))
    yield '\n\n'
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'needs_person'):
        pass
        yield '> **'
        yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'needs_person')))
        yield ' open finding'
        yield str(('s' if (environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'needs_person') != 1) else ''))
        yield ' need'
        yield str(('s' if (environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'needs_person') == 1) else ''))
        yield ' a person**, in '
        yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'files_need_person')))
        yield ' file'
        yield str(('s' if (environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'files_need_person') != 1) else ''))
        yield ': about **'
        yield str(t_2(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_hours')))
        yield ' person-hours** of work. '
        yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'fixes_applied')))
        yield ' fix'
        yield str(('es' if (environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'fixes_applied') != 1) else ''))
        yield ' applied automatically.\n'
    else:
        pass
        yield '> **Nothing needs a person.** '
        yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'fixes_applied')))
        yield ' fix'
        yield str(('es' if (environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'fixes_applied') != 1) else ''))
        yield ' applied automatically.\n'
    yield '\n'
    for l_1_n in t_1(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'notes'), []):
        _loop_vars = {}
        pass
        yield '> **'
        yield str(environment.getattr(l_1_n, 'title'))
        yield '.** '
        yield str(environment.getattr(l_1_n, 'text'))
        yield '\n\n'
    l_1_n = missing
    yield '## Summary\n\n| | |\n|---|--:|\n| files scanned | '
    yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'files_scanned')))
    yield ' ('
    yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'lines_scanned')))
    yield ' lines) |\n| files changed | '
    yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'files_changed')))
    yield ' |\n| files skipped | '
    yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'files_skipped')))
    yield ' |\n| files with errors | '
    yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'files_error')))
    yield ' |\n| fixes applied | '
    yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'fixes_applied')))
    yield ' |\n| open findings | '
    yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'open_findings')))
    yield ' (error '
    yield str(environment.getattr((undefined(name='sev') if l_0_sev is missing else l_0_sev), 'error'))
    yield ' · warning '
    yield str(environment.getattr((undefined(name='sev') if l_0_sev is missing else l_0_sev), 'warning'))
    yield ' · info '
    yield str(environment.getattr((undefined(name='sev') if l_0_sev is missing else l_0_sev), 'info'))
    yield ') |\n| need a person | '
    yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'needs_person')))
    yield ' |\n'
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'kernels'):
        pass
        yield '| CUDA kernels | '
        yield str(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'kernels'))
        yield ' ('
        yield str(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'kernels_complete'))
        yield ' translated completely) |\n'
    yield '| estimated effort | '
    yield str(t_2(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_hours')))
    yield ' person-hours |\n\n## Effort estimate\n\n'
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_breakdown'):
        pass
        yield '| source | effort | count | hours each | hours |\n|---|---|--:|--:|--:|\n'
        for l_1_row in environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_breakdown'):
            _loop_vars = {}
            pass
            yield '| '
            yield str(('open findings' if (environment.getattr(l_1_row, 'source') == 'findings') else 'CUDA kernels to port'))
            yield ' | '
            yield str(environment.getattr(l_1_row, 'effort'))
            yield ' | '
            yield str(context.call(environment.getattr('{:,}', 'format'), environment.getattr(l_1_row, 'count'), _loop_vars=_loop_vars))
            yield ' | '
            yield str(t_2(environment.getattr(l_1_row, 'hours_each')))
            yield ' | '
            yield str(t_2(environment.getattr(l_1_row, 'hours')))
            yield ' |\n'
        l_1_row = missing
        yield '| **total** | | | | **'
        yield str(t_2(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'effort_hours')))
        yield "** |\n\nEach open finding counts by its rule's effort class ("
        l_1_loop = missing
        for (l_1_k, l_1_h), l_1_loop in LoopContext(context.call(environment.getattr(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'hours_per_effort'), 'items')), undefined):
            _loop_vars = {}
            pass
            yield str(l_1_k)
            yield ' '
            yield str(t_2(l_1_h))
            yield ' h'
            yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else ''))
        l_1_loop = l_1_k = l_1_h = missing
        yield '), and each CUDA kernel not translated completely by its own. A planning aid, not a promise.\n'
    else:
        pass
        yield 'Nothing left to estimate.\n'
    yield '\n## Findings by rule\n\n'
    if environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'by_rule'):
        pass
        yield '| rule | title | severity | fix | fixed | open |\n|---|---|---|---|--:|--:|\n'
        for l_1_rule in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'by_rule'):
            _loop_vars = {}
            pass
            yield '| ['
            yield str(t_6(environment.getattr(l_1_rule, 'id')))
            yield '](#'
            yield str(environment.getattr(l_1_rule, 'id'))
            yield ') | '
            yield str(t_6(t_1(environment.getattr(l_1_rule, 'title'), '')))
            yield ' | '
            yield str(t_1(environment.getattr(l_1_rule, 'severity'), ''))
            yield ' | '
            yield str(t_1(environment.getattr(l_1_rule, 'safety'), ''))
            yield ' | '
            yield str((environment.getattr(l_1_rule, 'fixed') or ''))
            yield ' | '
            yield str((environment.getattr(l_1_rule, 'open') or ''))
            yield ' |\n'
        l_1_rule = missing
    else:
        pass
        yield 'No rule matched: nothing CUDA-specific was found.\n'
    yield '\n## Top unsupported APIs\n\n'
    if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'top_unsupported'):
        pass
        yield '| API | uses |\n|---|--:|\n'
        for l_1_row in environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'top_unsupported'):
            _loop_vars = {}
            pass
            yield '| '
            yield str(t_6(t_7(environment.getattr(l_1_row, 'api'))))
            yield ' | '
            yield str(environment.getattr(l_1_row, 'count'))
            yield ' |\n'
        l_1_row = missing
    else:
        pass
        yield 'No unsupported API left open.\n'
    yield '\n## CUDA kernels\n\n'
    if environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'kernels'):
        pass
        yield '| '
        for l_1_c in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'kernel_columns'):
            _loop_vars = {}
            pass
            yield str(l_1_c)
            yield ' | '
        l_1_c = missing
        yield '\n|'
        for l_1_c in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'kernel_columns'):
            _loop_vars = {}
            pass
            yield '---|'
        l_1_c = missing
        yield '\n'
        for l_1_k in environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'kernels'):
            _loop_vars = {}
            pass
            yield '| '
            for l_2_c in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'kernel_columns'):
                l_2_val = missing
                _loop_vars = {}
                pass
                l_2_val = context.call(environment.getattr(l_1_k, 'get'), l_2_c, _loop_vars=_loop_vars)
                _loop_vars['val'] = l_2_val
                if (l_2_c == 'complete'):
                    pass
                    yield str(('yes' if (undefined(name='val') if l_2_val is missing else l_2_val) else ('' if t_14((undefined(name='val') if l_2_val is missing else l_2_val)) else 'no')))
                elif (((l_2_c == 'constructs') and t_13((undefined(name='val') if l_2_val is missing else l_2_val))) and (not t_15((undefined(name='val') if l_2_val is missing else l_2_val)))):
                    pass
                    yield str(t_6(t_3(context.eval_ctx, (undefined(name='val') if l_2_val is missing else l_2_val), ', ')))
                elif t_14((undefined(name='val') if l_2_val is missing else l_2_val)):
                    pass
                else:
                    pass
                    yield str(t_6((undefined(name='val') if l_2_val is missing else l_2_val)))
                yield ' | '
            l_2_c = l_2_val = missing
            yield '\n'
        l_1_k = missing
    else:
        pass
        yield 'No CUDA kernels (`__global__` functions) found.\n'
    yield '\n## Open findings by file\n\n'
    l_0_with_open = t_5(context.eval_ctx, t_11(context, environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'files'), 'open'))
    context.vars['with_open'] = l_0_with_open
    context.exported_vars.add('with_open')
    if (undefined(name='with_open') if l_0_with_open is missing else l_0_with_open):
        pass
        for l_1_f in (undefined(name='with_open') if l_0_with_open is missing else l_0_with_open):
            _loop_vars = {}
            pass
            yield '### '
            yield str(t_7(environment.getattr(l_1_f, 'path')))
            yield '\n\n'
            yield str(t_4(environment.getattr(l_1_f, 'open')))
            yield ' open'
            for (l_2_k, l_2_n) in context.call(environment.getattr(environment.getattr(l_1_f, 'by_severity'), 'items'), _loop_vars=_loop_vars):
                _loop_vars = {}
                pass
                yield ' · '
                yield str(l_2_n)
                yield ' '
                yield str(l_2_k)
            l_2_k = l_2_n = missing
            yield str(((' · %d fixed' % environment.getattr(l_1_f, 'fixes')) if environment.getattr(l_1_f, 'fixes') else ''))
            yield '\n\n| line | rule | severity | fix | message |\n|--:|---|---|---|---|\n'
            for l_2_x in environment.getattr(l_1_f, 'open'):
                _loop_vars = {}
                pass
                yield '| '
                yield str(environment.getattr(l_2_x, 'line'))
                yield ' | ['
                yield str(t_6(environment.getattr(l_2_x, 'rule')))
                yield '](#'
                yield str(environment.getattr(l_2_x, 'rule'))
                yield ') | '
                yield str(environment.getattr(l_2_x, 'severity'))
                yield ' | '
                yield str(environment.getattr(l_2_x, 'safety'))
                yield ' | '
                yield str(t_6(environment.getattr(l_2_x, 'message')))
                if environment.getattr(l_2_x, 'suggestion'):
                    pass
                    yield '<br>**Suggestion:** '
                    yield str(t_6(environment.getattr(l_2_x, 'suggestion')))
                if environment.getattr(l_2_x, 'note'):
                    pass
                    yield '<br>**Not applied:** '
                    yield str(t_6(environment.getattr(l_2_x, 'note')))
                yield ' |\n'
            l_2_x = missing
            yield '\n'
        l_1_f = missing
    else:
        pass
        yield 'No open findings.\n'
    l_0_changed = t_5(context.eval_ctx, t_11(context, t_10(context, environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'files'), 'open'), 'diff'))
    context.vars['changed'] = l_0_changed
    context.exported_vars.add('changed')
    if (undefined(name='changed') if l_0_changed is missing else l_0_changed):
        pass
        yield 'Migrated with no open findings: '
        l_1_loop = missing
        for l_1_f, l_1_loop in LoopContext((undefined(name='changed') if l_0_changed is missing else l_0_changed), undefined):
            _loop_vars = {}
            pass
            yield str(t_7(environment.getattr(l_1_f, 'path')))
            yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else ''))
        l_1_loop = l_1_f = missing
        yield '.\n\n'
    yield '## Rule docs\n\n'
    t_16 = 1
    for l_1_rule in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'by_rule'):
        _loop_vars = {}
        pass
        yield '### '
        yield str(environment.getattr(l_1_rule, 'id'))
        yield '\n\n'
        if t_12(environment.getattr(l_1_rule, 'title')):
            pass
            yield '**'
            yield str(t_9(environment.getattr(l_1_rule, 'title')))
            yield '** · severity '
            yield str(environment.getattr(l_1_rule, 'severity'))
            yield ' · fix '
            yield str(environment.getattr(l_1_rule, 'safety'))
            yield ' · effort '
            yield str(environment.getattr(l_1_rule, 'effort'))
            if environment.getattr(l_1_rule, 'docs'):
                pass
                yield ' · [docs]('
                yield str(environment.getattr(l_1_rule, 'docs'))
                yield ')'
            yield '\n\n'
            yield str(t_9(environment.getattr(l_1_rule, 'why')))
            yield '\n\n'
            if environment.getattr(l_1_rule, 'example'):
                pass
                yield 'Before:\n\n'
                yield str(t_8(environment.getattr(environment.getattr(l_1_rule, 'example'), 'before')))
                yield '\n\n'
                if (not t_14(environment.getattr(environment.getattr(l_1_rule, 'example'), 'after'))):
                    pass
                    yield 'After:\n\n'
                    yield str(t_8(environment.getattr(environment.getattr(l_1_rule, 'example'), 'after')))
                    yield '\n'
                else:
                    pass
                    yield '(finding only: the code stays as it is)\n'
                yield '\n'
        else:
            pass
            yield 'No documentation shipped for this rule id.\n\n'
        t_16 = 0
    l_1_rule = missing
    if t_16:
        pass
        yield 'No rule matched.\n\n'
    yield '## Files not migrated\n\n'
    if environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'not_migrated'):
        pass
        yield '| file | status | reason |\n|---|---|---|\n'
        for l_1_f in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'not_migrated'):
            _loop_vars = {}
            pass
            yield '| '
            yield str(t_6(t_7(environment.getattr(l_1_f, 'path'))))
            yield ' | '
            yield str(environment.getattr(l_1_f, 'status'))
            yield ' | '
            yield str(t_6(environment.getattr(l_1_f, 'reason')))
            yield ' |\n'
        l_1_f = missing
    else:
        pass
        yield 'Every file was read and handled.\n'
    yield '\n---\nGenerated by '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'tool'), 'name'))
    yield ' '
    yield str(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'tool'), 'version'))
    yield ' · report schema '
    yield str(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'schema_version'))
    yield ' · full data in `report.json`, full patch in `migration.patch`.\n'

blocks = {}
debug_info = '3=104&4=107&5=111&7=113&10=130&11=133&13=152&16=157&17=161&24=167&25=171&26=173&27=175&28=177&29=179&30=187&31=189&32=192&34=197&38=199&41=202&42=206&44=218&46=221&53=235&56=238&57=242&65=261&68=264&69=268&77=277&78=280&80=287&82=293&83=297&92=322&93=325&94=327&95=331&97=333&101=345&102=349&109=375&110=378&111=382&116=391&117=395&119=397&120=400&123=413&125=415&128=418&130=420&133=423&149=438&152=441&153=445&160=456'