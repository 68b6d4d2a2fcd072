// The ledger: limits that span applications (POLICY.md §2 "Ledger", §0 rulings of 2026-12-03),
// enforced in the database. The ledgers themselves — their names, subjects and key formats — are
// defined once, in src/engine/ledgers.ts; this file stores the typed claims the engine returns and
// hands grants back under the same keys. It never parses a key.
//
// Design. Every limit has *subjects* (src/engine/ledgers.ts): the enterprise's project for the §18
// interest-subsidy cap, the enterprise for the top-3 award years, the person for the §19 talent years,
// the platform / institute / standard for one-time grants, (measure, enterprise, scope, tax) for the
// days a tax reward paid for. A decision (1) locks the subject rows it touches (an upsert that takes
// each row's lock, always in (ledger, key) order so two decisions cannot deadlock), (2) reads what was
// granted while holding the locks, so the engine sees exact history, and (3) writes its grants before
// commit. Concurrent decisions on the same subject are therefore serialised, on any number of API
// instances. Three constraints hold even if that logic were wrong: CHECK (total <= cap) on cumulative
// totals, the primary key of ledger_once, and the no-overlap trigger of ledger_periods.

import { sql } from 'kysely'
import {
  type BudgetState,
  foldKey,
  type History,
  type LedgerClaim,
  type LedgerGrant,
  type LedgerName,
  type LedgerSubject,
  subjectKey,
} from '../engine/ledgers.ts'
import { MEASURES } from '../engine/measures/index.ts'
import { KEYS_AS_WRITTEN } from '../engine/ruleset.ts'
import type { Application } from '../engine/types.ts'
import type { Executor } from './executor.ts'

export interface Subject {
  ledger: LedgerName
  key: string
  subject: LedgerSubject
}

/** (ledger, key) order, by code unit: the order every locker of ledger_subjects takes them in. */
export const compareSubjects = (a: Subject, b: Subject): number =>
  a.ledger === b.ledger ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.ledger < b.ledger ? -1 : 1

/** The subjects applications touch, as every measure names them: what must be locked before deciding. */
export const subjectsOf = (...applications: (Application | undefined)[]): Subject[] => {
  const unique = new Map<string, Subject>()
  for (const facts of applications) {
    if (!facts) continue
    for (const measure of MEASURES) {
      for (const s of measure.subjects?.(facts) ?? []) {
        const subject = { ledger: s.ledger, key: subjectKey(s), subject: s }
        unique.set(`${subject.ledger}\u0000${subject.key}`, subject)
      }
    }
  }
  return [...unique.values()].sort(compareSubjects)
}

/**
 * The subjects of several lists (subjectsOf of several applications, each computed once), each once,
 * in (ledger, key) order.
 */
export const uniqueSubjects = (lists: readonly (readonly Subject[])[]): Subject[] => {
  const unique = new Map<string, Subject>()
  for (const list of lists) for (const s of list) unique.set(`${s.ledger}\u0000${s.key}`, s)
  return [...unique.values()].sort(compareSubjects)
}

export type Locked = ReadonlyMap<string, string>
const lockedKey = (ledger: string, key: string) => `${ledger}\u0000${key}`

/**
 * Creates missing subject rows and locks them all, in one statement and in (ledger, key) order:
 * an upsert whose no-op update takes each row's lock, as SELECT … FOR UPDATE would, and returns
 * the running totals.
 */
export const lockSubjects = async (trx: Executor, subjects: readonly Subject[]): Promise<Locked> => {
  if (subjects.length === 0) return new Map()
  const rows = await trx
    .insertInto('ledger_subjects')
    .values(
      subjects.map((s) => ({ ledger: s.ledger, key: s.key, subject: JSON.stringify(s.subject), cap: null })),
    )
    .onConflict((oc) => oc.columns(['ledger', 'key']).doUpdateSet({ total: sql`ledger_subjects.total` }))
    .returning(['ledger', 'key', 'total'])
    .execute()
  return new Map(rows.map((r) => [lockedKey(r.ledger, r.key), r.total]))
}

/**
 * `(ledger, key)` among the subjects', as two array parameters (issue #11 "Speed": a chunk's hundreds
 * of subjects as one (ledger, key) pair of parameters each cost the query builder and the driver a
 * node and a parameter per value, for every statement that reads them).
 */
const inSubjectsOf = (subjects: readonly Subject[]) =>
  sql<boolean>`(ledger, key) in (select * from unnest(${subjects.map((s) => s.ledger)}::text[], ${subjects.map((s) => s.key)}::text[]))`

