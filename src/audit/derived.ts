// The state the service derives from audited rows, checked against them (GET /v1/audit/verify,
// npm run audit:verify). The chain proves the audited rows — applications, decisions and their
// records, the ledger journal — are what was written. Beside them the service keeps tables it
// decides and reports from, written in the same transactions but not hashed themselves: the running
// totals a cap is checked against, the one-time grants and rewarded days that refuse a second grant,
// and the outcome rows the grant report sums. Altered, they would pay past a cap, pay a platform twice
// or misstate the totals while every hash still held; so each is recomputed here from what the chain
// vouches for and compared.

import { reportAmounts } from '../db/decisions-repository.ts'
import {
  type DecisionOutcomes,
  decisionOutcomes,
  missingGrants,
  totalMismatches,
} from '../db/derived-state-repository.ts'
import type { Executor } from '../db/executor.ts'
import { outcomeAmountsOf, type StoredEvaluation } from '../decisions/stored-evaluation.ts'

/** One derived row that does not follow from the audited rows. */
export interface DerivedMismatch {
  /** the table holding the row */
  table: 'ledger_subjects' | 'ledger_once' | 'ledger_periods' | 'decision_outcomes'
  /** the row: "<ledger> <key>" for a ledger, "<decision id> <measure>" for an outcome */
  row: string
  /** what the audited rows say it should be, and what it is ("missing": no row; "unexpected": a row too many) */
  expected: string
  actual: string
}

export interface DerivedStateReport {
  checked: { subjects: number; decisions: number }
  /** at most `limit` of them, ledgers first */
  mismatches: DerivedMismatch[]
}

const DECISIONS_PER_READ = 500

/** An outcome row as it reads when compared: every column the report or the list reads. */
const rowText = (r: DecisionOutcomes['rows'][number]) =>
  JSON.stringify([
    r.status,
    r.amount,
    r.application_id,
    r.prefecture,
    r.year,
    r.application_date,
    r.amount_due,
    r.amount_paid,
    r.amount_unfunded,
    r.current,
  ])

/** The outcome rows a decision's record implies (the columns store_decision writes). */
const expectedRows = (d: DecisionOutcomes): Map<string, string> => {
  const stored: StoredEvaluation = {
    evaluation: typeof d.evaluation === 'string' ? JSON.parse(d.evaluation) : d.evaluation,
    parameters: d.parameters,
    ...(d.recordFormat === 'compact' ? { recordFormat: 'compact' as const } : {}),
  }
  return new Map(
    outcomeAmountsOf(stored).map((o) => [
      o.measure,
      rowText({
        measure: o.measure,
        status: o.status,
        amount: o.amount,
        application_id: d.applicationId,
        prefecture: d.prefecture,
        year: Number(d.applicationDate.slice(0, 4)),
        application_date: d.applicationDate,
        ...reportAmounts(o.status, o.amount),
        current: d.current,
      }),
    ]),
  )
}

const outcomeMismatches = (d: DecisionOutcomes): DerivedMismatch[] => {
  const expected = expectedRows(d)
  const actual = new Map(d.rows.map((r) => [r.measure, rowText(r)]))
  const found: DerivedMismatch[] = []
  for (const measure of new Set([...expected.keys(), ...actual.keys()])) {
    const e = expected.get(measure) ?? 'unexpected'
    const a = actual.get(measure) ?? 'missing'
    if (e !== a) found.push({ table: 'decision_outcomes', row: `${d.id} ${measure}`, expected: e, actual: a })
  }
  return found
}

/** Every derived table against the audited rows; stops collecting at `limit` mismatches. */
export const verifyDerivedState = async (db: Executor, limit = 20): Promise<DerivedStateReport> => {
  const totals = await totalMismatches(db, limit)
  const mismatches: DerivedMismatch[] = totals.mismatches.map((m) => ({
    table: 'ledger_subjects',
    row: `${m.ledger} ${m.key}`,
    expected: m.journal,
    actual: m.total ?? 'missing',
  }))
  for (const g of mismatches.length < limit ? await missingGrants(db, limit - mismatches.length) : []) {
    mismatches.push({
      table: g.table,
      row: `${g.ledger} ${g.key} ${g.item}`,
      expected: `granted by decision ${g.decisionId}`,
      actual: 'missing',
    })
  }
  let decisions = 0
  for await (const page of decisionOutcomes(db, DECISIONS_PER_READ)) {
    for (const d of page) {
      decisions++
      // past the limit the rest are only counted: the report names the first ones
      if (mismatches.length < limit)
        mismatches.push(...outcomeMismatches(d).slice(0, limit - mismatches.length))
    }
  }
  return { checked: { subjects: totals.subjects, decisions }, mismatches }
}
