// Local taxes (上缴地方税收) of a set of tax records within an eligibility window: the machinery the
// tax rewards of §18 and §19 share.
//
// POLICY.md "Local taxes": the local retained share (地方留成部分) of VAT + enterprise income tax +
// business tax; individual income tax counts only for the talent reward (§19). The share is a dated
// parameter (parameters/local-share.ts) applied by the tax period's dates.
//
// POLICY.md §0 "Dates and periods" sets two rules for a record's period:
// (a) a record whose period straddles a date on which the local share of a tax it reports changes
//     (2016-05-01 for VAT and business tax) is rejected, naming the date: tax data are monthly, so
//     the caller can split it exactly. Only records that overlap the window are used, so only they
//     are checked; a tax reported as zero uses no share and is not checked.
// (b) a record straddling the edge of an eligibility window (policy window, startup stage,
//     commissioning) counts pro rata by days: amount × days inside / days in the period, exact.
// A business-tax amount above zero for a period when that tax no longer existed is rejected too.
//
// POLICY.md §0 "A tax period is rewarded once" (ruling of 2026-12-03): the days of each tax a reward
// already paid for (its ledger, src/engine/ledgers.ts) are not counted again: a record is counted pro
// rata by its days not yet rewarded, and the days it newly counts are returned for the measure to
// claim. Two records of one application reporting the same tax for the same day are refused.

import { daysIn, intersect, isIsoDate, type Period, subtractPeriods } from './dates.ts'
import { EngineError } from './errors.ts'
import type { LedgerGrant, RewardedTax } from './ledgers.ts'
import type { MeasureRun } from './measure.ts'
import { Rational, sum } from './money.ts'
import type { Text } from './trace.ts'
import type { TaxRecord } from './types.ts'

export type LocalTaxType = 'vat' | 'enterpriseIncomeTax' | 'businessTax' | 'individualIncomeTax'

/** The taxes that make up 上缴地方税收 (POLICY.md "Local taxes"), in the order they are shown. */
export const LOCAL_TAXES = ['vat', 'enterpriseIncomeTax', 'businessTax'] as const

/** The dated parameter holding each tax's local retained share. */
export const LOCAL_SHARE_PARAMETER: Readonly<Record<LocalTaxType, string>> = {
  vat: 'localShare.vat',
  enterpriseIncomeTax: 'localShare.enterpriseIncomeTax',
  businessTax: 'localShare.businessTax',
  individualIncomeTax: 'localShare.individualIncomeTax',
}

export const TAX_NAMES: Readonly<Record<LocalTaxType, Text>> = {
  vat: { zh: '增值税', en: 'VAT' },
  enterpriseIncomeTax: { zh: '企业所得税', en: 'enterprise income tax' },
  businessTax: { zh: '营业税', en: 'business tax' },
  individualIncomeTax: { zh: '个人所得税', en: 'individual income tax' },
}

const AMOUNT = /^\d+(\.\d{1,2})?$/

/** The calendar year as an inclusive period. */
export const calendarYear = (year: number): Period => {
  const y = String(year).padStart(4, '0')
  return { from: `${y}-01-01`, to: `${y}-12-31` }
}

export const formatPeriod = (p: Period): string => `${p.from}…${p.to}`

/** A date input the tax rewards rely on (commissioning, registration); InvalidInput otherwise. */
export const checkDate = (value: unknown, pointer: string): string => {
  if (typeof value !== 'string' || !isIsoDate(value))
    throw new EngineError('InvalidInput', pointer, `${pointer}: expected a date YYYY-MM-DD`, { value })
  return value
}

/** A year or a rank: a whole number, at least `min`; InvalidInput otherwise. */
export const checkWholeNumber = (value: unknown, pointer: string, min: number): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new EngineError('InvalidInput', pointer, `${pointer}: expected a whole number ≥ ${min}`, { value })
  }
  return value
}

/** A tax amount: yuan, not negative, at most two decimals; anything else is InvalidInput at `pointer`. */
export const parseTaxAmount = (value: unknown, pointer: string): Rational => {
  if (typeof value !== 'string' || !AMOUNT.test(value)) {
    throw new EngineError(
      'InvalidInput',
      pointer,
      `${pointer}: a tax amount is yuan as a decimal string, not negative, with at most 2 decimals (got ${JSON.stringify(value)})`,
      { value },
    )
  }
  return Rational.parse(value)
}