/**
 * The running totals of subjects, without creating or locking them: what a dry run reads (it grants
 * nothing, so it must not write or hold ledger rows). Same shape as lockSubjects' answer.
 */
export const readSubjects = async (db: Executor, subjects: readonly Subject[]): Promise<Locked> => {
  if (subjects.length === 0) return new Map()
  const rows = await db
    .selectFrom('ledger_subjects')
    .select(['ledger', 'key', 'total'])
    .where(inSubjectsOf(subjects))
    .execute()
  return new Map(rows.map((r) => [lockedKey(r.ledger, r.key), r.total]))
}

/** What was already granted under the locked subjects, for the engine (read while they are locked). */
export const historyFor = async (
  trx: Executor,
  subjects: readonly Subject[],
  locked: Locked,
): Promise<History> => {
  const totals = subjects
    .map((s) => ({ ledger: s.ledger, key: s.key, total: locked.get(lockedKey(s.ledger, s.key)) ?? '0.00' }))
    .filter((t) => t.total !== '0.00' && t.total !== '0')
  if (subjects.length === 0) return {}
  const inSubjects = inSubjectsOf(subjects)
  // One round trip for both kinds of grant, in (ledger, key, item or first day) order.
  const rows = await trx
    .selectFrom('ledger_once')
    .select([
      'ledger',
      'key',
      sql<'once' | 'days'>`'once'`.as('kind'),
      sql<string | null>`item`.as('item'),
      sql<string | null>`null::text`.as('from_date'),
      sql<string | null>`null::text`.as('to_date'),
      'amount',
      'decision_id',
      'credit_code',
    ])
    .where(inSubjects)
    .unionAll(
      trx
        .selectFrom('ledger_periods')
        .select([
          'ledger',
          'key',
          sql<'once' | 'days'>`'days'`.as('kind'),
          sql<string | null>`null::text`.as('item'),
          sql<string | null>`from_date::text`.as('from_date'),
          sql<string | null>`to_date::text`.as('to_date'),
          sql<string | null>`null::numeric`.as('amount'),
          'decision_id',
          'credit_code',
        ])
        .where(inSubjects),
    )
    .orderBy('ledger')
    .orderBy('key')
    .orderBy('item')
    .orderBy('from_date')
    .execute()
  const grants = rows.map(
    (r): LedgerGrant => ({
      ledger: r.ledger as LedgerName,
      key: r.key,
      kind: r.kind,
      item: r.item,
      period: r.from_date !== null && r.to_date !== null ? { from: r.from_date, to: r.to_date } : null,
      amount: r.amount,
      decisionId: r.decision_id,
      creditCode: r.credit_code,
    }),
  )
  return {
    ...(totals.length > 0 ? { totals } : {}),
    ...(grants.length > 0 ? { grants } : {}),
  }
}

/**
 * What the engine sees of the ledger for a new application, read in one statement without a lock or a
 * transaction (decision_state, migration 2026-12-04T1800): the history historyFor would read under the
 * locks, the budgets lockBudgets would lock among `budgetKeys` (everything queued counts as ahead of a
 * new application), and `fingerprint`, md5 of the state as read. store_decision_checked reads it again
 * under the locks and stores only if it is unchanged.
 */
export interface LedgerState {
  history: History
  budgets: BudgetState[]
  fingerprint: string
}

export type StateRow = [
  totals: [ledger: string, key: string, total: string][],
  grants: [
    ledger: string,
    key: string,
    kind: 'once' | 'days',
    item: string | null,
    from: string | null,
    to: string | null,
    amount: string | null,
    decisionId: string,
    creditCode: string | null,
  ][],
  budgets: [key: string, subject: BudgetSubjectRow, total: string, cap: string, queued: number][],
]

type BudgetSubjectRow = Extract<LedgerSubject, { ledger: 'budget' }>

/** The subjects and budgets as decision_state and store_decision_checked take them. */
export const stateArguments = (subjects: readonly Subject[], budgetKeys: readonly string[]) => ({
  subjects: subjects.map((s) => ({ ledger: s.ledger, key: s.key, subject: s.subject })),
  budgets: budgetKeys,
})

export const readLedgerState = async (
  db: Executor,
  subjects: readonly Subject[],
  budgetKeys: readonly string[],
): Promise<LedgerState> => (await readLedgerStates(db, [{ subjects, budgets: budgetKeys }]))[0]!

/**
 * readLedgerState of several applications in one statement (src/db/store-groups.ts), in order: each
 * decision_state call is a read of its own, as if sent alone.
 */
