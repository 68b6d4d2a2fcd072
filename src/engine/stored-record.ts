// The compact record as a decision stores it, format 3 (issue #10: a 12-measure record ≤ 8 KB).
//
// decideCompact (src/engine/decide.ts) returns the record in its working form (format 1: what the
// renderer reads). storedRecord writes the same facts in fewer bytes; recordOf reads them back to
// the working form exactly (a deep-equal object, so every rendering — the auditor's view, the
// summary, the replay — is the same bytes as from the record itself). What changes, and nothing else:
// - fact keys (conditions, steps, notes) and parameter names are short codes, their index in the
//   frozen lists of src/engine/record-codes.ts (a key or name without a code stays itself);
// - parametersUsed is written in runs of one `from` date: a date string starts a run, and each
//   reference of the ruleset in it is its name's code (a table's: [code, rows read]); copies (an
//   override, a replay's pinned value) are the same tuples as before. Traces index the entries as
//   before (dates are not entries);
// - a condition that held with nothing else recorded is its bare code; a note without arguments too;
// - an outcome's members are named by their initials (m, s, a, r, d, l, t); once and cumulative
//   ledger claims are arrays of their members, in order;
// - empty members are left out: an outcome's null amount, empty reasons, details and ledger; a
//   gate's empty reasons; a trace's empty conditions, steps and notes; no overridden parameters.
// - (format 3) an outcome's reason that is exactly the missing-input reason of its details.missing
//   (src/engine/measure.ts missingInputReason: its code, both texts and its field) is its bare code,
//   "MISSING_INPUT": most outcomes of an application are missing inputs, and their texts were about
//   a sixth of the stored record (183 B of 1 394 B compressed, bench/storage.ts). Any other reason,
//   a missing-input one worded otherwise included, is kept whole.
// The record says `format: 3` (`format: 2` for those stored before that last point, which never hold
// a bare code and read the same way). A record without it is format 1 (decisions stored between
// migrations 2026-12-03T1545 and T1700) and is read as it is. Pure.

import type { CompactEvaluation } from './decide.ts'
import type { ConditionFact, NoteFact, StepFact, TraceFacts } from './facts.ts'
import type { CompactGate } from './gate.ts'
import type { LedgerSubject, RecordedLedgerClaim } from './ledgers.ts'
import { type CompactOutcome, missingInputReason } from './measure.ts'
import type { ParameterEntry, ParameterRef, ParameterTuple } from './parameters/parameter-set.ts'
import { FACT_KEYS, MEASURE_IDS, PARAMETER_NAMES } from './record-codes.ts'
import type { MeasureId } from './types.ts'

/** The ruleset id a stored record leaves out (written out when a record has another). Frozen. */
const RULESET_ID = 'yunnan-2014-industrial-transformation'

const FACT_CODES = new Map(FACT_KEYS.map((k, i) => [k, i]))
const PARAMETER_CODES = new Map(PARAMETER_NAMES.map((k, i) => [k, i]))
const MEASURE_CODES = new Map(MEASURE_IDS.map((k, i) => [k, i]))

/** A key or name as stored: its code, or itself when it has none. */
type Coded = number | string

const factCode = (key: string): Coded => FACT_CODES.get(key) ?? key
const factKey = (c: Coded): string => (typeof c === 'number' ? codeAt(FACT_KEYS, c) : c)
const parameterCode = (name: string): Coded => PARAMETER_CODES.get(name) ?? name
const parameterName = (c: Coded): string => (typeof c === 'number' ? codeAt(PARAMETER_NAMES, c) : c)
const measureCode = (id: string): Coded => MEASURE_CODES.get(id) ?? id
const measureId = (c: Coded): MeasureId => (typeof c === 'number' ? codeAt(MEASURE_IDS, c) : c) as MeasureId

const codeAt = (list: readonly string[], c: number): string => {
  const v = list[c]
  if (v === undefined) throw new Error(`stored record: unknown code ${c}`)
  return v
}

