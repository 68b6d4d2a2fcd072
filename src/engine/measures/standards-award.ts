// §18 要鼓励企业转型升级: "对主导制定国家或行业标准的企业、获得国家认定新产品的企业，由省政府给予一次性
// 奖励" — an enterprise that led a national or industry standard, or obtained a nationally certified
// new product, receives a one-time award. The source fixes no amount: parameter standardsAward.amount
// is unset by default, and then an otherwise eligible claim is `needs-review` (AMOUNT_NOT_SET), for
// the province to decide (POLICY.md §2). When the amount is set (by the ruleset or a request's
// override) it is paid once per standard or certificate, across all enterprises (the ledger
// "standards-award", keyed by its number; a second claim names the earlier grant). As for the other
// §18 awards, we read it as covering standards and certificates dated on or after the first day of
// the policy window, and (ruling of 2026-12-03) on or before the application date. Several claims are
// decided one by one (details.items).

import { defineCondition, defineStep } from '../facts.ts'
import type { LedgerSubject } from '../ledgers.ts'
import { type Measure, refuseItem } from '../measure.ts'
import { type Rational, sum } from '../money.ts'
import { describeGrant, eventAfterApplication, grantedBy, happenedByApplication } from '../one-time-grants.ts'

interface ItemResult {
  id: string
  kind: string
  status: 'eligible' | 'ineligible' | 'needs-review'
  amount: string | null
  reasons: string[]
}

const SCOPE = 'standards-award'
/** args: [index, id] */
const IN_WINDOW = defineCondition(SCOPE, {
  key: 'standard-in-policy-window',
  input: (a, [i]) => a.claims!.standards![i as number]!.date,
  threshold: (value) => value('policy.windowStart'),
  id: ([i]) => `standard-in-policy-window[${i}]`,
  description: ([, id]) => ({
    zh: `标准或认定${id}在政策实施之后取得`,
    en: `standard or certificate ${id} dates from on or after the start of the policy window`,
  }),
  comparison: '>=',
})
/** args: [index, id] */
const NOT_YET = defineCondition(SCOPE, {
  key: 'not-already-awarded',
  input: (_, [, id]) => id,
  id: ([i]) => `not-already-awarded[${i}]`,
  description: ([, id]) => ({
    zh: `标准或认定${id}尚未获奖`,
    en: `standard or certificate ${id} has not been awarded yet`,
  }),
  comparison: 'not-in',
})
/** args: [id] */
const AWARD = defineStep(SCOPE, {
  key: 'award',
  description: ([id]) => ({ zh: `${id}的奖励`, en: `award for ${id}` }),
  expression: ([award], _, { show }) => `standardsAward.amount = ${show.yuan(award!)}`,
})
const TOTAL = defineStep(SCOPE, {
  key: 'total',
  description: { zh: '奖励合计', en: 'total award' },
  expression: (amounts, _, { show }) => amounts.map((a) => show.yuan(a)).join(' + '),
})

