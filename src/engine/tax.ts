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

import { daysIn, type IsoDate, intersect, isIsoDate, type Period, subtractPeriods } from './dates.ts'
import { EngineError } from './errors.ts'
import {
  defineCondition,
  defineNote,
  defineStep,
  type Exact,
  exact,
  type Presentation,
  type RenderContext,
  say,
  type TraceFacts,
} from './facts.ts'
import type { LedgerGrant, RewardedTax } from './ledgers.ts'
import type { MeasureRun } from './measure.ts'
import { Rational, ZERO } from './money.ts'
import { decimalOf } from './parameters/parameter-set.ts'
import type { Text, TraceStep } from './trace.ts'
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
const isAmount = (value: unknown): boolean => typeof value === 'string' && AMOUNT.test(value)

/** The calendar year as an inclusive period. */
export const calendarYear = (year: number): Period => {
  const y = String(year).padStart(4, '0')
  return { from: `${y}-01-01`, to: `${y}-12-31` }
}

export const formatPeriod = (p: Period): string => `${p.from}…${p.to}`

/** A date input the tax rewards rely on (commissioning, registration); InvalidInput otherwise. */
export const checkDate = (value: unknown, pointer: string): string => {
  if (typeof value !== 'string' || !isIsoDate(value))
    throw new EngineError(
      'InvalidInput',
      pointer,
      { zh: `${pointer}：应为日期 YYYY-MM-DD`, en: `${pointer}: expected a date YYYY-MM-DD` },
      { value },
    )
  return value
}

/** A year or a rank: a whole number, at least `min`; InvalidInput otherwise. */
export const checkWholeNumber = (value: unknown, pointer: string, min: number): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new EngineError(
      'InvalidInput',
      pointer,
      { zh: `${pointer}：应为不小于 ${min} 的整数`, en: `${pointer}: expected a whole number ≥ ${min}` },
      { value },
    )
  }
  return value
}

/** A tax amount: yuan, not negative, at most two decimals; anything else is InvalidInput at `pointer`. */
export const parseTaxAmount = (value: unknown, pointer: string): Rational => {
  if (typeof value !== 'string' || !AMOUNT.test(value)) {
    throw new EngineError(
      'InvalidInput',
      pointer,
      {
        zh: `${pointer}：税额应为以元为单位的非负十进制字符串，最多两位小数（收到 ${JSON.stringify(value)}）`,
        en: `${pointer}: a tax amount is yuan as a decimal string, not negative, with at most 2 decimals (got ${JSON.stringify(value)})`,
      },
      { value },
    )
  }
  return Rational.parse(value)
}

/** Checks every record's dates and amounts; throws InvalidInput naming the field. */
export const checkTaxRecords = (records: readonly TaxRecord[], pointer: string): void => {
  // plain loops, no callback per record or per tax: every tax reward checks its records again
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    // the common case (valid, as validateApplication left it) builds no pointer
    const valid =
      typeof record.from === 'string' &&
      typeof record.to === 'string' &&
      isIsoDate(record.from) &&
      isIsoDate(record.to) &&
      record.from <= record.to &&
      (record.vat === undefined || isAmount(record.vat)) &&
      (record.enterpriseIncomeTax === undefined || isAmount(record.enterpriseIncomeTax)) &&
      (record.businessTax === undefined || isAmount(record.businessTax))
    if (valid) continue
    const at = `${pointer}/${i}`
    checkDate(record.from, `${at}/from`)
    checkDate(record.to, `${at}/to`)
    if (record.to < record.from) {
      throw new EngineError(
        'InvalidInput',
        `${at}/to`,
        {
          zh: `${at}：纳税期间的结束日（${record.to}）早于开始日（${record.from}）`,
          en: `${at}: the tax period ends (${record.to}) before it begins (${record.from})`,
        },
        { from: record.from, to: record.to },
      )
    }
    for (const tax of LOCAL_TAXES) {
      if (record[tax] !== undefined) parseTaxAmount(record[tax], `${at}/${tax}`)
    }
  }
}

/**
 * checkTaxRecords, unless `records` are the application's own and the run's decision validated it:
 * validateApplication checks the same (real dates, from ≤ to, amounts as AMOUNT), so they cannot fail
 * here. Each tax reward checks its records again, up to five times per decision (~5 % of a
 * 12-measure decision); records from anywhere else (a test's, a caller's) are checked as before.
 */
