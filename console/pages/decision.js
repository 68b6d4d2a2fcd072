// A decision's page: GET /v1/decisions/{id}?explain=full rendered outcome by outcome (the clause with
// its source text, the conditions with input against threshold, the parameters read with their
// periods, the arithmetic), the supersede chain both ways, its audit entries (auditor, finance), and
// a replay against the current rules (POST /v1/decisions/{id}/replay?ruleset=current).

import { api } from '../api.js'
import { clauseBlock, loadClauses } from '../clauses.js'
import { h, table } from '../dom.js'
import { money, shortId, status, time, value } from '../format.js'
import { pick, t } from '../i18n.js'
import { keyName } from '../people.js'
import { failure } from '../problems.js'
import { entriesTable } from './audit.js'
import { measureTitles, titleZh } from './decisions.js'

const conditionsTable = (conditions) =>
  table(
    [
      t('decision.condition'),
      t('decision.input'),
      t('decision.threshold'),
      t('decision.result'),
      t('decision.clause'),
    ],
    conditions.map((c) => [
      h('span', { 'data-condition': c.id }, pick(c.description)),
      h('span', { class: 'mono' }, value(c.input)),
      h('span', { class: 'mono' }, `${c.comparison ?? ''} ${value(c.threshold)}`),
      h(
        'span',
        { class: c.holds ? 'pass' : 'fail' },
        c.holds ? `✓ ${t('decision.pass')}` : `✗ ${t('decision.fail')}`,
      ),
      c.clause ?? '',
    ]),
    { class: 'conditions' },
  )

const parametersTable = (parameters) =>
  table(
    [t('decision.parameter'), t('decision.value'), t('decision.period'), t('decision.clause')],
    parameters.map((p) => [
      h('span', { class: 'mono' }, p.name, p.overridden ? ' *' : ''),
      h('span', { class: 'mono' }, value(p.value)),
      `${p.from ?? '…'} – ${p.to ?? '…'}`,
      p.clause ?? '',
    ]),
    { class: 'parameters' },
  )

const stepsList = (steps) =>
  h(
    'ol',
    { class: 'steps' },
    steps.map((s) =>
      h(
        'li',
        {},
        h('span', { class: 'step-description' }, pick(s.description)),
        ': ',
        h('span', { class: 'mono' }, `${s.expression} = ${s.result}`),
      ),
    ),
  )

const traceSection = (trace) => [
  h('h4', {}, t('decision.clause')),
  clauseBlock(trace.clause),
  trace.conditions?.length
    ? [h('h4', {}, t('decision.conditions')), conditionsTable(trace.conditions)]
    : null,
  trace.parameters?.length
    ? [h('h4', {}, t('decision.parameters')), parametersTable(trace.parameters)]
    : null,
  trace.steps?.length ? [h('h4', {}, t('decision.steps')), stepsList(trace.steps)] : null,
  trace.notes?.length
    ? [
        h('h4', {}, t('decision.notes')),
        h(
          'ul',
          {},
          trace.notes.map((n) => h('li', {}, pick(n))),
        ),
      ]
    : null,
]

const outcomeSection = (outcome, measures) => {
  const paying = outcome.status !== 'ineligible'
  return h(
    'details',
    { class: `outcome outcome-${outcome.status}`, 'data-measure': outcome.measure, open: paying },
    h(
      'summary',
      {},
      h('span', { class: 'measure', lang: 'zh-CN' }, titleZh(measures, outcome.measure)),
      ' ',
      status(outcome.status),
      ' ',
      h('span', { class: 'amount', 'data-amount': outcome.amount ?? '' }, money(outcome.amount)),
    ),
    outcome.reasons?.length
      ? h(
          'ul',
          { class: 'reasons' },
          outcome.reasons.map((r) => h('li', {}, h('code', {}, r.code), ' ', pick(r.message))),
        )
      : null,
    outcome.trace ? traceSection(outcome.trace) : null,
  )
}

/** The decisions this one corrects (back) and those that correct it (forward), oldest first. */
const chainOf = async (decision) => {
  const back = []
  for (let id = decision.supersedes; id && back.length < 50; ) {
    const d = await api(`/v1/decisions/${id}`)
    back.unshift(d)
    id = d.supersedes
  }
  const forward = []
  for (let id = decision.supersededBy; id && forward.length < 50; ) {
    const d = await api(`/v1/decisions/${id}`)
    forward.push(d)
    id = d.supersededBy
  }
  return [...back, decision, ...forward]
}

