// §18 要支持技术研发平台建设: "对新认定的国家级实验室、国家工程实验室、国家工程（技术）研究中心、国家认定企业
// 技术中心及省级研发平台，分别给予300万元、100万元的一次性补助" — a newly recognised national platform
// receives 3 000 000 yuan once, a provincial R&D platform 1 000 000 yuan once (POLICY.md §2).
// "新认定" (newly recognised) is read as recognised on or after the first day of the policy window.
// "一次性" is once per platform per tier: a platform granted as provincial may later be granted as
// national, never twice at the same tier (history.rdPlatformGrants, then a `once` ledger claim
// keyed `${platformId}:${tier}`). An application may claim several platforms: each is decided on
// its own (details.items) and the grant is their sum (POLICY.md §5 example 4). Since the rulings of
// 2026-12-03 (POLICY.md §0), a platform recognised after the application date is not yet an event
// (EVENT_AFTER_APPLICATION), and a platform is once per tier across all enterprises: a second claim
// names the earlier grant.

import { defineCondition, defineStep } from '../facts.ts'
import { labelOf, PLATFORM_KIND_LABELS } from '../labels.ts'
import type { LedgerSubject } from '../ledgers.ts'
import { type Measure, refuseItem } from '../measure.ts'
import { type Rational, sum } from '../money.ts'
import {
  eventAfterApplication,
  grantedBy,
  describeGrant as grantOf,
  happenedByApplication,
  heldBy,
  isHeld,
} from '../one-time-grants.ts'
import type { PlatformTier } from '../types.ts'

interface ItemResult {
  id: string
  kind: string
  tier: PlatformTier | null
  status: 'eligible' | 'ineligible'
  amount: string | null
  reasons: string[]
}

const SCOPE = 'rd-platform-grant'
/** args: [index, platform id] */
const COVERED = defineCondition(SCOPE, {
  key: 'platform-kind-covered',
  input: (a, [i]) => a.claims!.rdPlatforms![i as number]!.kind,
  threshold: (value) => ({
    national: value('rdPlatform.nationalKinds') ?? [],
    provincial: value('rdPlatform.provincialKinds') ?? [],
  }),
  id: ([i]) => `platform-kind-covered[${i}]`,
  description: ([, id]) => ({
    zh: `平台${id}属于国家级或省级研发平台`,
    en: `platform ${id} is of a national or provincial kind`,
  }),
  comparison: 'in',
})
/** args: [index, platform id] */
const NEWLY = defineCondition(SCOPE, {
  key: 'newly-recognised',
  input: (a, [i]) => a.claims!.rdPlatforms![i as number]!.recognisedOn,
  threshold: (value) => value('policy.windowStart'),
  id: ([i]) => `newly-recognised[${i}]`,
  description: ([, id]) => ({
    zh: `平台${id}在政策实施后新认定`,
    en: `platform ${id} was recognised on or after the start of the policy window`,
  }),
  comparison: '>=',
})
/** args: [index, platform id, tier] */
const NOT_YET = defineCondition(SCOPE, {
  key: 'not-already-granted',
  input: (_, [, platformId, tier]) => ({ platformId, tier }),
  id: ([i]) => `not-already-granted[${i}]`,
  description: ([, id, tier]) => ({
    zh: `平台${id}尚未获得${tier === 'national' ? '国家级' : '省级'}补助`,
    en: `platform ${id} has not yet been granted at the ${tier} tier`,
  }),
  comparison: 'not-in',
})
const TIER_NAMES: Readonly<Record<string, string>> = { national: '国家级', provincial: '省级' }
/** args: [platform id, tier, parameter] */
const GRANT = defineStep(SCOPE, {
  key: 'grant',
  description: ([id, tier]) => ({
    zh: `平台${id}的补助（${TIER_NAMES[tier as string] ?? tier}）`,
    en: `grant for platform ${id} (${tier} tier)`,
  }),
  expression: ([grant], [, , parameter], { show }) => `${parameter} = ${show.yuan(grant!)}`,
})
const TOTAL = defineStep(SCOPE, {
  key: 'total',
  description: { zh: '补助合计', en: 'total grant' },
  expression: (amounts, _, { show }) => amounts.map((a) => show.yuan(a)).join(' + '),
})

