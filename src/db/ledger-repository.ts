// The ledger: limits that span applications (POLICY.md §2 "Ledger"), enforced in the database.
//
// Design. Every limit has *subjects*: the project for the §18 interest-subsidy cap, the enterprise
// for the top-3 award years, the person for the §19 talent years, the platform / institute /
// standard for one-time grants. A decision (1) locks the subject rows it touches (INSERT … ON
// CONFLICT DO NOTHING, then SELECT … FOR UPDATE, always in (ledger, key) order so two decisions
// cannot deadlock), (2) reads what was granted while holding the locks, so the engine sees exact
// history, and (3) writes its grants before commit. Concurrent decisions on the same subject are
// therefore serialised, on any number of API instances. Two constraints hold even if that logic
// were wrong: CHECK (total <= cap) on cumulative totals, and the primary key of ledger_once.

import { sql } from 'kysely'
import type { Application, History, LedgerClaim } from '../engine/types.ts'
import { LEDGER_ENTRY_ENTITY_COLUMNS } from './entities.ts'
import type { Executor } from './executor.ts'

export interface Subject {
  ledger: string
  key: string
}

/** The ledgers, as the engine's measures name them in their claims. */
export const LEDGERS = {
  interestSubsidy: 'interest-subsidy',
  top3AwardYear: 'top3-award-year',
  talentAwardYear: 'talent-award-year',
  rdPlatformGrant: 'rd-platform-grant',
  researchInstituteAward: 'research-institute-award',
  standardsAward: 'standards-award',
} as const

/** The subjects applications touch: what must be locked before deciding them. */
export const subjectsOf = (...applications: (Application | undefined)[]): Subject[] => {
  const subjects: Subject[] = []
  for (const facts of applications) if (facts) subjectsOfOne(facts, subjects)
  const unique = new Map(subjects.map((s) => [`${s.ledger}\u0000${s.key}`, s]))
  return [...unique.values()].sort((a, b) =>
    a.ledger === b.ledger ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.ledger < b.ledger ? -1 : 1,
  )
}

const subjectsOfOne = (facts: Application, subjects: Subject[]): void => {
  if (facts.project) subjects.push({ ledger: LEDGERS.interestSubsidy, key: facts.project.id })
  if (facts.claims?.top3AwardYear !== undefined) {
    subjects.push({ ledger: LEDGERS.top3AwardYear, key: facts.enterprise.creditCode })
  }
  for (const t of facts.claims?.talents ?? [])
    subjects.push({ ledger: LEDGERS.talentAwardYear, key: t.personId })
  for (const p of facts.claims?.rdPlatforms ?? [])
    subjects.push({ ledger: LEDGERS.rdPlatformGrant, key: p.id })
  for (const e of facts.claims?.researchEvents ?? []) {
    subjects.push({ ledger: LEDGERS.researchInstituteAward, key: e.id })
  }
  for (const s of facts.claims?.standards ?? []) subjects.push({ ledger: LEDGERS.standardsAward, key: s.id })
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
    .values(subjects.map((s) => ({ ledger: s.ledger, key: s.key, cap: null })))
    .onConflict((oc) => oc.columns(['ledger', 'key']).doUpdateSet({ total: sql`ledger_subjects.total` }))
    .returning(['ledger', 'key', 'total'])
    .execute()
  return new Map(rows.map((r) => [lockedKey(r.ledger, r.key), r.total]))
}

/** One-time grants held under a ledger whose key starts with `prefix`. */
const onceKeys = async (trx: Executor, ledger: string, prefixes: readonly string[]): Promise<string[]> => {
  if (prefixes.length === 0) return []
  const rows = await trx
    .selectFrom('ledger_once')
    .select('key')
    .where('ledger', '=', ledger)
    .where((eb) => eb.or(prefixes.map((p) => eb(sql<boolean>`starts_with(key, ${p})`, '=', true))))
    .execute()
  return rows.map((r) => r.key)
}

