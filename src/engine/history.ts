// What was already granted, in the words of a person asking "what if": the summary a stateless
// evaluation takes (POST /v1/evaluations `history`), and the form decisions of ruleset 1.0.0 stored.
// historyFromSummary turns it into the engine's History for this application's enterprise and
// project, keyed as the ids are written (src/engine/ledgers.ts writtenKey): the engine folds the
// keys itself when its ruleset compares them without letter case.

import type { Period } from './dates.ts'
import type { History, LedgerGrant, RewardedTax, TaxRewardMeasure } from './ledgers.ts'
import { writtenKey } from './ledgers.ts'
import type { Application, PlatformTier } from './types.ts'

export interface GrantedSummary {
  /** cumulative interest subsidy already granted to this enterprise's project, yuan */
  interestSubsidyGranted?: string
  rdPlatformGrants?: { platformId: string; tier: PlatformTier }[]
  researchEventAwards?: string[]
  standardsAwards?: string[]
  top3AwardYears?: number[]
  talentAwardYears?: { personId: string; years: number[] }[]
  /** days a tax reward already paid for, per tax (the enterprise's own taxes, or its project's) */
  rewardedTaxDays?: { measure: TaxRewardMeasure; tax: RewardedTax; from: string; to: string }[]
}

const grant = (
  g: Pick<LedgerGrant, 'ledger' | 'key' | 'kind'> & { item?: string; period?: Period },
): LedgerGrant => ({
  ledger: g.ledger,
  key: g.key,
  kind: g.kind,
  item: g.item ?? null,
  period: g.period ?? null,
  amount: null,
  decisionId: null,
  creditCode: null,
})

export const historyFromSummary = (application: Application, summary: GrantedSummary): History => {
  const creditCode = application.enterprise.creditCode
  const project = application.project
  const totals: NonNullable<History['totals']> = []
  const grants: LedgerGrant[] = []
  if (summary.interestSubsidyGranted !== undefined && project) {
    totals.push({
      ledger: 'interest-subsidy',
      key: writtenKey({ ledger: 'interest-subsidy', creditCode, projectId: project.id }),
      total: summary.interestSubsidyGranted,
    })
  }
  for (const p of summary.rdPlatformGrants ?? [])
    grants.push(grant({ ledger: 'rd-platform-grant', key: p.platformId, kind: 'once', item: p.tier }))
  for (const id of summary.researchEventAwards ?? [])
    grants.push(grant({ ledger: 'research-institute-award', key: id, kind: 'once', item: '' }))
  for (const id of summary.standardsAwards ?? [])
    grants.push(grant({ ledger: 'standards-award', key: id, kind: 'once', item: '' }))
  for (const year of summary.top3AwardYears ?? [])
    grants.push(grant({ ledger: 'top3-award-year', key: creditCode, kind: 'once', item: String(year) }))
  for (const t of summary.talentAwardYears ?? []) {
    for (const year of t.years)
      grants.push(grant({ ledger: 'talent-award-year', key: t.personId, kind: 'once', item: String(year) }))
  }
  for (const d of summary.rewardedTaxDays ?? []) {
    const projectId = d.measure === 'emerging-project-tax-reward' ? (project?.id ?? null) : null
    const key = writtenKey({ ledger: 'tax-days', measure: d.measure, creditCode, projectId, tax: d.tax })
    grants.push(grant({ ledger: 'tax-days', key, kind: 'days', period: { from: d.from, to: d.to } }))
  }
  return { ...(totals.length > 0 ? { totals } : {}), ...(grants.length > 0 ? { grants } : {}) }
}

/** Whether a stored history is a summary (decisions of ruleset 1.0.0) rather than the ledger's form. */
export const isSummary = (h: unknown): h is GrantedSummary =>
  typeof h === 'object' && h !== null && !('totals' in h) && !('grants' in h) && !('budgets' in h)