/** Checks every record's dates and amounts; throws InvalidInput naming the field. */
export const checkTaxRecords = (records: readonly TaxRecord[], pointer: string): void => {
  records.forEach((record, i) => {
    const at = `${pointer}/${i}`
    checkDate(record.from, `${at}/from`)
    checkDate(record.to, `${at}/to`)
    if (record.to < record.from) {
      throw new EngineError(
        'InvalidInput',
        `${at}/to`,
        `${at}: the tax period ends (${record.to}) before it begins (${record.from})`,
        { from: record.from, to: record.to },
      )
    }
    for (const tax of LOCAL_TAXES) {
      if (record[tax] !== undefined) parseTaxAmount(record[tax], `${at}/${tax}`)
    }
  })
}

/**
 * The local retained share of `tax` for a whole tax period, read through the run (so it lands in the
 * trace). Throws StraddlesParameterChange (pointer: the record) when the share changes inside the
 * period, and TaxNotInForce (pointer: the amount) when no share is in force then — call it only for
 * an amount above zero.
 */
export const localShareFor = (
  run: MeasureRun,
  tax: LocalTaxType,
  period: Period,
  recordPointer: string,
  amountPointer: string,
): Rational => {
  const name = LOCAL_SHARE_PARAMETER[tax]
  const [date] = run.params.set.changeDates(name, period.from, period.to)
  if (date !== undefined) {
    throw new EngineError(
      'StraddlesParameterChange',
      recordPointer,
      `${recordPointer}: the tax period ${formatPeriod(period)} straddles ${date}, the date the local retained share of ${TAX_NAMES[tax].en} (${name}) changes; split the record at ${date}`,
      { date, parameter: name, from: period.from, to: period.to },
    )
  }
  const read = run.params.read(name, period.from)
  if (read.value === null) {
    throw new EngineError(
      'TaxNotInForce',
      amountPointer,
      `${amountPointer}: ${TAX_NAMES[tax].en} is reported for ${formatPeriod(period)}, but no local retained share of it is in force then (${name} is unset from ${read.from})`,
      { tax, parameter: name, date: read.from, from: period.from, to: period.to },
    )
  }
  return Rational.parse(read.value as string)
}

export interface CountedTax {
  tax: LocalTaxType
  /** the amount reported for the whole period */
  amount: string
  /** the part inside the window (exact; a fraction when the proration does not terminate) */
  counted: string
  share: string
  local: string
  /** days of the window already rewarded by earlier decisions, not counted again */
  alreadyRewarded?: { period: Period; decisionId: string | null }[]
  /** "days counted / days in the period" when earlier rewards took some of them */
  countedDays?: string
}

/** Days of a tax already rewarded, as the measure's ledger holds them. */
export type RewardedDays = (tax: RewardedTax) => readonly (LedgerGrant & { period: Period })[]

export interface CountedRecord {
  record: string
  period: Period
  counted: Period
  /** "days inside / days in the period" */
  days: string
  taxes: CountedTax[]
}

export interface LocalTaxes {
  window: Period
  /** the exact local taxes inside the window */
  total: Rational
  records: CountedRecord[]
  /** the days this computation counts for the first time, per tax: what the reward claims */
  newDays: { tax: RewardedTax; period: Period }[]
  /** days an amount above zero was reported for that earlier decisions already rewarded */
  alreadyRewarded: { tax: RewardedTax; period: Period; decisionId: string | null }[]
}

/**
 * The local taxes (VAT + enterprise income tax + business tax, local retained share) of `records`
 * inside `window`, prorated by days at its edges, with every step in the run's trace. `pointer`
 * locates the records in the request ("/project/taxRecords"); `label` names the window in the trace.
 */