/** What was already granted, for the engine (read while the subjects are locked). */
export const historyFor = async (trx: Executor, facts: Application, locked: Locked): Promise<History> => {
  const history: History = {}
  if (facts.project) {
    history.interestSubsidyGranted =
      locked.get(lockedKey(LEDGERS.interestSubsidy, facts.project.id)) ?? '0.00'
  }
  const claims = facts.claims
  if (claims?.rdPlatforms?.length) {
    const keys = await onceKeys(
      trx,
      LEDGERS.rdPlatformGrant,
      claims.rdPlatforms.map((p) => `${p.id}:`),
    )
    history.rdPlatformGrants = keys.map((k) => {
      const at = k.lastIndexOf(':')
      return { platformId: k.slice(0, at), tier: k.slice(at + 1) as 'national' | 'provincial' }
    })
  }
  if (claims?.researchEvents?.length) {
    history.researchEventAwards = await onceKeys(
      trx,
      LEDGERS.researchInstituteAward,
      claims.researchEvents.map((e) => e.id),
    ).then((keys) => keys.filter((k) => claims.researchEvents!.some((e) => e.id === k)))
  }
  if (claims?.standards?.length) {
    history.standardsAwards = await onceKeys(
      trx,
      LEDGERS.standardsAward,
      claims.standards.map((s) => s.id),
    ).then((keys) => keys.filter((k) => claims.standards!.some((s) => s.id === k)))
  }
  if (claims?.top3AwardYear !== undefined) {
    const prefix = `${facts.enterprise.creditCode}:`
    history.top3AwardYears = (await onceKeys(trx, LEDGERS.top3AwardYear, [prefix])).map((k) =>
      Number(k.slice(prefix.length)),
    )
  }
  if (claims?.talents?.length) {
    const people = [...new Set(claims.talents.map((t) => t.personId))]
    const keys = await onceKeys(
      trx,
      LEDGERS.talentAwardYear,
      people.map((p) => `${p}:`),
    )
    history.talentAwardYears = people.map((personId) => ({
      personId,
      years: keys
        .filter((k) => k.startsWith(`${personId}:`) && /^\d+$/.test(k.slice(personId.length + 1)))
        .map((k) => Number(k.slice(personId.length + 1))),
    }))
  }
  return history
}

export interface LedgerEntryRow {
  id: string
  decision_id: string
  ledger: string
  key: string
  kind: 'cumulative' | 'once' | 'reversal'
  amount: string | null
}

/** Records a decision's grants; the constraints refuse anything beyond a cap or a second grant. */
export const applyClaims = async (
  trx: Executor,
  decisionId: string,
  claims: readonly LedgerClaim[],
): Promise<LedgerEntryRow[]> => {
  const entries: LedgerEntryRow[] = []
  for (const claim of claims) {
    if (claim.kind === 'cumulative') {
      await trx
        .updateTable('ledger_subjects')
        .set({ total: sql`total + ${claim.amount}::numeric`, cap: claim.cap })
        .where('ledger', '=', claim.ledger)
        .where('key', '=', claim.key)
        .executeTakeFirstOrThrow()
    } else {
      await trx
        .insertInto('ledger_once')
        .values({ ledger: claim.ledger, key: claim.key, decision_id: decisionId, amount: claim.amount })
        .execute()
    }
    entries.push(
      await trx
        .insertInto('ledger_entries')
        .values({
          decision_id: decisionId,
          ledger: claim.ledger,
          key: claim.key,
          kind: claim.kind,
          amount: claim.amount,
        })
        .returning(LEDGER_ENTRY_ENTITY_COLUMNS)
        .executeTakeFirstOrThrow(),
    )
  }
  return entries
}

export interface Grant {
  ledger: string
  key: string
  kind: 'cumulative' | 'once' | 'reversal'
  amount: string | null
}

/**
 * Gives back a superseded decision's grants (a correction), before the new decision is evaluated:
 * cumulative totals go down by what it was granted, its one-time grants are released. Returns them
 * for journalReversals, which records them once the new decision exists.
 */
export const releaseGrants = async (trx: Executor, decisionId: string): Promise<Grant[]> => {
  const granted = await trx
    .selectFrom('ledger_entries')
    .select(['ledger', 'key', 'kind', 'amount'])
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
        .where('key', '=', g.key)
        .execute()
    } else {
      await trx
        .deleteFrom('ledger_once')
        .where('ledger', '=', g.ledger)
        .where('key', '=', g.key)
        .where('decision_id', '=', decisionId)
        .execute()
    }
  }
  return granted
}

/** Journals released grants as reversals made by the correcting decision. */
export const journalReversals = async (
  trx: Executor,
  released: readonly Grant[],
  byDecisionId: string,
): Promise<LedgerEntryRow[]> => {
  const entries: LedgerEntryRow[] = []
  for (const g of released) {
    entries.push(
      await trx
        .insertInto('ledger_entries')
        .values({
          decision_id: byDecisionId,
          ledger: g.ledger,
          key: g.key,
          kind: 'reversal',
          amount: g.amount,
        })
        .returning(LEDGER_ENTRY_ENTITY_COLUMNS)
        .executeTakeFirstOrThrow(),
    )
  }
  return entries
}

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
