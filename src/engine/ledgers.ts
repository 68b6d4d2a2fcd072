// The ledgers: limits that span applications (POLICY.md §2 "Ledger", §0 rulings of 2026-12-03), in
// one place. A measure names the subjects it reads (what the database must lock and read before
// deciding) and returns typed claims (what the decision consumes); the database stores a claim under
// the key `subjectKey` builds and hands grants back under the same key. Nothing parses a key back.
//
// Whose ledger (POLICY.md §0 "Whose ledger"):
// - a project's cap belongs to its enterprise: (credit code, project id), since project ids are the
//   enterprise's own labels;
// - official identifiers (platform, institute or achievement, standard or certificate number, a
//   person's id) are once across all enterprises;
// - tax rewards keep the days they rewarded by (measure, credit code, scope, tax type): the scope is
//   the enterprise, or one of its projects (POLICY.md §0 "A tax period is rewarded once").

import type { Period } from './dates.ts'
import type { MeasureId } from './types.ts'

export const LEDGERS = {
  interestSubsidy: 'interest-subsidy',
  top3AwardYear: 'top3-award-year',
  talentAwardYear: 'talent-award-year',
  rdPlatformGrant: 'rd-platform-grant',
  researchInstituteAward: 'research-institute-award',
  standardsAward: 'standards-award',
  taxDays: 'tax-days',
  budget: 'budget',
} as const
export type LedgerName = (typeof LEDGERS)[keyof typeof LEDGERS]

/** The taxes whose days a tax reward records (POLICY.md "Local taxes"). */
export type RewardedTax = 'vat' | 'enterpriseIncomeTax' | 'businessTax'

/** The tax rewards of §18 whose days are recorded. */
export type TaxRewardMeasure =
  | 'emerging-project-tax-reward'
  | 'startup-tech-sme-tax-reward'
  | 'emerging-top3-tax-reward'

/** Who or what a limit belongs to. */
export type LedgerSubject =
  | { ledger: 'interest-subsidy'; creditCode: string; projectId: string }
  | { ledger: 'top3-award-year'; creditCode: string }
  | { ledger: 'talent-award-year'; personId: string }
  | { ledger: 'rd-platform-grant'; platformId: string }
  | { ledger: 'research-institute-award'; eventId: string }
  | { ledger: 'standards-award'; standardId: string }
  | {
      ledger: 'tax-days'
      measure: TaxRewardMeasure
      creditCode: string
      /** null: the enterprise's own taxes; else the project whose taxes they are */
      projectId: string | null
      tax: RewardedTax
    }
  /**
   * A budget pool (POLICY.md §3 "Budget pools", our addition): a year's budget for one measure,
   * province-wide (prefecture null) or for one prefecture. Its running total is what was drawn, its
   * cap the amount set by the finance bureau (src/engine/budgets.ts).
   */
  | { ledger: 'budget'; year: number; measure: MeasureId; prefecture: string | null }

/**
 * A subject's key as its identifiers were written (the key of ruleset ≤ 1.4.0 decisions). One part is
 * the part itself (an official identifier keeps its own text); several parts are a JSON array, so no
 * label can collide with another ("a/b" + "c" and "a" + "b/c" stay apart).
 */
export const writtenKey = (s: LedgerSubject): string => {
  switch (s.ledger) {
    case 'interest-subsidy':
      return JSON.stringify([s.creditCode, s.projectId])
    case 'top3-award-year':
      return s.creditCode
    case 'talent-award-year':
      return s.personId
    case 'rd-platform-grant':
      return s.platformId
    case 'research-institute-award':
      return s.eventId
    case 'standards-award':
      return s.standardId
    case 'tax-days':
      return JSON.stringify([
        s.measure,
        s.creditCode,
        s.projectId === null ? 'enterprise' : 'project',
        s.projectId,
        s.tax,
      ])
    case 'budget':
      return JSON.stringify([s.year, s.measure, s.prefecture])
  }
}

const LOWER_ASCII = /[a-z]/g
const upper = (c: string) => String.fromCharCode(c.charCodeAt(0) - 32)