export const checkRecordsOf = (run: MeasureRun, records: readonly TaxRecord[], pointer: string): void => {
  if (run.validated && isOwnRecords(run, records)) return
  checkTaxRecords(records, pointer)
}

const isOwnRecords = (run: MeasureRun, records: readonly TaxRecord[]): boolean =>
  records === run.application.enterprise.taxRecords || records === run.application.project?.taxRecords

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
  /**
   * the amount's pointer; by default the record's member for the tax, `${recordPointer}/${tax}`,
   * built only for an error (no string, nor a closure to build it, per tax counted)
   */
  amountPointer?: string,
): Rational => {
  const name = LOCAL_SHARE_PARAMETER[tax]
  const [date] = run.params.set.changeDates(name, period.from, period.to)
  if (date !== undefined) {
    throw new EngineError(
      'StraddlesParameterChange',
      recordPointer,
      {
        zh: `${recordPointer}：纳税期间${formatPeriod(period)}跨越了${date}，即${TAX_NAMES[tax].zh}地方留成比例（${name}）变更之日；请在${date}处拆分该记录`,
        en: `${recordPointer}: the tax period ${formatPeriod(period)} straddles ${date}, the date the local retained share of ${TAX_NAMES[tax].en} (${name}) changes; split the record at ${date}`,
      },
      { date, parameter: name, from: period.from, to: period.to },
    )
  }
  const read = run.params.read(name, period.from)
  if (read.value === null) {
    const pointer = amountPointer ?? `${recordPointer}/${tax}`
    throw new EngineError(
      'TaxNotInForce',
      pointer,
      {
        zh: `${pointer}：申报了${formatPeriod(period)}的${TAX_NAMES[tax].zh}，但该期间没有生效的地方留成比例（${name}自${read.from}起无值）`,
        en: `${pointer}: ${TAX_NAMES[tax].en} is reported for ${formatPeriod(period)}, but no local retained share of it is in force then (${name} is unset from ${read.from})`,
      },
      { tax, parameter: name, date: read.from, from: period.from, to: period.to },
    )
  }
  return decimalOf(read)
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

/**
 * One tax counted, as a fact: [tax, amount, counted, share, local], and when earlier decisions
 * rewarded some of its days [..., days counted, the earlier grants, the days left].
 */
export type CountedTaxFact =
  | [tax: LocalTaxType, amount: Exact, counted: Exact, share: Exact, local: Exact]
  | [
      tax: LocalTaxType,
      amount: Exact,
      counted: Exact,
      share: Exact,
      local: Exact,
      daysOpen: number,
      earlier: { period: Period; decisionId: string | null }[],
      open: Period[],
    ]

/**
 * A record counted, as a fact: [pointer, from, to, counted from, counted to, days inside, days in
 * the period, taxes]. The outcome's details.records hold these; its steps refer to them, so each
 * value is recorded once and shown twice (in the details and in the arithmetic).
 */
export type CountedRecordFact = [
  record: string,
  from: IsoDate,
  to: IsoDate,
  countedFrom: IsoDate,
  countedTo: IsoDate,
  daysInside: number,
  daysTotal: number,
  taxes: CountedTaxFact[],
]

/** A counted record's fact in words (the details.records of the tax rewards). */
export const renderCountedRecord = (f: CountedRecordFact, show: Presentation): CountedRecord => ({
  record: f[0],
  period: { from: f[1], to: f[2] },
  counted: { from: f[3], to: f[4] },
  days: `${f[5]}/${f[6]}`,
  taxes: f[7].map((t) => ({
    tax: t[0],
    amount: show.yuan(exact(t[1])),
    counted: show.yuan(exact(t[2])),
    share: show.number(exact(t[3])),
    local: show.yuan(exact(t[4])),
    ...(t.length > 5 ? { alreadyRewarded: t[6], countedDays: `${t[5]}/${f[6]}` } : {}),
  })),
})

/**
 * What the tax rewards' details hold for their records: a reference to the records of the trace's
 * facts (each record is recorded once; the details and the steps both show it).
 */
export const TAX_RECORDS = { $ref: '#/trace/r' } as const

/** Measure.renderDetails of the tax rewards: details.records from the trace's records. */
export const renderTaxDetails = (
  details: Record<string, unknown>,
  trace: TraceFacts,
  ctx: RenderContext,
): Record<string, unknown> =>
  details.records === undefined
    ? details
    : {
        ...details,
        records: ((trace.r ?? []) as CountedRecordFact[]).map((f) => renderCountedRecord(f, ctx.show)),
      }

export interface LocalTaxes {
  window: Period
  /** the exact local taxes inside the window */
  total: Rational
  /** the records counted (inside the window), in words */
  readonly records: CountedRecord[]
  /** the days this computation counts for the first time, per tax: what the reward claims */
  newDays: { tax: RewardedTax; period: Period }[]
  /** days an amount above zero was reported for that earlier decisions already rewarded */
  alreadyRewarded: { tax: RewardedTax; period: Period; decisionId: string | null }[]
}

/**
 * A window's label as the facts hold it (English, or a year) in Chinese: the labels the tax
 * rewards give localTaxesWithin.
 */
const WINDOW_LABELS_ZH: Readonly<Record<string, string>> = {
  'the reward window': '奖励期间',
  'the startup stage': '初创期',
}
const labelZh = (label: unknown): string =>
  WINDOW_LABELS_ZH[label as string] ?? (/^\d{4}$/.test(String(label)) ? `${label}年度` : String(label))
const listZh = (items: readonly string[]): string => items.join('、')

const recordOf = (ctx: RenderContext, index: unknown): CountedRecordFact =>
  (ctx.facts!.r as CountedRecordFact[])[index as number]!

/** args: [record index, tax index, window label]: the proration (when not every day counts) and the local share. */
const TAX_RECORD_STEPS = defineStep('', {
  key: 'tax-record',
  // never shown: a record's steps are those `expand` gives
  description: { zh: '纳税记录', en: 'tax record' },
  expression: () => '',
  expand: ([r, t, label], ctx) => {
    const record = recordOf(ctx, r)
    const [at, , , cfrom, cto, daysInside, daysTotal] = record
    const fact = record[7][t as number]!
    const [tax, amount, counted, share, local] = fact
    const daysOpen = fact.length > 5 ? fact[5] : daysInside
    const { show } = ctx
    const inside = formatPeriod({ from: cfrom, to: cto })
    const steps: TraceStep[] = []
    if (daysOpen !== daysTotal) {
      steps.push({
        description: say(
          ctx,
          fact.length > 5
            ? {
                zh: `${at}的${TAX_NAMES[tax].zh}中尚未奖励的天数部分（${listZh((fact[7] as Period[]).map(formatPeriod))}），按天数折算`,
                en: `${TAX_NAMES[tax].en} of ${at} for its days not yet rewarded (${formatList((fact[7] as Period[]).map(formatPeriod))}), pro rata by days`,
              }
            : {
                zh: `${at}的${TAX_NAMES[tax].zh}在${labelZh(label)}（${inside}）内的部分，按天数折算`,
                en: `${TAX_NAMES[tax].en} of ${at} inside ${label} (${inside}), pro rata by days`,
              },
        ),
        expression: `${show.yuan(exact(amount))} × ${daysOpen} / ${daysTotal}`,
        result: show.yuan(exact(counted)),
      })
    }
    steps.push({
      description: say(ctx, {
        zh: `${at}的${TAX_NAMES[tax].zh}地方留成部分（${inside}）`,
        en: `local retained ${TAX_NAMES[tax].en} of ${at} (${inside})`,
      }),
      expression: `${show.number(exact(share))} × ${show.yuan(exact(counted))}`,
      result: show.yuan(exact(local)),
    })
    return steps
  },
})

/**
 * args: [window label, window from, window to, first record, records] — the last two since records
 * stopped holding one "tax-record" step per tax counted: the steps of the records this total counts
 * (trace.r[first … first + records − 1], each of their taxes in order) are shown before it, from the
 * records themselves. A total with three args (recorded before) follows its own tax-record steps.
 */
const LOCAL_TAXES_TOTAL = defineStep('', {
  key: 'local-taxes',
  preceding: ([label, , , first, count], ctx) => {
    if (first === undefined) return []
    const steps: TraceStep[] = []
    for (let r = first as number; r < (first as number) + (count as number); r++) {
      const taxes = recordOf(ctx, r)[7]
      for (let t = 0; t < taxes.length; t++) steps.push(...TAX_RECORD_STEPS.expand!([r, t, label], ctx))
    }
    return steps
  },
  description: ([label, from, to]) => ({
    zh: `${labelZh(label)}（${from}…${to}）内上缴的地方留成税收（增值税 + 企业所得税 + 营业税）`,
    en: `local taxes (VAT + enterprise income tax + business tax) inside ${label} (${from}…${to})`,
  }),
  expression: (locals, _, { show }) =>
    locals.length === 0 ? '0' : locals.map((x) => show.yuan(x)).join(' + '),
})

/** args: [pointer, from, to, label, window from, window to] */
const OUTSIDE_NOTE = defineNote('', {
  key: 'tax-record-outside',
  text: ([at, from, to, label, wfrom, wto]) => ({
    zh: `${at}（${from}…${to}）不在${labelZh(label)}（${wfrom}…${wto}）内：不计入`,
    en: `${at} (${from}…${to}) lies outside ${label} (${wfrom}…${wto}): not counted`,
  }),
})

/** args: [tax, pointer, periods already rewarded, decisions, days left, days inside] */
const ALREADY_REWARDED_NOTE = defineNote('', {
  key: 'tax-days-already-rewarded',
  text: ([tax, at, periods, decisions, daysOpen, daysInside]) => ({
    zh: `${at}的${TAX_NAMES[tax as LocalTaxType].zh}：${listZh((periods as Period[]).map(formatPeriod))}已由决定${listZh(decisions as string[])}奖励；期内${daysInside}天中尚有${daysOpen}天未奖励`,
    en: `${TAX_NAMES[tax as LocalTaxType].en} of ${at}: ${formatList((periods as Period[]).map(formatPeriod))} already rewarded by decision ${formatList(decisions as string[])}; ${daysOpen} of ${daysInside} days left`,
  }),
})

/** args: [pointer, tax] */
const NOT_YET_REWARDED = defineCondition('', {
  key: 'days-not-yet-rewarded',
  id: ([at, tax]) => `days-not-yet-rewarded:${at}/${tax}`,
  clause: '§0',
  description: ([at, tax]) => ({
    zh: `${at}的${TAX_NAMES[tax as LocalTaxType].zh}所属期间尚未获得奖励的天数`,
    en: `days of ${at} whose ${TAX_NAMES[tax as LocalTaxType].en} has not been rewarded yet`,
  }),
  comparison: 'not-in',
})

/**
 * The local taxes (VAT + enterprise income tax + business tax, local retained share) of `records`
 * inside `window`, prorated by days at its edges, with every step in the run's trace. `pointer`
 * locates the records in the request ("/project/taxRecords"); `label` names the window in the trace.
 * The records counted are appended to `run.taxRecords` (the measure's details.records).
 */
export const localTaxesWithin = (
  run: MeasureRun,
  records: readonly TaxRecord[],
  pointer: string,
  window: Period,
  label: string,
  rewarded?: RewardedDays,
): LocalTaxes => {
  checkRecordsOf(run, records, pointer)
  if (run.rulings) refuseOverlaps(records, pointer)
  const locals: Rational[] = []
  const counted: CountedRecordFact[] = []
  const newDays: LocalTaxes['newDays'] = []
  const alreadyRewarded: LocalTaxes['alreadyRewarded'] = []
  // Plain loops, and nothing allocated for what the common case (no earlier reward) does not use:
  // the tax machinery is ~17 % of a 12-measure decision.
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    const at = `${pointer}/${i}`
    // the record is the period (its from and to): no copy of it
    const period: Period = record
    const inside = intersect(period, window)
    if (!inside) {
      run.note(OUTSIDE_NOTE, [at, period.from, period.to, label, window.from, window.to])
      continue
    }
    const daysInside = daysIn(inside)
    const daysTotal = daysIn(period)
    const taxes: CountedTaxFact[] = []
    for (let t = 0; t < LOCAL_TAXES.length; t++) {
      const tax = LOCAL_TAXES[t]!
      const text = record[tax]
      if (text === undefined) continue
      const amount = isAmount(text) ? Rational.parse(text) : parseTaxAmount(text, `${at}/${tax}`)
      // The days of this tax that earlier decisions rewarded are not counted again.
      const grants = rewarded?.(tax)
      let earlier: { period: Period; decisionId: string | null }[] = NONE_EARLIER
      if (grants) {
        for (const g of grants) {
          const overlap = intersect(inside, g.period)
          if (!overlap) continue
          if (earlier === NONE_EARLIER) earlier = []
          earlier.push({ period: overlap, decisionId: g.decisionId })
        }
      }
      let open: Period[] | undefined
      if (earlier.length === 0) newDays.push({ tax, period: inside })
      else {
        open = subtractPeriods(
          inside,
          earlier.map((e) => e.period),
        )
        for (const p of open) newDays.push({ tax, period: p })
      }
      if (amount.isZero()) continue
      const daysOpen = open === undefined ? daysInside : open.reduce((n, p) => n + daysIn(p), 0)
      if (open !== undefined) {
        for (const e of earlier) alreadyRewarded.push({ tax, ...e })
        run.test(
          NOT_YET_REWARDED,
          { period: inside, days: daysInside },
          earlier.map((e) => ({ ...e.period, decision: e.decisionId })),
          daysOpen > 0,
          [at, tax],
        )
        run.note(ALREADY_REWARDED_NOTE, [
          tax,
          at,
          earlier.map((e) => e.period),
          [...new Set(earlier.map((e) => e.decisionId ?? 'unknown'))],
          daysOpen,
          daysInside,
        ])
        if (daysOpen === 0) continue
      }
      const share = localShareFor(run, tax, period, at)
      const part = daysOpen === daysTotal ? amount : amount.times(Rational.ofSmall(daysOpen, daysTotal))
      const local = share.times(part)
      locals.push(local)
      taxes.push(
        open !== undefined
          ? [
              tax,
              amount.toCompact(),
              part.toCompact(),
              share.toCompact(),
              local.toCompact(),
              daysOpen,
              earlier,
              open,
            ]
          : [tax, amount.toCompact(), part.toCompact(), share.toCompact(), local.toCompact()],
      )
    }
    counted.push([at, period.from, period.to, inside.from, inside.to, daysInside, daysTotal, taxes])
  }
  const all = run.taxRecords
  const first = all.length
  for (let k = 0; k < counted.length; k++) all.push(counted[k]!)
  let total = locals[0] ?? ZERO
  for (let k = 1; k < locals.length; k++) total = total.plus(locals[k]!)
  run.step(LOCAL_TAXES_TOTAL, total, locals, [label, window.from, window.to, first, counted.length])
  return new CountedTaxes(window, total, counted, run.show, newDays, alreadyRewarded)
}