type StoredCondition = Coded | [Coded, boolean, ...unknown[]]
type StoredStep = [Coded, ...unknown[]]
type StoredNote = Coded | [Coded, readonly unknown[]]

interface StoredTrace {
  p: number[]
  c?: StoredCondition[]
  s?: StoredStep[]
  n?: StoredNote[]
  r?: unknown[]
}

/** An entry of the stored parametersUsed: a run's date, a reference (code, or [code, rows]), a copy. */
type StoredParameter = string | number | [Coded] | [Coded, string[]] | ParameterTuple

interface StoredGate {
  gate: CompactGate['gate']
  passed: boolean
  reasons?: CompactGate['reasons']
  trace: StoredTrace
}

/** An outcome: measure, status, amount, reasons, details, ledger claims, trace (by their initials). */
interface StoredOutcome {
  /** the measure's code (or id) */
  m: Coded
  /** left out when eligible */
  s?: CompactOutcome['status']
  a?: string
  /** a missing-input reason of `d.missing` as its bare code (format 3) */
  r?: (CompactOutcome['reasons'][number] | typeof MISSING_INPUT)[]
  d?: CompactOutcome['details']
  l?: StoredClaim[]
  t: StoredTrace
}

/**
 * A ledger claim: a once or cumulative claim as an array in the order of its members
 * (["once", subject, item, amount], ["cumulative", subject, amount, cap]); tax-days claims are
 * already packed (src/engine/ledgers.ts packClaim); anything else as it is.
 */
type StoredClaim =
  | RecordedLedgerClaim
  | unknown[]
  | ['once', LedgerSubject, string, string | null]
  | ['cumulative', LedgerSubject, string, string]

const ONCE = 'kind,subject,item,amount'
const CUMULATIVE = 'kind,subject,amount,cap'

/** A subject whose creditCode is the record's (`cc`): 0 in its place. */
const storeSubject = (subject: LedgerSubject, cc: string | undefined): LedgerSubject =>
  cc !== undefined && (subject as { creditCode?: unknown }).creditCode === cc
    ? ({ ...subject, creditCode: 0 } as unknown as LedgerSubject)
    : subject

const readSubject = (subject: LedgerSubject, cc: string | undefined): LedgerSubject =>
  (subject as { creditCode?: unknown }).creditCode === 0
    ? ({ ...subject, creditCode: cc! } as LedgerSubject)
    : subject

const storeClaim = (c: RecordedLedgerClaim, cc: string | undefined): StoredClaim => {
  if (Array.isArray(c)) {
    // ["days", tax, from, to, creditCode(, projectId)] → [tax, from, to, 0 for the record's creditCode(, projectId)]
    const [, ...rest] = c
    if (cc !== undefined && rest[3] === cc) (rest as unknown[])[3] = 0
    return rest as unknown as StoredClaim
  }
  const members = Object.keys(c).join()
  if (c.kind === 'once' && members === ONCE) return ['once', storeSubject(c.subject, cc), c.item, c.amount]
  if (c.kind === 'cumulative' && members === CUMULATIVE)
    return ['cumulative', storeSubject(c.subject, cc), c.amount, c.cap]
  return c
}

const readClaim = (c: StoredClaim, cc: string | undefined): RecordedLedgerClaim => {
  if (!Array.isArray(c)) return c
  if (c[0] !== 'once' && c[0] !== 'cumulative') {
    const days = ['days', ...c] as unknown[]
    if (days[4] === 0) days[4] = cc
    return days as unknown as RecordedLedgerClaim
  }
  if (c[0] === 'once')
    return {
      kind: 'once',
      subject: readSubject(c[1] as LedgerSubject, cc),
      item: c[2] as string,
      amount: c[3] as string | null,
    }
  return {
    kind: 'cumulative',
    subject: readSubject(c[1] as LedgerSubject, cc),
    amount: c[2] as string,
    cap: c[3] as string,
  }
}