export const localTaxesWithin = (
  run: MeasureRun,
  records: readonly TaxRecord[],
  pointer: string,
  window: Period,
  label: string,
  rewarded?: RewardedDays,
): LocalTaxes => {
  checkTaxRecords(records, pointer)
  if (run.rulings) refuseOverlaps(records, pointer)
  const locals: Rational[] = []
  const counted: CountedRecord[] = []
  const newDays: LocalTaxes['newDays'] = []
  const alreadyRewarded: LocalTaxes['alreadyRewarded'] = []
  records.forEach((record, i) => {
    const at = `${pointer}/${i}`
    const period: Period = { from: record.from, to: record.to }
    const inside = intersect(period, window)
    if (!inside) {
      run.note(`${at} (${formatPeriod(period)}) lies outside ${label} (${formatPeriod(window)}): not counted`)
      return
    }
    const daysInside = daysIn(inside)
    const daysTotal = daysIn(period)
    const taxes: CountedTax[] = []
    for (const tax of LOCAL_TAXES) {
      const text = record[tax]
      if (text === undefined) continue
      const amount = parseTaxAmount(text, `${at}/${tax}`)
      // The days of this tax that earlier decisions rewarded are not counted again.
      const earlier = (rewarded?.(tax) ?? []).flatMap((g) => {
        const overlap = intersect(inside, g.period)
        return overlap ? [{ period: overlap, decisionId: g.decisionId }] : []
      })
      const open = subtractPeriods(
        inside,
        earlier.map((e) => e.period),
      )
      for (const p of open) newDays.push({ tax, period: p })
      if (amount.isZero()) continue
      const daysOpen = open.reduce((n, p) => n + daysIn(p), 0)
      if (earlier.length > 0) {
        for (const e of earlier) alreadyRewarded.push({ tax, ...e })
        run.condition({
          id: `days-not-yet-rewarded:${at}/${tax}`,
          clause: '§0',
          description: {
            zh: `${at}的${TAX_NAMES[tax].zh}所属期间尚未获得奖励的天数`,
            en: `days of ${at} whose ${TAX_NAMES[tax].en} has not been rewarded yet`,
          },
          input: { period: inside, days: daysInside },
          comparison: 'not-in',
          threshold: earlier.map((e) => ({ ...e.period, decision: e.decisionId })),
          holds: daysOpen > 0,
        })
        run.note(
          `${TAX_NAMES[tax].en} of ${at}: ${formatList(earlier.map((e) => formatPeriod(e.period)))} already rewarded by decision ${formatList([...new Set(earlier.map((e) => e.decisionId ?? 'unknown'))])}; ${daysOpen} of ${daysInside} days left`,
        )
        if (daysOpen === 0) continue
      }
      const share = localShareFor(run, tax, period, at, `${at}/${tax}`)
      const part =
        daysOpen === daysTotal
          ? amount
          : run.step(
              earlier.length > 0
                ? `${TAX_NAMES[tax].en} of ${at} for its days not yet rewarded (${formatList(open.map(formatPeriod))}), pro rata by days`
                : `${TAX_NAMES[tax].en} of ${at} inside ${label} (${formatPeriod(inside)}), pro rata by days`,
              `${amount.toYuan()} × ${daysOpen} / ${daysTotal}`,
              amount.times(Rational.of(BigInt(daysOpen), BigInt(daysTotal))),
            )
      const local = run.step(
        `local retained ${TAX_NAMES[tax].en} of ${at} (${formatPeriod(inside)})`,
        `${share} × ${part.toYuan()}`,
        share.times(part),
      )
      locals.push(local)
      taxes.push({
        tax,
        amount: amount.toYuan(),
        counted: part.toYuan(),
        share: share.toString(),
        local: local.toYuan(),
        ...(earlier.length > 0 ? { alreadyRewarded: earlier, countedDays: `${daysOpen}/${daysTotal}` } : {}),
      })
    }
    counted.push({ record: at, period, counted: inside, days: `${daysInside}/${daysTotal}`, taxes })
  })
  const total = run.step(
    `local taxes (VAT + enterprise income tax + business tax) inside ${label} (${formatPeriod(window)})`,
    locals.length === 0 ? '0' : locals.map((x) => x.toYuan()).join(' + '),
    sum(locals),
  )
  return { window, total, records: counted, newDays, alreadyRewarded }
}

const formatList = (items: readonly string[]): string => items.join(', ')

/**
 * Two records of one application that report the same tax for the same day would count that day
 * twice: refused, naming both records (POLICY.md §0, ruling of 2026-12-03).
 */
const refuseOverlaps = (records: readonly TaxRecord[], pointer: string): void => {
  records.forEach((record, i) => {
    for (let j = 0; j < i; j++) {
      const other = records[j]!
      const overlap = intersect(record, other)
      if (!overlap) continue
      const tax = LOCAL_TAXES.find((t) => record[t] !== undefined && other[t] !== undefined)
      if (tax === undefined) continue
      throw new EngineError(
        'InvalidInput',
        `${pointer}/${i}`,
        `${pointer}/${i}: reports ${TAX_NAMES[tax].en} for ${formatPeriod(overlap)}, which ${pointer}/${j} reports too; a tax day is counted once`,
        { tax, from: overlap.from, to: overlap.to, other: `${pointer}/${j}` },
      )
    }
  })
}

/** The parts of `window` that no record's period covers, in date order. */
export const uncoveredPeriods = (records: readonly TaxRecord[], window: Period): Period[] =>
  subtractPeriods(
    window,
    records.map((r) => ({ from: r.from, to: r.to })),
  )