/**
 * A key with its Latin letters in upper case (ruleset 1.5.0 on): "nerc-1", "NERC-1" and "Nerc-1" are
 * one platform, as a reader takes them (POLICY.md §0: a platform, institute or standard is granted
 * once; a project's interest subsidy has one cap). Only a–z are folded, exactly as the database's
 * ledger_key_fold does (migration 2026-12-06T2100: translate, not upper(), whose result depends on
 * the server's locale); the other parts of a key (credit codes, measure and tax names, JSON) fold
 * alike on both sides, so two subjects stay apart exactly when their identifiers differ in more than
 * letter case. A budget's key names no identifier and is kept as written: the finance bureau's routes
 * and queues hold it.
 */
export const foldKey = (ledger: string, key: string): string => (ledger === 'budget' ? key : foldCase(key))

/**
 * Text with a–z upper-cased, nothing else changed (foldKey). Ids are almost always ASCII, and on
 * ASCII text toUpperCase changes exactly a–z: one builtin call instead of a regex replace that calls
 * back into JS per letter (~0.7 µs an id; foldCase was ~4–8 % of a 12-measure decision). Any other
 * text takes the replace, since toUpperCase would also change é, ß, ﬁ…
 */
export const foldCase = (text: string): string => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return text.replace(LOWER_ASCII, upper)
  return text.toUpperCase()
}

/** The key a subject is stored under in the ledger tables: its written key, folded (foldKey). */
export const subjectKey = (s: LedgerSubject): string => foldKey(s.ledger, writtenKey(s))

/**
 * What a decision consumes, recorded by the database in the same transaction:
 * - cumulative: adds `amount` to the subject's running total, which must stay ≤ `cap`;
 * - once: the subject's `item` (a tier, a year, or "" for the identifier itself) is granted once, ever;
 * - days: the subject's days in `period` are rewarded once (no two grants overlap).
 */
export type LedgerClaim =
  | { kind: 'cumulative'; subject: LedgerSubject; amount: string; cap: string }
  | { kind: 'once'; subject: LedgerSubject; item: string; amount: string | null }
  | { kind: 'days'; subject: LedgerSubject; period: Period }

/**
 * A tax-days claim as a decision records it: ["days", tax, from, to, credit code] (+ the project id
 * when the taxes are a project's). The subject's ledger is "tax-days" and its measure the outcome's
 * own, so the record does not repeat them: the subject object costs ~150 B of JSON per claim, and a
 * tax reward makes one claim per tax and period. packClaim and unpackClaim convert, exactly.
 */
export type PackedDaysClaim =
  | [kind: 'days', tax: RewardedTax, from: string, to: string, creditCode: string]
  | [kind: 'days', tax: RewardedTax, from: string, to: string, creditCode: string, projectId: string]

/** A claim as a decision records it: packed when it is a tax-days claim of its own measure. */
export type RecordedLedgerClaim = LedgerClaim | PackedDaysClaim

/** The recorded form of a claim made by `measure`. */
export const packClaim = (measure: string, c: LedgerClaim): RecordedLedgerClaim => {
  if (c.kind !== 'days' || c.subject.ledger !== 'tax-days' || c.subject.measure !== measure) return c
  const { tax, creditCode, projectId } = c.subject
  return projectId === null
    ? ['days', tax, c.period.from, c.period.to, creditCode]
    : ['days', tax, c.period.from, c.period.to, creditCode, projectId]
}

/** The claim a recorded claim of `measure` stands for (the object shown and stored in the ledger). */
export const unpackClaim = (measure: string, c: RecordedLedgerClaim): LedgerClaim => {
  if (!Array.isArray(c)) return c
  const [, tax, from, to, creditCode, projectId] = c
  return {
    kind: 'days',
    subject: {
      ledger: 'tax-days',
      measure: measure as TaxRewardMeasure,
      creditCode,
      projectId: projectId ?? null,
      tax,
    },
    period: { from, to },
  }
}