export const rdPlatformGrant: Measure = {
  id: 'rd-platform-grant',
  clause: '§18',
  title: {
    zh: '新认定研发平台一次性补助',
    en: 'One-time grant for newly recognised R&D platforms',
  },
  summary: {
    zh: '新认定的国家级研发平台一次性补助300万元，省级研发平台100万元；每个平台每一级别限一次。',
    en: 'A newly recognised national platform receives 3 000 000 yuan, a provincial one 1 000 000 yuan; once per platform and tier.',
  },
  cash: true,
  inputs: ['/claims/rdPlatforms'],

  subjects: (application) => (application.claims?.rdPlatforms ?? []).map((p) => subjectOf(p.id)),

  evaluate(run) {
    const platforms = run.application.claims?.rdPlatforms
    if (!platforms || platforms.length === 0) return run.missing(['/claims/rdPlatforms'])

    const windowStart = run.params.date('policy.windowStart', run.asOf)
    const nationalKinds = run.params.list('rdPlatform.nationalKinds', run.asOf)
    const provincialKinds = run.params.list('rdPlatform.provincialKinds', run.asOf)
    // The first rules listed every earlier grant of the claimed platforms as the threshold.
    const grantedV1 = run.rulings
      ? []
      : run.granted.all('rd-platform-grant').map((g) => ({ platformId: g.key, tier: g.item }))
    const amounts: Rational[] = []

    const items = platforms.map((platform, i): ItemResult => {
      const field = `/claims/rdPlatforms/${i}`
      const item: ItemResult = {
        id: platform.id,
        kind: platform.kind,
        tier: null,
        status: 'ineligible',
        amount: null,
        reasons: [],
      }

      const tier: PlatformTier | null = nationalKinds.includes(platform.kind)
        ? 'national'
        : provincialKinds.includes(platform.kind)
          ? 'provincial'
          : null
      item.tier = tier
      const covered = run.test(COVERED, undefined, undefined, tier !== null, [i, platform.id])
      if (!covered || tier === null) {
        return refuseItem(
          run,
          item,
          'PLATFORM_KIND_NOT_COVERED',
          run.labels
            ? {
                zh: `平台${platform.id}的类型（${labelOf(PLATFORM_KIND_LABELS, platform.kind).zh}）不在补助范围内`,
                en: `platform ${platform.id}: a ${labelOf(PLATFORM_KIND_LABELS, platform.kind).en} is not covered`,
              }
            : {
                zh: `平台${platform.id}的类型${platform.kind}不在补助范围内`,
                en: `platform ${platform.id}: kind ${platform.kind} is not covered`,
              },
          `${field}/kind`,
        )
      }

      const isNew = run.test(NEWLY, undefined, undefined, platform.recognisedOn >= windowStart, [
        i,
        platform.id,
      ])
      if (!isNew) {
        return refuseItem(
          run,
          item,
          'NOT_NEWLY_RECOGNISED',
          {
            zh: `平台${platform.id}于${platform.recognisedOn}认定，早于政策实施日${windowStart}`,
            en: `platform ${platform.id} was recognised on ${platform.recognisedOn}, before ${windowStart}`,
          },
          `${field}/recognisedOn`,
        )
      }

      const what = { zh: `平台${platform.id}的认定`, en: `the recognition of platform ${platform.id}` }
      if (run.rulings && !happenedByApplication(run, i, what, platform.recognisedOn)) {
        return refuseItem(
          run,
          item,
          'EVENT_AFTER_APPLICATION',
          eventAfterApplication(what, platform.recognisedOn, run.application.applicationDate),
          `${field}/recognisedOn`,
        )
      }

      const earlier = run.granted.granted(subjectOf(platform.id), tier)
      const notYet = run.test(
        NOT_YET,
        undefined,
        run.rulings ? (earlier ? [{ platformId: platform.id, tier, ...grantOf(earlier) }] : []) : grantedV1,
        earlier === undefined,
        [i, platform.id, tier],
      )
      if (!notYet) {
        if (run.holdsUnfunded && isHeld(earlier)) {
          const held = heldBy(
            {
              zh: `平台${platform.id}的${tier === 'national' ? '国家级' : '省级'}一次性补助`,
              en: `platform ${platform.id}'s ${tier} grant`,
            },
            earlier,
          )
          return refuseItem(run, item, held.code, held.message, `${field}/id`)
        }
        const by = earlier && run.rulings ? grantedBy(earlier) : { zh: '', en: '' }
        return refuseItem(
          run,
          item,
          'ALREADY_GRANTED',
          {
            zh: `平台${platform.id}已获得${tier === 'national' ? '国家级' : '省级'}一次性补助${by.zh}`,
            en: `platform ${platform.id} was already granted at the ${tier} tier${by.en}`,
          },
          `${field}/id`,
        )
      }

      const parameter = tier === 'national' ? 'rdPlatform.nationalGrant' : 'rdPlatform.provincialGrant'
      const grant = run.params.requireDecimal(parameter, run.asOf)
      const amount = run.step(GRANT, grant, [grant], [platform.id, tier, parameter])
      amounts.push(amount)
      run.claim({ kind: 'once', subject: subjectOf(platform.id), item: tier, amount: amount.toMoney() })
      item.status = 'eligible'
      item.amount = amount.toMoney()
      return item
    })

    if (amounts.length === 0) return run.ineligibleWithReasons({ items })
    const total = amounts.length === 1 ? amounts[0]! : run.step(TOTAL, sum(amounts), amounts)
    return run.cash(total, { items })
  },
}

const subjectOf = (platformId: string): LedgerSubject => ({ ledger: 'rd-platform-grant', platformId })