export const readLedgerStates = async (
  db: Executor,
  reads: readonly { subjects: readonly Subject[]; budgets: readonly string[] }[],
): Promise<LedgerState[]> => {
  const args = reads.map((r) => stateArguments(r.subjects, r.budgets))
  const { rows } = await sql<{ state: StateRow; fingerprint: string }>`
    select s as state, md5(s::text) as fingerprint
    from jsonb_array_elements(${JSON.stringify(args)}::jsonb) with ordinality as a(r, n)
    cross join lateral decision_state(a.r -> 'subjects', a.r -> 'budgets') s
    order by a.n`.execute(db)
  return rows.map((r, i) => ledgerStateOf(reads[i]!.subjects, r.state, r.fingerprint))
}

/** decision_state's answer (also store_decision_checked's when the state moved) as the engine sees it. */
export const ledgerStateOf = (
  subjects: readonly Subject[],
  state: StateRow,
  fingerprint: string,
): LedgerState => {
  const [totalRows, grantRows, budgetRows] = state
  // As historyFor builds it: totals in the subjects' order, those above zero; grants in the order read.
  const held = new Map(totalRows.map(([ledger, key, total]) => [lockedKey(ledger, key), total]))
  const totals = subjects.flatMap((s) => {
    const total = held.get(lockedKey(s.ledger, s.key))
    return total === undefined ? [] : [{ ledger: s.ledger, key: s.key, total }]
  })
  const grants = grantRows.map(
    ([ledger, key, kind, item, from, to, amount, decisionId, creditCode]): LedgerGrant => ({
      ledger: ledger as LedgerName,
      key,
      kind,
      item,
      period: from !== null && to !== null ? { from, to } : null,
      amount,
      decisionId,
      creditCode,
    }),
  )
  const history: History =
    subjects.length === 0
      ? {}
      : { ...(totals.length > 0 ? { totals } : {}), ...(grants.length > 0 ? { grants } : {}) }
  const budgets = budgetRows.map(
    ([key, subject, total, cap, queued]): BudgetState => ({
      key,
      year: subject.year,
      measure: subject.measure,
      prefecture: subject.prefecture,
      amount: cap,
      drawn: total,
      queued,
    }),
  )
  return { history, budgets, fingerprint }
}

/** A row of the journal (ledger_entries) as stored. */
export interface LedgerEntryRow extends JournalRow {
  id: string
  decision_id: string
}

/** A claim or a released grant, as one journal row (store_decision writes them). */
export interface JournalRow {
  ledger: string
  key: string
  kind: 'cumulative' | 'once' | 'days' | 'reversal'
  amount: string | null
  item: string | null
  period_from: string | null
  period_to: string | null
}

const movementOf = (claim: LedgerClaim): JournalRow => {
  const base = { ledger: claim.subject.ledger, key: subjectKey(claim.subject) }
  switch (claim.kind) {
    case 'cumulative':
      return {
        ...base,
        kind: 'cumulative',
        amount: claim.amount,
        item: null,
        period_from: null,
        period_to: null,
      }
    case 'once':
      return {
        ...base,
        kind: 'once',
        amount: claim.amount,
        item: claim.item,
        period_from: null,
        period_to: null,
      }
    case 'days':
      return {
        ...base,
        kind: 'days',
        amount: null,
        item: null,
        period_from: claim.period.from,
        period_to: claim.period.to,
      }
  }
}

/**
 * What a decision's claims write (store_decision): running totals, one-time grants, rewarded days,
 * and one journal row each. The constraints refuse anything beyond a cap, a second one-time grant,
 * or a day rewarded twice.
 */
export const claimRows = (claims: readonly LedgerClaim[]) => ({
  cumulative: claims.flatMap((c) =>
    c.kind === 'cumulative'
      ? [{ ledger: c.subject.ledger, key: subjectKey(c.subject), amount: c.amount, cap: c.cap }]
      : [],
  ),
  once: claims.flatMap((c) =>
    c.kind === 'once'
      ? [{ ledger: c.subject.ledger, key: subjectKey(c.subject), item: c.item, amount: c.amount }]
      : [],
  ),
  days: claims.flatMap((c) =>
    c.kind === 'days'
      ? [{ ledger: c.subject.ledger, key: subjectKey(c.subject), from: c.period.from, to: c.period.to }]
      : [],
  ),
  journal: claims.map(movementOf),
})

export type Grant = JournalRow