const chainSection = (chain, current) =>
  h(
    'ol',
    { class: 'chain', id: 'chain' },
    chain.map((d) =>
      h(
        'li',
        { 'data-decision': d.id, class: d.id === current ? 'this' : '' },
        d.id === current
          ? h('strong', {}, shortId(d.id))
          : h('a', { href: `#/decision/${d.id}` }, shortId(d.id)),
        ` ${time(d.createdAt)} `,
        h('span', { class: 'badge' }, d.supersededBy ? t('decision.superseded') : t('decision.current')),
        d.correctionReason ? ` — ${d.correctionReason}` : '',
      ),
    ),
  )

const replaySection = (id) => {
  const out = h('div', { id: 'replay-result' })
  const button = h('button', { type: 'button', id: 'replay' }, t('decision.replay'))
  button.addEventListener('click', async () => {
    button.disabled = true
    out.replaceChildren(h('p', { class: 'loading' }, t('loading')))
    try {
      const [replay, measures] = await Promise.all([
        api(`/v1/decisions/${id}/replay?ruleset=current`, { method: 'POST' }),
        measureTitles(),
      ])
      out.replaceChildren(
        h(
          'p',
          { class: replay.identical ? 'pass' : 'fail', 'data-identical': String(replay.identical) },
          replay.identical ? t('decision.identical') : t('decision.different'),
          ` (${replay.storedRuleset.version} → ${replay.replayedRuleset.version})`,
        ),
        table(
          [t('decision.outcomes'), t('decision.stored'), t('decision.now'), ''],
          replay.measures.map((m) => [
            h('span', { lang: 'zh-CN' }, titleZh(measures, m.measure)),
            [status(m.stored.status), ' ', money(m.stored.amount)],
            [status(m.replayed.status), ' ', money(m.replayed.amount)],
            h(
              'span',
              { class: m.changed ? 'fail' : 'muted' },
              m.changed ? t('decision.changed') : t('decision.unchanged'),
            ),
          ]),
          { class: 'replay' },
        ),
      )
    } catch (error) {
      out.replaceChildren(failure(error))
    } finally {
      button.disabled = false
    }
  })
  return [button, out]
}

const auditSection = async (id, session) => {
  if (session.role === 'enterprise') return null
  try {
    const page = await api(`/v1/audit/entries?entity=${encodeURIComponent(`decision:${id}`)}`)
    return entriesTable(page.entries)
  } catch (error) {
    return failure(error)
  }
}

export const decisionPage = async (id, session) => {
  const [decision, measures] = await Promise.all([
    api(`/v1/decisions/${encodeURIComponent(id)}?explain=full`),
    measureTitles(),
    loadClauses(),
  ])
  const evaluation = decision.evaluation
  const [chain, audit] = await Promise.all([
    chainOf(decision).catch((error) => error),
    auditSection(decision.id, session),
  ])
  return h(
    'article',
    { class: 'decision', 'data-decision': decision.id },
    h('h1', {}, `${t('decision.title')} ${shortId(decision.id)}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('decision.application')),
      h('dd', { class: 'mono' }, decision.applicationId),
      h('dt', {}, t('decision.createdAt')),
      h('dd', {}, time(decision.createdAt)),
      h('dt', {}, t('log.decidedBy')),
      h('dd', {}, keyName(decision.decidedBy)),
      h('dt', {}, t('decision.ruleset')),
      h('dd', {}, `${evaluation.ruleset.id} ${evaluation.ruleset.version}`),
      h('dt', {}, t('decision.asOf')),
      h('dd', {}, evaluation.asOf),
      h('dt', {}, t('decision.total')),
      h('dd', { class: 'amount', id: 'total' }, money(evaluation.totalAmount)),
      decision.correctionReason
        ? [h('dt', {}, t('decision.reason')), h('dd', {}, decision.correctionReason)]
        : null,
    ),
    h('h2', {}, t('decision.chain')),
    chain instanceof Error ? failure(chain) : chainSection(chain, decision.id),
    h('h2', {}, t('decision.replayed')),
    replaySection(decision.id),
    h('h2', {}, t('decision.gates')),
    evaluation.gates.map((g) =>
      h(
        'details',
        { class: 'gate', 'data-gate': g.gate },
        h('summary', {}, g.gate, ' ', g.trace?.clause ?? ''),
        g.consequenceTexts?.length
          ? [
              h('h4', {}, t('decision.consequences')),
              h(
                'ul',
                { class: 'consequences' },
                g.consequenceTexts.map((c) => h('li', { 'data-consequence': c.id }, pick(c))),
              ),
            ]
          : null,
        g.trace ? traceSection(g.trace) : null,
      ),
    ),
    h('h2', {}, t('decision.outcomes')),
    evaluation.outcomes.map((o) => outcomeSection(o, measures)),
    audit ? [h('h2', {}, t('decision.audit')), audit] : null,
  )
}
