// §18 concentration check over what was actually paid (POLICY.md §3): the stored decisions' paid
// outcomes, gathered by a repository into groups that share the same designations, become the
// disbursements of fundConcentration. Which designations make a disbursement "key" (重点产业、重点企业、
// 重点项目) is the dated parameter fundConcentration.keyDesignations; an enterprise ranked within
// top3Reward.maxRank of an emerging industry is a key enterprise. Pure: the caller reads the data.

import { EngineError } from '../errors.ts'
import { labelsOf } from '../labels.ts'
import type { Text } from '../trace.ts'
import { Computation, type FinanceOptions } from './computation.ts'
import { type Disbursement, type FundConcentrationResult, fundConcentration } from './fund-concentration.ts'

export const KEY_DESIGNATIONS = [
  'emerging-industry',
  'key-transformation-library',
  'major-transformation-project',
  'emerging-top3-enterprise',
] as const
export type KeyDesignation = (typeof KEY_DESIGNATIONS)[number]

const KEY_DESIGNATION_LABELS: Readonly<Record<KeyDesignation, Text>> = {
  'emerging-industry': { zh: '新兴产业项目', en: 'emerging industry' },
  'key-transformation-library': { zh: '重点技改项目库项目', en: 'key transformation project library' },
  'major-transformation-project': { zh: '重大转型升级项目', en: 'major transformation project' },
  'emerging-top3-enterprise': { zh: '新兴产业综合排名前三的企业', en: 'emerging-industry top-3 enterprise' },
}

/** Paid outcomes that share their designations: one group of stored disbursements. */
export interface PaidGroup {
  /** the project is in one of the six emerging industries (§5) */
  emergingIndustry: boolean
  /** the project is in the provincial key transformation project library (§15) */
  keyTransformationLibrary: boolean
  /** the project is designated a major transformation-and-upgrading project (§14) */
  majorTransformationProject: boolean
  /** the enterprise's rank in an emerging industry's comprehensive ranking, if any (§18) */
  emergingIndustryRank: number | null
  /** paid outcomes in the group */
  count: number
  /** yuan, two decimals: the sum paid */
  amount: string
}

export interface StoredDisbursementGroup {
  id: string
  designations: KeyDesignation[]
  key: boolean
  count: number
  amount: string
}

export type StoredFundConcentrationResult = FundConcentrationResult & {
  groups: StoredDisbursementGroup[]
}

/** `maxRank` null: the §18 top-3 reward is not in force on that date, so no enterprise is "top 3". */
const designationsOf = (g: PaidGroup, maxRank: number | null): KeyDesignation[] => {
  const has: Record<KeyDesignation, boolean> = {
    'emerging-industry': g.emergingIndustry,
    'key-transformation-library': g.keyTransformationLibrary,
    'major-transformation-project': g.majorTransformationProject,
    'emerging-top3-enterprise':
      maxRank !== null && g.emergingIndustryRank !== null && g.emergingIndustryRank <= maxRank,
  }
  return KEY_DESIGNATIONS.filter((d) => has[d])
}

export const fundConcentrationFromPaid = (
  groups: readonly PaidGroup[],
  options: FinanceOptions,
): StoredFundConcentrationResult => {
  // Read through a recorder, so the result's trace names these parameters with the engine's own.
  const c = new Computation('§18', options)
  const keyDesignations = c.params.list('fundConcentration.keyDesignations', options.asOf)
  // Before the policy is in force (a year before 2014, an asOf before its window) the rank has no
  // value: the check still runs and says NOT_IN_FORCE, as the POST form does, never a server error.
  const maxRank = c.params.isSet('top3Reward.maxRank', options.asOf)
    ? c.params.integer('top3Reward.maxRank', options.asOf)
    : null
  const seen = new Set<string>()
  const described = groups.map((g, i) => {
    if (!Number.isSafeInteger(g.count) || g.count < 1)
      throw new EngineError('InvalidInput', `/groups/${i}/count`, {
        zh: '数量应不小于 1',
        en: 'expected a count of at least 1',
      })
    const designations = designationsOf(g, maxRank)
    const base = designations.length > 0 ? designations.join('+') : 'none'
    // Two ranks above maxRank give the same designations: their groups are told apart by rank.
    const id = seen.has(base) ? `${base}#${i}` : base
    seen.add(id)
    return {
      id,
      designations,
      key: designations.some((d) => keyDesignations.includes(d)),
      count: g.count,
      amount: g.amount,
    }
  })
  const disbursements: Disbursement[] = described.map((g) => ({ id: g.id, amount: g.amount, key: g.key }))
  const result = fundConcentration({ disbursements }, options)
  // The engine saw one disbursement per group; the counts are of the paid outcomes behind them.
  const count = described.reduce((n, g) => n + g.count, 0)
  const keyCount = described.filter((g) => g.key).reduce((n, g) => n + g.count, 0)
  const designated = labelsOf(KEY_DESIGNATION_LABELS, keyDesignations)
  c.note({
    zh: `已拨付结果${count}项，按认定分为${described.length}组；认定为${designated.zh || '（无）'}之一的为重点投向`,
    en: `${count} paid outcomes in ${described.length} groups by designation; key when designated ${keyDesignations.join(', ') || '(nothing)'}`,
  })
  const trace = {
    ...result.trace,
    parameters: [...c.trace.parameters, ...result.trace.parameters],
    notes: [...c.trace.notes, ...result.trace.notes],
  }
  return { ...result, trace, totals: { ...result.totals, count, keyCount }, groups: described }
}