/**
 * Gives back a superseded decision's grants (a correction), before the new decision is evaluated:
 * cumulative totals go down by what it was granted, its one-time grants and rewarded days are
 * released. Returns them for journalReversals, which records them once the new decision exists.
 */
export const releaseGrants = async (
  trx: Executor,
  superseded: { id: string; facts: Application; ruleset: string },
): Promise<Grant[]> => {
  const { id: decisionId, facts } = superseded
  const granted = await trx
    .selectFrom('ledger_entries')
    .select(['ledger', 'key', 'kind', 'amount', 'item', 'period_from', 'period_to'])
    .where('decision_id', '=', decisionId)
    .where('kind', '!=', 'reversal')
    .orderBy('id')
    .execute()
  for (const g of granted) {
    if (g.kind === 'cumulative') {
      await trx
        .updateTable('ledger_subjects')
        .set({ total: sql`total - ${g.amount}::numeric` })
        .where('ledger', '=', g.ledger)
        .where('key', '=', currentKey(g, facts))
        .execute()
    }
  }
  if ((KEYS_AS_WRITTEN as readonly string[]).includes(superseded.ruleset))
    await handOverMergedGrants(trx, decisionId)
  // Grants journaled before 2026-12-03 carry no item; the migration moved them to (key, item), so
  // a decision's one-time grants and days are released by decision, not by their old keys.
  await trx.deleteFrom('ledger_once').where('decision_id', '=', decisionId).execute()
  await trx.deleteFrom('ledger_periods').where('decision_id', '=', decisionId).execute()
  return granted
}

/**
 * Before ruleset 1.5.0 one id spelled two ways ("Case-Lab", "case-lab") could be granted twice; the
 * migration of 2026-12-06T2100 kept one row for both under the folded key: the earliest decision's
 * one-time grant, the longer of two periods that start on one day. When that decision is corrected its
 * row is not freed but handed to the earliest other current decision of those rulesets that was
 * granted the same under another spelling (its own period, its enterprise), so the grant stays taken.
 * Only a decision of those rulesets can hold such a row: releaseGrants calls this for those alone.
 */
const handOverMergedGrants = async (trx: Executor, decisionId: string): Promise<void> => {
  const asWritten = [...KEYS_AS_WRITTEN]
  const heirs = (kind: 'once' | 'days') => sql`
    select f.decision_id as heir, a.enterprise_credit_code as heir_credit_code, f.ledger,
           ledger_key_fold(f.ledger, f.key) as key, f.item, f.period_from, f.period_to, d.seq
    from ledger_entries f
    join decisions d on d.id = f.decision_id
    join applications a on a.id = d.application_id
    where f.kind = ${kind} and f.decision_id <> ${decisionId}
      and d.ruleset_version = any(${asWritten}::text[])
      and not exists (select 1 from decisions s where s.supersedes = d.id)`
  await sql`
    update ledger_once o set decision_id = h.heir, credit_code = h.heir_credit_code
    from (select distinct on (ledger, key, item) * from (${heirs('once')}) c
          order by ledger, key, item, seq) h
    where o.decision_id = ${decisionId} and o.ledger = h.ledger and o.key = h.key and o.item = h.item`.execute(
    trx,
  )
  await sql`
    update ledger_periods p set decision_id = h.heir, credit_code = h.heir_credit_code, to_date = h.period_to
    from (select distinct on (ledger, key, period_from) * from (${heirs('days')}) c
          where period_from is not null
          order by ledger, key, period_from, period_to desc, seq) h
    where p.decision_id = ${decisionId} and p.ledger = h.ledger and p.key = h.key
      and p.from_date = h.period_from`.execute(trx)
}

/**
 * The key a cumulative grant's subject has now. Entries journaled before 2026-12-03 name a project's
 * subject by the project id alone; the subject is now the enterprise's project (the migration
 * re-keyed the totals, the append-only journal keeps what it recorded). Entries journaled before
 * ruleset 1.5.0 keep their ids' letter case; the totals were re-keyed folded (foldKey, migration
 * 2026-12-06T2100).
 */
const currentKey = (g: { ledger: string; key: string }, facts: Application): string =>
  g.ledger === 'interest-subsidy' && facts.project && g.key === facts.project.id
    ? subjectKey({
        ledger: 'interest-subsidy',
        creditCode: facts.enterprise.creditCode,
        projectId: facts.project.id,
      })
    : foldKey(g.ledger, g.key)

/** Released grants as the correcting decision journals them: reversals. */
export const reversalRows = (released: readonly Grant[]): JournalRow[] =>
  released.map((g) => ({ ...g, kind: 'reversal' as const }))

