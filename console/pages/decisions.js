// The decision log: GET /v1/applications with its filters (enterprise, project, prefecture, measure,
// status, dates) and keyset paging (nextCursor). Each row: the measures that apply (title in the
// page's language, status, amount), the total, and who decided.

import { api, cached } from '../api.js'
import { h, table } from '../dom.js'
import { money, status } from '../format.js'
import { pick, t } from '../i18n.js'
import { keyName } from '../people.js'
import { failure } from '../problems.js'

const STATUSES = ['eligible', 'ineligible', 'capped', 'needs-review', 'unfunded']
const FILTERS = ['enterprise', 'project', 'prefecture', 'measure', 'status', 'from', 'to', 'limit']

// The filters live in the page's address (#/decisions?measure=…&status=…): a search can be bookmarked
// or shared, and "back" from a decision finds the same list. Never the key: it is not a filter.
// `limit` (page size, 1–100) is read from the address too, though the form does not offer it.
let filters = {}

/** The measures by id, read in Chinese: the log and the traces name each measure by its Chinese title. */
export const measureTitles = async () => {
  const measures = await cached('/v1/measures', { headers: { 'accept-language': 'zh-CN' } })
  return new Map(measures.map((m) => [m.id, m]))
}

/** A measure's Chinese title, whether the API sends {zh, en} or (asked in Chinese) one string. */
export const titleZh = (measures, id) => {
  const title = measures.get(id)?.title
  return (typeof title === 'string' ? title : title?.zh) ?? id
}

const decidedBy = (item) => {
  if (item.decidedBy !== undefined) return keyName(item.decidedBy)
  // List items without decidedBy: read the decision's summary for it.
  const cell = h('span', {}, '…')
  if (item.decisionId)
    api(`/v1/decisions/${item.decisionId}`).then(
      (d) => cell.replaceWith(keyName(d.decidedBy)),
      () => {
        cell.textContent = '—'
      },
    )
  return cell
}

const outcomesCell = (item, measures) => {
  const shown = item.outcomes.filter((o) => o.status !== 'ineligible' || filters.measure === o.measure)
  if (shown.length === 0) return h('span', { class: 'muted' }, t('log.noneEligible'))
  return h(
    'ul',
    { class: 'outcomes' },
    shown.map((o) =>
      h(
        'li',
        { 'data-measure': o.measure },
        h('span', { class: 'measure', lang: 'zh-CN' }, titleZh(measures, o.measure)),
        ' ',
        status(o.status),
        o.amount !== null ? h('span', { class: 'amount' }, ` ${money(o.amount)}`) : null,
      ),
    ),
  )
}

const rowsOf = (items, measures) =>
  items.map((item) => [
    item.applicationDate,
    h('span', { class: 'mono' }, item.enterpriseCreditCode),
    item.projectId ?? '—',
    outcomesCell(item, measures),
    h('span', { class: 'amount' }, money(item.totalAmount)),
    decidedBy(item),
    item.decisionId
      ? h(
          'a',
          { href: `#/decision/${item.decisionId}`, class: 'open', 'data-decision': item.decisionId },
          t('log.open'),
        )
      : '—',
  ])

const query = (cursor) => {
  const q = new URLSearchParams()
  for (const name of FILTERS) if (filters[name]) q.set(name, filters[name])
  if (cursor) q.set('cursor', cursor)
  return `/v1/applications?${q}`
}

export const decisionsPage = async (session, params) => {
  filters = Object.fromEntries(FILTERS.map((n) => [n, params.get(n) ?? '']).filter(([, v]) => v))
  const measures = await measureTitles()
  const field = (name, input) => h('label', { class: 'field' }, h('span', {}, t(`filter.${name}`)), input)
  const text = (name, attributes = {}) =>
    h('input', { name, value: filters[name] ?? '', autocomplete: 'off', ...attributes })
  const select = (name, options) =>
    h(
      'select',
      { name },
      h('option', { value: '' }, t('filter.any')),
      options.map(([value, label]) => h('option', { value, selected: filters[name] === value }, label)),
    )

  const form = h(
    'form',
    { class: 'filters', id: 'filters' },
    session.role === 'enterprise' ? null : field('enterprise', text('enterprise', { class: 'mono' })),
    field('project', text('project')),
    field('prefecture', text('prefecture')),
    field(
      'measure',
      select(
        'measure',
        [...measures.values()].map((m) => [m.id, pick(m.title)]),
      ),
    ),
    field(
      'status',
      select(
        'status',
        STATUSES.map((s) => [s, t(`status.${s}`)]),
      ),
    ),
    field('from', text('from', { type: 'date' })),
    field('to', text('to', { type: 'date' })),
    h('button', { type: 'submit' }, t('filter.apply')),
  )
  const results = h('div', { id: 'log' })

  const load = async (cursor, into) => {
    try {
      const page = await api(query(cursor))
      if (!cursor && page.items.length === 0) return into.append(h('p', { class: 'muted' }, t('log.none')))
      into.append(
        table(
          [
            t('log.date'),
            t('log.enterprise'),
            t('log.project'),
            t('log.outcomes'),
            t('log.total'),
            t('log.decidedBy'),
            '',
          ],
          rowsOf(page.items, measures),
          { class: 'log' },
        ),
      )
      if (page.nextCursor) {
        const more = h('button', { type: 'button', class: 'more', id: 'more' }, t('more'))
        more.addEventListener('click', () => {
          more.remove()
          load(page.nextCursor, into)
        })
        into.append(more)
      }
    } catch (error) {
      into.append(failure(error))
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const data = new FormData(form)
    const next = new URLSearchParams(
      FILTERS.map((n) => [n, String(data.get(n) ?? filters[n] ?? '').trim()]).filter(([, v]) => v),
    )
    const hash = `#/decisions?${next}`
    // A new address re-renders the page (hashchange); the same search again just reloads the list.
    if (location.hash !== hash) location.hash = hash
    else {
      results.replaceChildren()
      load(null, results)
    }
  })
  await load(null, results)
  return h('div', {}, h('h1', {}, t('log.title')), form, results)
}