const MISSING_INPUT = 'MISSING_INPUT'

/** The pointers an outcome's details name as missing, when they are a list of strings. */
const missingOf = (details: CompactOutcome['details']): readonly string[] | null => {
  const missing = (details as { missing?: unknown }).missing
  return Array.isArray(missing) && missing.every((p) => typeof p === 'string') ? missing : null
}

const storeReasons = (o: CompactOutcome): NonNullable<StoredOutcome['r']> => {
  const missing = missingOf(o.details)
  if (missing === null) return o.reasons
  // Byte for byte as measure.ts gives it (members in the same order), or kept whole.
  const standard = JSON.stringify(missingInputReason(missing))
  return o.reasons.map((r) =>
    r.code === MISSING_INPUT && JSON.stringify(r) === standard ? MISSING_INPUT : r,
  )
}

const readReasons = (o: StoredOutcome): CompactOutcome['reasons'] =>
  (o.r ?? []).map((r) => {
    if (r !== MISSING_INPUT) return r
    const missing = o.d ? missingOf(o.d) : null
    if (missing === null)
      throw new Error('stored record: a bare MISSING_INPUT reason without details.missing')
    return missingInputReason(missing)
  })

/** The credit code most claims of a record name (each ledger claim names its enterprise): stored once. */
const creditCodeOf = (r: CompactEvaluation): string | undefined => {
  for (const o of r.outcomes)
    for (const c of o.ledger) {
      const code = Array.isArray(c) ? c[4] : (c.subject as { creditCode?: unknown }).creditCode
      if (typeof code === 'string') return code
    }
  return undefined
}

/** The stored form, format 3 (or 2: the same without bare reason codes). */
export interface StoredRecord {
  format: 2 | 3
  /** the ruleset's version; its id too when it is not RULESET_ID */
  ruleset: string | CompactEvaluation['ruleset']
  asOf: CompactEvaluation['asOf']
  gates: StoredGate[]
  outcomes: StoredOutcome[]
  totalAmount: string
  parametersUsed: StoredParameter[]
  overriddenParameters?: string[]
  /** the credit code the ledger claims name (0 stands for it there); absent without claims */
  creditCode?: string
}

const isEmpty = (o: object): boolean => {
  for (const _ in o) return false
  return true
}

const storeTrace = (t: TraceFacts): StoredTrace => {
  const s: StoredTrace = { p: t.p }
  if (t.c.length)
    s.c = t.c.map((f) =>
      f.length === 2 && f[1] === true ? factCode(f[0]) : [factCode(f[0]), ...f.slice(1)],
    ) as StoredCondition[]
  if (t.s.length) s.s = t.s.map((f) => [factCode(f[0]), ...f.slice(1)])
  if (t.n.length) s.n = t.n.map((f) => (f.length === 1 ? factCode(f[0]) : [factCode(f[0]), f[1]]))
  if (t.r !== undefined) s.r = t.r
  return s
}

const readTrace = (s: StoredTrace): TraceFacts => {
  const t: TraceFacts = {
    p: s.p,
    c: (s.c ?? []).map(
      (f): ConditionFact =>
        Array.isArray(f) ? ([factKey(f[0]), ...f.slice(1)] as ConditionFact) : [factKey(f), true],
    ),
    s: (s.s ?? []).map((f) => [factKey(f[0]), ...f.slice(1)] as StepFact),
    n: (s.n ?? []).map((f): NoteFact => (Array.isArray(f) ? [factKey(f[0]), f[1]] : [factKey(f)])),
  }
  if (s.r !== undefined) t.r = s.r
  return t
}

const storeParameters = (entries: readonly ParameterEntry[]): StoredParameter[] => {
  const out: StoredParameter[] = []
  let from: string | undefined
  for (const e of entries) {
    if (e.length >= 5) {
      out.push(e as ParameterTuple)
      continue
    }
    const [name, at, rows] = e as ParameterRef
    if (at !== from) {
      out.push(at)
      from = at
    }
    const code = parameterCode(name)
    out.push(rows !== undefined ? [code, rows] : typeof code === 'number' ? code : [code])
  }
  return out
}

