// §18 要支持技术研发平台建设: "对组建研究院、实现重大科技成果产业化的企业或单位给予100万元奖励" — an
// enterprise or unit that founded a research institute, or industrialised a major S&T achievement,
// receives 1 000 000 yuan per event (POLICY.md §2). Each institute or achievement is awarded once
// (history.researchEventAwards, then a `once` ledger claim keyed by the event id). We read the award
// as one for events on or after the first day of the policy window, as for the other §18 awards:
// the policy rewards what it set out to encourage, not what came before it. An application may claim
// several events: each is decided on its own (details.items) and the award is their sum. Since the
// rulings of 2026-12-03 (POLICY.md §0), an event dated after the application date has not happened
// (EVENT_AFTER_APPLICATION), and an institute or achievement is once across all enterprises: a second
// claim names the earlier grant.

import { defineCondition, defineStep } from '../facts.ts'
import type { LedgerSubject } from '../ledgers.ts'
import { type Measure, refuseItem } from '../measure.ts'
import { type Rational, sum } from '../money.ts'
import {
  describeGrant,
  eventAfterApplication,
  grantedBy,
  happenedByApplication,
  heldBy,
  isHeld,
} from '../one-time-grants.ts'

interface ItemResult {
  id: string
  kind: string
  status: 'eligible' | 'ineligible'
  amount: string | null
  reasons: string[]
}

const SCOPE = 'research-institute-award'
/** args: [index, id] */
const IN_WINDOW = defineCondition(SCOPE, {
  key: 'event-in-policy-window',
  input: (a, [i]) => a.claims!.researchEvents![i as number]!.date,
  threshold: (value) => value('policy.windowStart'),
  id: ([i]) => `event-in-policy-window[${i}]`,
  description: ([, id]) => ({
    zh: `事项${id}发生在政策实施之后`,
    en: `event ${id} took place on or after the start of the policy window`,
  }),
  comparison: '>=',
})
/** args: [index, id] */
const NOT_YET = defineCondition(SCOPE, {
  key: 'not-already-awarded',
  input: (_, [, id]) => id,
  id: ([i]) => `not-already-awarded[${i}]`,
  description: ([, id]) => ({ zh: `事项${id}尚未获奖`, en: `event ${id} has not been awarded yet` }),
  comparison: 'not-in',
})
/** args: [id] */
const AWARD = defineStep(SCOPE, {
  key: 'award',
  description: ([id]) => ({ zh: `事项${id}的奖励`, en: `award for event ${id}` }),
  expression: ([award], _, { show }) => `researchInstitute.awardPerEvent = ${show.yuan(award!)}`,
})
const TOTAL = defineStep(SCOPE, {
  key: 'total',
  description: { zh: '奖励合计', en: 'total award' },
  expression: (amounts, _, { show }) => amounts.map((a) => show.yuan(a)).join(' + '),
})

export const researchInstituteAward: Measure = {
  id: 'research-institute-award',
  clause: '§18',
  title: {
    zh: '组建研究院、重大科技成果产业化奖励',
    en: 'Award for founding a research institute or industrialising a major S&T achievement',
  },
  summary: {
    zh: '每组建一个研究院或实现一项重大科技成果产业化奖励100万元，每项限一次。',
    en: '1 000 000 yuan per research institute founded or major achievement industrialised, once each.',
  },
  cash: true,
  inputs: ['/claims/researchEvents'],

  subjects: (application) => (application.claims?.researchEvents ?? []).map((e) => subjectOf(e.id)),

  evaluate(run) {
    const events = run.application.claims?.researchEvents
    if (!events || events.length === 0) return run.missing(['/claims/researchEvents'])

    const windowStart = run.params.date('policy.windowStart', run.asOf)
    // The first rules listed every earlier award of the claimed events as the threshold.
    const awardedV1 = run.rulings ? [] : run.granted.all('research-institute-award').map((g) => g.key)
    const amounts: Rational[] = []

    const items = events.map((event, i): ItemResult => {
      const field = `/claims/researchEvents/${i}`
      const item: ItemResult = {
        id: event.id,
        kind: event.kind,
        status: 'ineligible',
        amount: null,
        reasons: [],
      }

      const inWindow = run.test(IN_WINDOW, undefined, undefined, event.date >= windowStart, [i, event.id])
      if (!inWindow) {
        return refuseItem(
          run,
          item,
          'BEFORE_POLICY_WINDOW',
          {
            zh: `事项${event.id}发生于${event.date}，早于政策实施日${windowStart}`,
            en: `event ${event.id} took place on ${event.date}, before ${windowStart}`,
          },
          `${field}/date`,
        )
      }

      const what = { zh: `事项${event.id}`, en: `event ${event.id}` }
      if (run.rulings && !happenedByApplication(run, i, what, event.date)) {
        return refuseItem(
          run,
          item,
          'EVENT_AFTER_APPLICATION',
          eventAfterApplication(what, event.date, run.application.applicationDate),
          `${field}/date`,
        )
      }

      const earlier = run.granted.granted(subjectOf(event.id), '')
      const notYet = run.test(
        NOT_YET,
        undefined,
        run.rulings ? (earlier ? [{ id: event.id, ...describeGrant(earlier) }] : []) : awardedV1,
        earlier === undefined,
        [i, event.id],
      )
      if (!notYet) {
        if (run.holdsUnfunded && isHeld(earlier)) {
          const held = heldBy({ zh: `事项${event.id}的奖励`, en: `the award for event ${event.id}` }, earlier)
          return refuseItem(run, item, held.code, held.message, `${field}/id`)
        }
        const by = earlier && run.rulings ? grantedBy(earlier) : { zh: '', en: '' }
        return refuseItem(
          run,
          item,
          'ALREADY_GRANTED',
          { zh: `事项${event.id}已获奖励${by.zh}`, en: `event ${event.id} was already awarded${by.en}` },
          `${field}/id`,
        )
      }

      const award = run.params.requireDecimal('researchInstitute.awardPerEvent', run.asOf)
      const amount = run.step(AWARD, award, [award], [event.id])
      amounts.push(amount)
      run.claim({ kind: 'once', subject: subjectOf(event.id), item: '', amount: amount.toMoney() })
      item.status = 'eligible'
      item.amount = amount.toMoney()
      return item
    })

    if (amounts.length === 0) return run.ineligibleWithReasons({ items })
    const total = amounts.length === 1 ? amounts[0]! : run.step(TOTAL, sum(amounts), amounts)
    return run.cash(total, { items })
  },
}

const subjectOf = (eventId: string): LedgerSubject => ({ ledger: 'research-institute-award', eventId })
