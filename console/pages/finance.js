// Finance: grant totals by prefecture, measure or year (GET /v1/reports/grants) as a table and a bar
// chart, exports (the same route with format=csv|xlsx), and budget use per measure (GET
// /v1/budgets?year=). Everything shown is what the API answers; nothing is recomputed here. A route
// the service does not have yet answers 404, and the page says so.

import { api, download } from '../api.js'
import { barChart } from '../chart.js'
import { h, saveBlob, table } from '../dom.js'
import { money } from '../format.js'
import { language, pick, t } from '../i18n.js'
import { failure } from '../problems.js'
import { measureTitles, titleZh } from './decisions.js'

const GROUPS = ['prefecture', 'measure', 'year']
const MONEY = /^-?\d+\.\d{2}$/
const COLUMN_NAMES = {
  zh: {
    count: '件数',
    amountDue: '应付金额',
    amountPaid: '已付金额',
    amountUnfunded: '未获资金金额',
    amount: '预算金额',
    drawn: '已使用',
    remaining: '剩余',
    unfundedCount: '待资金件数',
    unfundedAmount: '待资金金额',
    // A top-up's funding still in progress (GET /v1/budgets `funding`): the job funds the rest.
    inProgress: '追加拨付进行中',
    toFund: '待拨付件数',
    prefecture: '州市',
    measure: '措施',
    year: '年度',
  },
  en: {},
}
const columnName = (name, lang) => COLUMN_NAMES[lang]?.[name] ?? name

/** Rows of a report answer, whatever it names them; one level of nested objects flattened. */
const rowsOf = (answer) => {
  const rows = Array.isArray(answer)
    ? answer
    : (answer.groups ??
      answer.rows ??
      answer.items ??
      answer.budgets ??
      Object.values(answer).find(Array.isArray) ??
      [])
  return rows.map((row) => {
    const flat = {}
    for (const [k, v] of Object.entries(row)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(flat, v)
      else flat[k] = v
    }
    return flat
  })
}

const cell = (name, v, measures) => {
  if (name === 'measure' && typeof v === 'string') return h('span', { lang: 'zh-CN' }, titleZh(measures, v))
  if (typeof v === 'string' && MONEY.test(v)) return h('span', { class: 'amount' }, money(v))
  if (v && typeof v === 'object') return pick(v)
  return v === null || v === undefined ? '—' : String(v)
}

const genericTable = (rows, totals, measures, lang, attributes) => {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const body = rows.map((r) => columns.map((c) => cell(c, r[c], measures)))
  if (totals && typeof totals === 'object')
    body.push(
      columns.map((c, i) => (i === 0 ? h('strong', {}, t('finance.totals')) : cell(c, totals[c], measures))),
    )
  return table(
    columns.map((c) => columnName(c, lang)),
    body,
    attributes,
  )
}

export const financePage = async () => {
  const measures = await measureTitles()
  const lang = language()
  const groupBy = h(
    'select',
    { name: 'groupBy', id: 'group-by' },
    GROUPS.map((g) => h('option', { value: g }, t(`finance.by.${g}`))),
  )
  const from = h('input', { type: 'date', name: 'from' })
  const to = h('input', { type: 'date', name: 'to' })
  const totals = h('div', { id: 'totals' })
  const exports = h('div', { class: 'row', id: 'exports' })

  const query = (format) => {
    const q = new URLSearchParams({ groupBy: groupBy.value })
    if (from.value) q.set('from', from.value)
    if (to.value) q.set('to', to.value)
    if (format) q.set('format', format)
    return `/v1/reports/grants?${q}`
  }

  const showTotals = async () => {
    totals.replaceChildren(h('p', { class: 'loading' }, t('loading')))
    try {
      const answer = await api(query())
      const rows = rowsOf(answer)
      if (rows.length === 0) return totals.replaceChildren(h('p', { class: 'muted' }, t('finance.none')))
      const key = groupBy.value
      const amountColumn = ['amountPaid', 'amountDue', 'amount'].find((c) =>
        rows.some((r) => MONEY.test(r[c] ?? '')),
      )
      totals.replaceChildren(
        genericTable(rows, answer.totals, measures, lang, { class: 'totals' }),
        ...(amountColumn
          ? [
              h('h3', {}, `${t('finance.chart')} · ${columnName(amountColumn, lang)}`),
              barChart(
                rows.map((r) => ({
                  label: key === 'measure' ? titleZh(measures, r.measure) : String(r[key] ?? '—'),
                  amount: r[amountColumn],
                })),
                `${t('finance.title')} · ${t(`finance.by.${key}`)}`,
              ),
            ]
          : []),
      )
    } catch (error) {
      totals.replaceChildren(failure(error, '/v1/reports/grants'))
    }
  }

  for (const format of ['csv', 'xlsx']) {
    const button = h(
      'button',
      { type: 'button', id: `export-${format}`, class: 'secondary' },
      `${t('finance.export')} ${format.toUpperCase()}`,
    )
    button.addEventListener('click', async () => {
      try {
        const { blob, filename } = await download(query(format), `grants-by-${groupBy.value}.${format}`)
        saveBlob(blob, filename)
      } catch (error) {
        exports.append(failure(error, '/v1/reports/grants'))
      }
    })
    exports.append(button)
  }

  const form = h(
    'form',
    { class: 'filters', id: 'totals-form' },
    h('label', { class: 'field' }, h('span', {}, t('finance.groupBy')), groupBy),
    h('label', { class: 'field' }, h('span', {}, t('finance.from')), from),
    h('label', { class: 'field' }, h('span', {}, t('finance.to')), to),
    h('button', { type: 'submit' }, t('finance.show')),
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    showTotals()
  })

  const year = h('input', {
    type: 'number',
    name: 'year',
    id: 'budget-year',
    min: 2014,
    max: 2100,
    value: 2015,
  })
  const budgets = h('div', { id: 'budgets' })
  const showBudgets = async () => {
    try {
      const answer = await api(`/v1/budgets?year=${encodeURIComponent(year.value)}`)
      const rows = rowsOf(answer)
      budgets.replaceChildren(
        rows.length
          ? genericTable(rows, null, measures, lang, { class: 'budgets' })
          : h('p', { class: 'muted' }, t('finance.none')),
      )
    } catch (error) {
      budgets.replaceChildren(failure(error, '/v1/budgets'))
    }
  }
  const budgetForm = h(
    'form',
    { class: 'filters', id: 'budget-form' },
    h('label', { class: 'field' }, h('span', {}, t('finance.year')), year),
    h('button', { type: 'submit' }, t('finance.show')),
  )
  budgetForm.addEventListener('submit', (event) => {
    event.preventDefault()
    showBudgets()
  })

  await Promise.all([showTotals(), showBudgets()])
  return h(
    'div',
    {},
    h('h1', {}, t('finance.title')),
    h('section', { class: 'card' }, form, exports, totals),
    h('section', { class: 'card' }, h('h2', {}, t('finance.budgets')), budgetForm, budgets),
  )
}