const readParameters = (stored: readonly StoredParameter[]): ParameterEntry[] => {
  const entries: ParameterEntry[] = []
  let from = ''
  for (const e of stored) {
    if (typeof e === 'string') from = e
    else if (typeof e === 'number') entries.push([parameterName(e), from])
    else if (e.length >= 5) entries.push(e as ParameterTuple)
    else {
      const [code, rows] = e as [Coded, string[]?]
      entries.push(rows !== undefined ? [parameterName(code), from, rows] : [parameterName(code), from])
    }
  }
  return entries
}

/** The record as stored (and hashed): format 3. */
export const storedRecord = (r: CompactEvaluation): StoredRecord => {
  const cc = creditCodeOf(r)
  const stored: StoredRecord = {
    format: 3,
    ruleset: r.ruleset.id === RULESET_ID ? r.ruleset.version : r.ruleset,
    asOf: r.asOf,
    gates: r.gates.map((g) => {
      const s: StoredGate = { gate: g.gate, passed: g.passed, trace: storeTrace(g.trace) }
      if (g.reasons.length) s.reasons = g.reasons
      return s
    }),
    outcomes: r.outcomes.map((o) => {
      const s = { m: measureCode(o.measure) } as StoredOutcome
      if (o.status !== 'eligible') s.s = o.status
      if (o.amount !== null) s.a = o.amount
      if (o.reasons.length) s.r = storeReasons(o)
      if (!isEmpty(o.details)) s.d = o.details
      if (o.ledger.length) s.l = o.ledger.map((c) => storeClaim(c, cc))
      s.t = storeTrace(o.trace)
      return s
    }),
    totalAmount: r.totalAmount,
    parametersUsed: storeParameters(r.parametersUsed),
  }
  if (r.overriddenParameters.length) stored.overriddenParameters = r.overriddenParameters
  if (cc !== undefined) stored.creditCode = cc
  WORKING.set(stored, r)
  return stored
}

/** Whether a stored compact record is format 2 or 3 (else it is format 1, the working form itself). */
export const isStoredRecord = (r: unknown): r is StoredRecord => {
  const format = typeof r === 'object' && r !== null ? (r as { format?: unknown }).format : undefined
  return format === 2 || format === 3
}

/**
 * The working form each stored record was made from, while it lives (the write path answers from
 * the decision it just stored): recordOf(storedRecord(r)) deep-equals r, so it is r itself.
 */
const WORKING = new WeakMap<StoredRecord, CompactEvaluation>()

/** The working form of a stored compact record, format 1, 2 or 3. */
export const recordOf = (r: CompactEvaluation | StoredRecord): CompactEvaluation => {
  if (!isStoredRecord(r)) return r
  const known = WORKING.get(r)
  if (known) return known
  const cc = r.creditCode
  return {
    ruleset:
      typeof r.ruleset === 'string'
        ? { id: RULESET_ID, version: r.ruleset as CompactEvaluation['ruleset']['version'] }
        : r.ruleset,
    asOf: r.asOf,
    gates: r.gates.map((g) => ({
      gate: g.gate,
      passed: g.passed,
      reasons: g.reasons ?? [],
      trace: readTrace(g.trace),
    })),
    outcomes: r.outcomes.map((o) => ({
      measure: measureId(o.m),
      status: o.s ?? 'eligible',
      amount: o.a ?? null,
      reasons: readReasons(o),
      details: o.d ?? {},
      ledger: o.l ? o.l.map((c) => readClaim(c, cc)) : [],
      trace: readTrace(o.t),
    })),
    totalAmount: r.totalAmount,
    parametersUsed: readParameters(r.parametersUsed),
    overriddenParameters: r.overriddenParameters ?? [],
  }
}