/**
 * LocalTaxes with its records rendered only when read (the measures never read them; tests do). A
 * class, not an object literal with a getter: a literal's accessor is made per object, each time.
 */
class CountedTaxes implements LocalTaxes {
  constructor(
    readonly window: Period,
    readonly total: Rational,
    private readonly counted: readonly CountedRecordFact[],
    private readonly show: Presentation,
    readonly newDays: LocalTaxes['newDays'],
    readonly alreadyRewarded: LocalTaxes['alreadyRewarded'],
  ) {}

  get records(): CountedRecord[] {
    return this.counted.map((f) => renderCountedRecord(f, this.show))
  }
}

const formatList = (items: readonly string[]): string => items.join(', ')

/**
 * Two records of one application that report the same tax for the same day would count that day
 * twice: refused, naming both records (POLICY.md §0, ruling of 2026-12-03).
 */
const refuseOverlaps = (records: readonly TaxRecord[], pointer: string): void => {
  // plain loops, and the overlap made only when two records share a day (every tax reward checks)
  for (let i = 1; i < records.length; i++) {
    const record = records[i]!
    for (let j = 0; j < i; j++) {
      const other = records[j]!
      if (record.from > other.to || other.from > record.to) continue
      const overlap = intersect(record, other)
      if (!overlap) continue
      const tax = LOCAL_TAXES.find((t) => record[t] !== undefined && other[t] !== undefined)
      if (tax === undefined) continue
      throw new EngineError(
        'InvalidInput',
        `${pointer}/${i}`,
        {
          zh: `${pointer}/${i}：申报了${formatPeriod(overlap)}的${TAX_NAMES[tax].zh}，${pointer}/${j}也申报了该期间；每个纳税日只计一次`,
          en: `${pointer}/${i}: reports ${TAX_NAMES[tax].en} for ${formatPeriod(overlap)}, which ${pointer}/${j} reports too; a tax day is counted once`,
        },
        { tax, from: overlap.from, to: overlap.to, other: `${pointer}/${j}` },
      )
    }
  }
}

/** The `earlier` of a tax no earlier decision rewarded: shared, never added to. */
const NONE_EARLIER: { period: Period; decisionId: string | null }[] = []

/** The parts of `window` that no record's period covers, in date order. */
export const uncoveredPeriods = (records: readonly TaxRecord[], window: Period): Period[] =>
  subtractPeriods(
    window,
    records.map((r) => ({ from: r.from, to: r.to })),
  )
