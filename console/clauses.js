// The source clauses (clauses.zh.json, copied exactly from the 2014 Opinions by
// scripts/console-clauses.ts): a trace's clause reference ("§18", "§4, §8–§9") shown with its
// number in the source and its Chinese text.

import { h } from './dom.js'
import { t } from './i18n.js'

let table = null
export const loadClauses = async () => {
  if (!table) {
    const response = await fetch('./clauses.zh.json')
    table = response.ok ? await response.json() : {}
  }
  return table
}

/** "§4, §8–§9" → ['§4', '§8', '§9'] */
export const clauseNumbers = (reference) => {
  const numbers = []
  for (const m of String(reference ?? '').matchAll(/§(\d+)(?:\s*[–-]\s*§?(\d+))?/g)) {
    const from = Number(m[1])
    const to = m[2] ? Number(m[2]) : from
    for (let n = from; n <= to; n++) numbers.push(`§${n}`)
  }
  return numbers
}

/** The clause block: each clause's number, heading and text (collapsed after its first sentence). */
export const clauseBlock = (reference) =>
  h(
    'div',
    { class: 'clauses' },
    clauseNumbers(reference).map((n) => {
      const clause = table?.[n]
      if (!clause) return h('p', { class: 'clause muted' }, `${n} — ${t('decision.noClause')}`)
      return h(
        'details',
        { class: 'clause', 'data-clause': n, lang: 'zh-CN' },
        h(
          'summary',
          {},
          h('span', { class: 'clause-number' }, `${n} ${clause.number}`),
          ' ',
          h('span', { class: 'clause-heading' }, clause.heading),
        ),
        clause.text.map((p) => h('p', { class: 'clause-text' }, p)),
      )
    }),
  )
