// Presentation of the API's values: amounts stay strings ("7200000.00", exact) and are only grouped
// by thousands for reading; no arithmetic on money here.

import { h } from './dom.js'
import { t } from './i18n.js'

export const money = (amount) => {
  if (amount === null || amount === undefined) return '—'
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(String(amount))
  if (!m) return String(amount)
  return `${m[1]}${m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`
}

/** An amount as fen (BigInt), for sizing bars in a chart; null when it is not a decimal string. */
export const fen = (amount) => {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount ?? ''))
  if (!m) return null
  const value = BigInt(m[2]) * 100n + BigInt((m[3] ?? '0').padEnd(2, '0'))
  return m[1] ? -value : value
}

export const status = (s) => h('span', { class: `status status-${s}` }, t(`status.${s}`))

export const shortId = (id) => (typeof id === 'string' ? id.slice(0, 8) : '—')

/** A value from a trace (string, number, boolean, object) as readable text. */
export const value = (v) => {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'object') {
    if ('from' in v && 'to' in v && Object.keys(v).length === 2) return `${v.from ?? '…'} – ${v.to ?? '…'}`
    return JSON.stringify(v)
  }
  return String(v)
}

export const time = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—')