/**
 * A claim as decisions of ruleset 1.0.0 recorded it (a key string per grant). Never produced now;
 * still read from stored decisions, and reproduced by their replay.
 */
export type LedgerClaimOfRuleset100 =
  | { kind: 'cumulative'; ledger: string; key: string; amount: string; cap: string }
  | { kind: 'once'; ledger: string; key: string; amount: string | null }

/** A grant already recorded, as the database hands it back for a locked subject. */
export interface LedgerGrant {
  ledger: LedgerName
  key: string
  kind: 'once' | 'days'
  /** once: the item granted */
  item: string | null
  /** days: the days rewarded */
  period: Period | null
  amount: string | null
  /** the decision that holds the grant, and the enterprise it was made for (null when unknown) */
  decisionId: string | null
  creditCode: string | null
}

/**
 * What was already granted, as far as the limits that span applications care: the running totals of
 * the cumulative subjects and the grants of the others. The engine reads it only as input; the
 * database ledger supplies it (and enforces it again).
 */
export interface History {
  totals?: { ledger: LedgerName; key: string; total: string }[]
  grants?: LedgerGrant[]
  /** the budget pools set for the application's year, measures and prefecture (src/engine/budgets.ts) */
  budgets?: BudgetState[]
}

/**
 * A budget pool as a decision saw it, read under its lock: the amount set, what was drawn, and how
 * many unfunded outcomes submitted before this application wait in its queue.
 */
export interface BudgetState {
  /** subjectKey of the budget subject */
  key: string
  year: number
  measure: MeasureId
  /** null: province-wide */
  prefecture: string | null
  /** yuan, two decimals */
  amount: string
  drawn: string
  /** unfunded outcomes ahead of this application in the budget's queue */
  queued: number
}

const NO_DAYS: readonly (LedgerGrant & { period: Period })[] = Object.freeze([])

/** Reads a History by subject. */
export class LedgerView {
  /**
   * `folded`: keys compare without letter case (ruleset 1.5.0 on: foldKey); a decision of an earlier
   * ruleset replays with the keys it compared, as written.
   */
  constructor(
    private readonly history: History,
    private readonly folded = true,
  ) {}

  private keyOf(subject: LedgerSubject): string {
    return this.folded ? subjectKey(subject) : writtenKey(subject)
  }

  private holds(entry: { ledger: string; key: string }, ledger: LedgerName, key: string): boolean {
    return entry.ledger === ledger && (this.folded ? foldKey(entry.ledger, entry.key) : entry.key) === key
  }

  /** The running total of a cumulative subject, yuan ("0.00" when nothing was granted). */
  total(subject: LedgerSubject): string {
    if (!this.history.totals?.length) return '0.00'
    const key = this.keyOf(subject)
    return this.history.totals?.find((t) => this.holds(t, subject.ledger, key))?.total ?? '0.00'
  }

  /** The grants recorded under a subject, oldest first as the database returned them. */
  grants(subject: LedgerSubject): LedgerGrant[] {
    // an empty history (a first application, a what-if) needs no key
    if (!this.history.grants?.length) return []
    const key = this.keyOf(subject)
    return (this.history.grants ?? []).filter((g) => this.holds(g, subject.ledger, key))
  }

  /** Every grant of a ledger, in the order the history holds them. */
  all(ledger: LedgerName): LedgerGrant[] {
    return (this.history.grants ?? []).filter((g) => g.ledger === ledger)
  }

  /** The grant of one item of a `once` subject, if any. */
  granted(subject: LedgerSubject, item: string): LedgerGrant | undefined {
    return this.grants(subject).find((g) => g.item === item)
  }

  /** The rewarded day ranges of a `days` subject. */
  rewardedDays(subject: LedgerSubject): readonly (LedgerGrant & { period: Period })[] {
    // an empty history: one shared empty list, not two new ones per tax and tax reward
    if (!this.history.grants?.length) return NO_DAYS
    return this.grants(subject).filter((g): g is LedgerGrant & { period: Period } => g.period !== null)
  }
}