export const standardsAward: Measure = {
  id: 'standards-award',
  clause: '§18',
  title: {
    zh: '主导制定标准、国家认定新产品一次性奖励',
    en: 'One-time award for leading a standard or a nationally certified new product',
  },
  summary: {
    zh: '主导制定国家或行业标准、获得国家认定新产品的企业，由省政府给予一次性奖励；金额由省政府确定。',
    en: 'A one-time award per standard or certified new product; the province sets the amount.',
  },
  cash: true,
  inputs: ['/claims/standards'],

  subjects: (application) => (application.claims?.standards ?? []).map((s) => subjectOf(s.id)),

  evaluate(run) {
    const standards = run.application.claims?.standards
    if (!standards || standards.length === 0) return run.missing(['/claims/standards'])

    const windowStart = run.params.date('policy.windowStart', run.asOf)
    // The first rules listed every earlier award of the claimed items as the threshold.
    const awardedV1 = run.rulings ? [] : run.granted.all('standards-award').map((g) => g.key)

    const items = standards.map((standard, i): ItemResult => {
      const field = `/claims/standards/${i}`
      const item: ItemResult = {
        id: standard.id,
        kind: standard.kind,
        status: 'ineligible',
        amount: null,
        reasons: [],
      }

      const inWindow = run.test(IN_WINDOW, undefined, undefined, standard.date >= windowStart, [
        i,
        standard.id,
      ])
      if (!inWindow) {
        return refuseItem(
          run,
          item,
          'BEFORE_POLICY_WINDOW',
          {
            zh: `标准或认定${standard.id}取得于${standard.date}，早于政策实施日${windowStart}`,
            en: `standard or certificate ${standard.id} dates from ${standard.date}, before ${windowStart}`,
          },
          `${field}/date`,
        )
      }

      const what = { zh: `标准或认定${standard.id}`, en: `standard or certificate ${standard.id}` }
      if (run.rulings && !happenedByApplication(run, i, what, standard.date)) {
        return refuseItem(
          run,
          item,
          'EVENT_AFTER_APPLICATION',
          eventAfterApplication(what, standard.date, run.application.applicationDate),
          `${field}/date`,
        )
      }

      const earlier = run.granted.granted(subjectOf(standard.id), '')
      const notYet = run.test(
        NOT_YET,
        undefined,
        run.rulings ? (earlier ? [{ id: standard.id, ...describeGrant(earlier) }] : []) : awardedV1,
        earlier === undefined,
        [i, standard.id],
      )
      if (!notYet) {
        const by = earlier && run.rulings ? grantedBy(earlier) : { zh: '', en: '' }
        // ruleset 1.5.0: held by a decision that awaits the province's amount, not yet awarded. A
        // grant of the ledger (or of an earlier row of a batch, dry runs included) names its
        // enterprise; an award declared in a what-if summary names none and has no amount either.
        if (
          run.holdsPending &&
          earlier !== undefined &&
          earlier.amount === null &&
          earlier.creditCode !== null
        ) {
          return refuseItem(
            run,
            item,
            'ALREADY_CLAIMED',
            {
              zh: `标准或认定${standard.id}已由另一决定申报，待省政府确定奖励金额${by.zh}`,
              en: `standard or certificate ${standard.id} is already claimed, awaiting the province's amount${by.en}`,
            },
            `${field}/id`,
          )
        }
        return refuseItem(
          run,
          item,
          'ALREADY_GRANTED',
          {
            zh: `标准或认定${standard.id}已获奖励${by.zh}`,
            en: `standard or certificate ${standard.id} was already awarded${by.en}`,
          },
          `${field}/id`,
        )
      }
      item.status = 'eligible'
      return item
    })

    const eligible = items.filter((item) => item.status === 'eligible')
    if (eligible.length === 0) return run.ineligibleWithReasons({ items })

    const award = run.params.decimal('standardsAward.amount', run.asOf)
    if (award === null) {
      for (const item of eligible) item.status = 'needs-review'
      // Held for this decision (ruleset 1.5.0): a once claim without an amount, so a second claim of
      // the standard is refused while this one waits; a correction gives it back (releaseGrants).
      if (run.holdsPending)
        for (const item of eligible)
          run.claim({ kind: 'once', subject: subjectOf(item.id), item: '', amount: null })
      return run.needsReview(
        'AMOUNT_NOT_SET',
        {
          zh: '原文未规定奖励金额（由省政府给予一次性奖励），需省政府确定金额',
          en: 'the source fixes no amount (a one-time award by the provincial government): the province must set it',
        },
        { items },
        run.holdsPending,
      )
    }

    const amounts: Rational[] = eligible.map((item) => {
      const amount = run.step(AWARD, award, [award], [item.id])
      run.claim({ kind: 'once', subject: subjectOf(item.id), item: '', amount: amount.toMoney() })
      item.amount = amount.toMoney()
      return amount
    })
    const total = amounts.length === 1 ? amounts[0]! : run.step(TOTAL, sum(amounts), amounts)
    return run.cash(total, { items })
  },
}

const subjectOf = (standardId: string): LedgerSubject => ({ ledger: 'standards-award', standardId })
