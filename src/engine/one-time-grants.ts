// What the §18 one-time grants (R&D platform, research institute or achievement, standard or
// certificate) share under POLICY.md §0's rulings of 2026-12-03:
// - "Events count only once they have happened": an item dated after the application date is
//   EVENT_AFTER_APPLICATION;
// - official identifiers are once across all enterprises: a second claim is ALREADY_GRANTED and the
//   decision names the earlier grant (decision and enterprise) for review.

import { defineCondition } from './facts.ts'
import type { LedgerGrant } from './ledgers.ts'
import type { MeasureRun } from './measure.ts'
import type { Text } from './trace.ts'

/** args: [index, what (zh), what (en)] */
const HAPPENED = defineCondition('', {
  key: 'event-on-or-before-application',
  threshold: (_, __, application) => application.applicationDate,
  id: ([index]) => `event-on-or-before-application[${index}]`,
  clause: '§0',
  description: ([, zh, en]) => ({
    zh: `${zh}发生在申请日或之前`,
    en: `${en} happened on or before the application date`,
  }),
  comparison: '<=',
})

/** Records whether the item's date is on or before the application date; returns that. */
export const happenedByApplication = (run: MeasureRun, index: number, what: Text, date: string): boolean => {
  const applicationDate = run.application.applicationDate
  return run.test(HAPPENED, date, undefined, date <= applicationDate, [index, what.zh, what.en])
}

export const eventAfterApplication = (what: Text, date: string, applicationDate: string): Text => ({
  zh: `${what.zh}的日期${date}晚于申请日${applicationDate}，尚未发生`,
  en: `${what.en} is dated ${date}, after the application date ${applicationDate}: it has not happened yet`,
})

/** The earlier grant, as the trace and the reason name it. */
export const describeGrant = (
  grant: LedgerGrant,
): { decision: string | null; enterprise: string | null } => ({
  decision: grant.decisionId,
  enterprise: grant.creditCode,
})

/** "已由企业X的决定D授予" / "granted by decision D to enterprise X" */
export const grantedBy = (grant: LedgerGrant): Text => ({
  zh: `（决定${grant.decisionId ?? '未知'}，企业${grant.creditCode ?? '未知'}）`,
  en: ` (decision ${grant.decisionId ?? 'unknown'}, enterprise ${grant.creditCode ?? 'unknown'})`,
})

/**
 * A grant recorded without an amount for a decision still waiting — held, not paid: a standards award
 * awaiting the province's amount (ruleset 1.5.0 on), an unfunded outcome waiting on its budget (1.6.0
 * on). A what-if summary's declared grant has no amount either, but names no enterprise.
 */
export const isHeld = (grant: LedgerGrant | undefined): grant is LedgerGrant =>
  grant !== undefined && grant.amount === null && grant.creditCode !== null

/**
 * Ruleset 1.6.0: the refusal of a one-time grant another decision holds while it waits. ALREADY_CLAIMED
 * naming that decision, not ALREADY_GRANTED: nothing has been paid yet.
 */
export const heldBy = (what: Text, grant: LedgerGrant): { code: 'ALREADY_CLAIMED'; message: Text } => {
  const by = grantedBy(grant)
  return {
    code: 'ALREADY_CLAIMED',
    message: {
      zh: `${what.zh}已由另一决定申报，该决定尚待确定金额或预算拨付${by.zh}`,
      en: `${what.en} is already claimed by a decision still awaiting its amount or its budget${by.en}`,
    },
  }
}