/** The cumulative total under a subject (for reports and tests). */
export const ledgerTotal = async (db: Executor, ledger: string, key: string): Promise<string> => {
  const row = await db
    .selectFrom('ledger_subjects')
    .select('total')
    .where('ledger', '=', ledger)
    .where('key', '=', key)
    .executeTakeFirst()
  return row?.total ?? '0.00'
}

/** The most journal rows an enterprise ledger read returns (newest first). */
export const JOURNAL_LIMIT = 1000

export interface EnterpriseLedger {
  creditCode: string
  caps: { subject: LedgerSubject; total: string; cap: string | null; remaining: string | null }[]
  grants: { subject: LedgerSubject; item: string; amount: string | null; decisionId: string }[]
  rewardedDays: { subject: LedgerSubject; from: string; to: string; days: number; decisionId: string }[]
  journal: {
    id: string
    decisionId: string
    ledger: string
    key: string
    kind: LedgerEntryRow['kind']
    amount: string | null
    item: string | null
    period: { from: string; to: string } | null
    createdAt: string
  }[]
  journalComplete: boolean
}

/**
 * What the ledgers hold for one enterprise: its projects' running totals against their caps, the
 * one-time grants made to it (official identifiers included), the tax days rewarded to it, and the
 * journal of its decisions' ledger movements (grants and reversals), newest first.
 */
export const enterpriseLedger = async (db: Executor, creditCode: string): Promise<EnterpriseLedger> => {
  const [caps, grants, days, journal] = await Promise.all([
    db
      .selectFrom('ledger_subjects')
      .select(['subject', 'total', 'cap', sql<string | null>`(cap - total)::text`.as('remaining')])
      .where('ledger', '=', 'interest-subsidy')
      .where(sql<string>`subject ->> 'creditCode'`, '=', creditCode)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('ledger_once as o')
      .innerJoin('ledger_subjects as s', (j) =>
        j.onRef('s.ledger', '=', 'o.ledger').onRef('s.key', '=', 'o.key'),
      )
      .select(['s.subject', 'o.item', 'o.amount', 'o.decision_id'])
      .where('o.credit_code', '=', creditCode)
      .orderBy('o.ledger')
      .orderBy('o.key')
      .orderBy('o.item')
      .execute(),
    db
      .selectFrom('ledger_periods as p')
      .innerJoin('ledger_subjects as s', (j) =>
        j.onRef('s.ledger', '=', 'p.ledger').onRef('s.key', '=', 'p.key'),
      )
      .select([
        's.subject',
        'p.from_date',
        'p.to_date',
        sql<number>`(p.to_date - p.from_date + 1)::int`.as('days'),
        'p.decision_id',
      ])
      .where('p.credit_code', '=', creditCode)
      .orderBy('p.key')
      .orderBy('p.from_date')
      .execute(),
    db
      .selectFrom('ledger_entries as e')
      .innerJoin('decisions as d', 'd.id', 'e.decision_id')
      .innerJoin('applications as a', 'a.id', 'd.application_id')
      .select([
        'e.id',
        'e.decision_id',
        'e.ledger',
        'e.key',
        'e.kind',
        'e.amount',
        'e.item',
        'e.period_from',
        'e.period_to',
        'e.created_at',
      ])
      .where('a.enterprise_credit_code', '=', creditCode)
      .orderBy('e.id', 'desc')
      .limit(JOURNAL_LIMIT + 1)
      .execute(),
  ])
  return {
    creditCode,
    caps: caps.map((r) => ({
      subject: r.subject as LedgerSubject,
      total: r.total,
      cap: r.cap,
      remaining: r.remaining,
    })),
    grants: grants.map((r) => ({
      subject: r.subject as LedgerSubject,
      item: r.item,
      amount: r.amount,
      decisionId: r.decision_id,
    })),
    rewardedDays: days.map((r) => ({
      subject: r.subject as LedgerSubject,
      from: r.from_date,
      to: r.to_date,
      days: Number(r.days),
      decisionId: r.decision_id,
    })),
    journal: journal.slice(0, JOURNAL_LIMIT).map((r) => ({
      id: String(r.id),
      decisionId: r.decision_id,
      ledger: r.ledger,
      key: r.key,
      kind: r.kind,
      amount: r.amount,
      item: r.item,
      period: r.period_from && r.period_to ? { from: r.period_from, to: r.period_to } : null,
      createdAt: r.created_at.toISOString(),
    })),
    journalComplete: journal.length <= JOURNAL_LIMIT,
  }
}
