// §19 要创新激励机制: "对省级以上工业园区优秀的企业高管和高级技术人才，年度缴纳的个人所得税地方留成部分，
// 给予连续3年奖励" — excellent executives and senior technical talents of enterprises in industrial
// parks of provincial level or above are rewarded, for 3 consecutive years, with the local retained
// share of the individual income tax they paid for the year.
//
// Reading (POLICY.md §2): the park is the project's park, and "省级以上" includes the provincial level
// (talentReward.parkLevels); the person must be designated excellent (优秀); the reward is 100%
// (talentReward.rate) × the local retained share of individual income tax in force for that year
// (localShare.individualIncomeTax, 40%) × the person's tax for the year. "连续3年" runs from the
// person's first award year: years first … first+2 (talentReward.consecutiveYears), each once; a
// skipped year inside that span is lost. Award years come from history.talentAwardYears and from
// the earlier years claimed in this application. Each person-year is decided on its own
// (details.items); the measure pays the sum, rounded once, when anyone gets money.
//
// Rulings of 2026-12-03 (POLICY.md §0): a person's id is once across all enterprises, and a person's
// tax year is a tax period rewarded once — the ledger "talent-award-year" keeps (person, year). A year
// already rewarded for the same enterprise is ALREADY_REWARDED, for another enterprise ALREADY_GRANTED;
// both name the earlier decision. The outcome is rounded once and its ledger entries (one per
// person-year) sum to it exactly: each item gets its amount rounded down to the fen, and the fens left
// go one each to the largest remainders (ties: the order of the claims), shown in the trace.

import { defineCondition, defineNote, defineStep, type Exact, exact } from '../facts.ts'
import { labelOf, PARK_LEVEL_LABELS } from '../labels.ts'
import { foldCase, type LedgerSubject } from '../ledgers.ts'
import type { Measure } from '../measure.ts'
import { allocateFen, formatFen, Rational, sum } from '../money.ts'
import { heldBy, isHeld } from '../one-time-grants.ts'
import { foldsPersonYears, windowClause } from '../ruleset.ts'
import { calendarYear, checkWholeNumber, localShareFor, parseTaxAmount } from '../tax.ts'
import type { Text } from '../trace.ts'
import type { Reason } from '../types.ts'

const SCOPE = 'talent-iit-reward'
/** "Name (person id)" from a fact's [name, person id, …] */
const who = (args: readonly unknown[]) => `${args[0]} (${args[1]})`

const IN_PARK = defineCondition(SCOPE, {
  key: 'park-provincial-or-above',
  input: (a) => a.project!.park?.level ?? null,
  description: {
    zh: '企业位于省级以上工业园区',
    en: 'the enterprise is in a park of provincial level or above',
  },
  comparison: 'in',
  threshold: (value) => value('talentReward.parkLevels') ?? [],
})
/** args: [name, person id, year] */
const DESIGNATED = defineCondition(SCOPE, {
  key: 'designated-excellent',
  id: ([, person, year]) => `designated-excellent:${person}:${year}`,
  description: (a) => ({
    zh: `${who(a)}为认定的优秀企业高管或高级技术人才`,
    en: `${who(a)} is a designated excellent executive or senior technical talent`,
  }),
  comparison: 'is',
})
/** args: [name, person id, year] */
const YEAR_IN_WINDOW = defineCondition(SCOPE, {
  key: 'year-within-policy-window',
  input: (_, [, , year]) => year,
  threshold: (value) => ({ from: value('policy.windowStart'), to: value('policy.windowEnd') }),
  id: ([, person, year]) => `year-within-policy-window:${person}:${year}`,
  clause: ({ rulings }) => windowClause(rulings),
  description: { zh: '纳税年度在政策适用期内', en: 'the tax year lies within the policy window' },
  comparison: 'in',
})
/** args: [name, person id, year] */
const NOT_YET = defineCondition(SCOPE, {
  key: 'year-not-yet-awarded',
  input: (_, [, , year]) => year,
  id: ([, person, year]) => `year-not-yet-awarded:${person}:${year}`,
  description: (a) => ({
    zh: `${who(a)}该年度尚未获奖`,
    en: `${who(a)} has not been rewarded for the year yet`,
  }),
  comparison: 'not-in',
})
/** args: [name, person id, year, consecutive years] */
const WITHIN_RUN = defineCondition(SCOPE, {
  key: 'within-consecutive-years',
  input: (_, [, , year]) => year,
  id: ([, person, year]) => `within-consecutive-years:${person}:${year}`,
  description: (a) => ({
    zh: `${who(a)}的奖励年度在首个奖励年度起连续${a[3]}年内`,
    en: `the year lies within the ${a[3]} consecutive years from ${who(a)}'s first award year`,
  }),
  comparison: 'in',
})
/** args: [name, person id, year] */
const LOCAL = defineStep(SCOPE, {
  key: 'local-iit',
  description: (a) => ({
    zh: `${who(a)}，${a[2]}年度缴纳的个人所得税地方留成部分`,
    en: `local retained individual income tax of ${who(a)}, ${a[2]}`,
  }),
  expression: ([share, tax], _, { show }) => `${show.number(share!)} × ${show.yuan(tax!)}`,
})
/** args: [name, person id, year] */
const PERSON_REWARD = defineStep(SCOPE, {
  key: 'person-reward',
  description: (a) => ({ zh: `${who(a)}，${a[2]}年度奖励`, en: `reward for ${who(a)}, ${a[2]}` }),
  expression: ([rate, local], _, { show }) => `${show.number(rate!)} × ${show.yuan(local!)}`,
})
const TOTAL = defineStep(SCOPE, {
  key: 'total',
  description: { zh: '奖励合计（全部人员）', en: 'reward, all persons' },
  expression: (rewards, _, { show }) => rewards.map((r) => show.yuan(r)).join(' + '),
})
/** args: [name, person id, year]; operands: [reward] */
const SHARE = defineStep(SCOPE, {
  key: 'share',
  description: (a) => ({ zh: `${who(a)}，${a[2]}年度应得份额`, en: `share of ${who(a)}, ${a[2]}` }),
  expression: ([reward, share], _, { show }) => `${show.yuan(reward!)} → ${show.yuan(share!)}`,
})
/** args: [exact total, total fen] */
const ROUNDED_ONCE = defineNote(SCOPE, {
  key: 'rounded-once',
  text: ([total, fen], { show }) => ({
    zh: `仅舍入一次：${show.yuan(exact(total as Exact))} → ${formatFen(BigInt(fen as string))}；每人每年度的份额为其奖励额向下舍入至分，剩余的分按余数由大到小逐一分配（最大余数法），各份额之和为${formatFen(BigInt(fen as string))}`,
    en: `rounded once: ${show.yuan(exact(total as Exact))} → ${formatFen(BigInt(fen as string))}; each person-year's share is its reward rounded down to the fen, and the fens left over go one each to the largest remainders (largest remainder method), so the shares sum to ${formatFen(BigInt(fen as string))}`,
  }),
})

interface Item {
  personId: string
  name: string
  role: string
  year: number
  status: 'eligible' | 'ineligible'
  individualIncomeTax: string
  localRetainedShare?: string
  amount: string | null
  reasons: Reason[]
}

export const talentIitReward: Measure = {
  id: 'talent-iit-reward',
  clause: '§19',
  title: {
    zh: '优秀企业高管和高级技术人才个人所得税奖励',
    en: 'Individual income tax reward for excellent executives and senior technical talents',
  },
  summary: {
    zh: '省级以上工业园区企业的优秀高管和高级技术人才，按年度个人所得税地方留成部分给予连续3年奖励。',
    en: 'The local retained share of the yearly individual income tax of designated talents of enterprises in parks of provincial level or above, for 3 consecutive years.',
  },
  cash: true,
  inputs: ['/claims/talents', '/project/park/level'],

  subjects: (application) => (application.claims?.talents ?? []).map((t) => subjectOf(t.personId)),

  evaluate(run) {
    const talents = run.application.claims?.talents
    if (!talents || talents.length === 0) return run.missing(['/claims/talents'])
    const project = run.application.project
    if (!project) return run.missing(['/project'])
    if (project.park === undefined) return run.missing(['/project/park'])

    const levels = run.params.list('talentReward.parkLevels', run.asOf)
    const level = project.park?.level ?? null
    const inPark = run.test(IN_PARK, undefined, undefined, level !== null && levels.includes(level))
    if (!inPark) {
      return run.ineligible(
        'NOT_IN_QUALIFYING_PARK',
        level === null
          ? { zh: '企业不在工业园区内', en: 'the enterprise is not in an industrial park' }
          : run.labels
            ? {
                zh: `企业所在园区为${labelOf(PARK_LEVEL_LABELS, level).zh}，不是省级以上工业园区`,
                en: `the enterprise's park is ${labelOf(PARK_LEVEL_LABELS, level).en}, not provincial or above`,
              }
            : {
                zh: `企业所在园区为${level}级，不是省级以上工业园区`,
                en: `the enterprise's park is of ${level} level, not provincial or above`,
              },
        level === null ? '/project/park' : '/project/park/level',
      )
    }

    const rate = run.params.requireDecimal('talentReward.rate', run.asOf)
    const consecutive = run.params.integer('talentReward.consecutiveYears', run.asOf)
    const windowStart = run.params.date('policy.windowStart', run.asOf)
    const windowEnd = run.params.date('policy.windowEnd', run.asOf)

    // A person's years awarded, the ledger's and this application's, by person. From ruleset 1.6.0
    // the person is the id without letter case, as the ledger compares it (1.5.0): before, "zhang-san"
    // 2014 and "ZHANG-SAN" 2015 in one application each began a run of three years.
    const personOf = foldsPersonYears(run.ruleset) ? foldCase : (id: string) => id
    const awarded = new Map<string, Set<number>>()
    for (const t of talents) {
      const years = run.granted.grants(subjectOf(t.personId)).map((g) => Number(g.item))
      awarded.set(personOf(t.personId), new Set(years))
    }

    const inputs = talents.map((talent, i) => ({
      year: checkWholeNumber(talent.year, `/claims/talents/${i}/year`, 1),
      tax: parseTaxAmount(talent.individualIncomeTax, `/claims/talents/${i}/individualIncomeTax`),
    }))
    // Earlier years first, so that a person's first award year is known before the later ones.
    const order = talents.map((_, i) => i)
    order.sort((a, b) => inputs[a]!.year - inputs[b]!.year || a - b)

    const items: Item[] = []
    const rewards: Rational[] = []
    const paid: Item[] = []
    for (const i of order) {
      const talent = talents[i]!
      const at = `/claims/talents/${i}`
      const { year, tax } = inputs[i]!
      const who = `${talent.name} (${talent.personId})`
      const person = [talent.name, talent.personId, year]
      const item: Item = {
        personId: talent.personId,
        name: talent.name,
        role: talent.role,
        year,
        status: 'ineligible',
        individualIncomeTax: run.show.yuan(tax),
        amount: null,
        reasons: [],
      }
      items[i] = item

      const designated = run.test(
        DESIGNATED,
        talent.designatedExcellent,
        true,
        talent.designatedExcellent === true,
        person,
      )
      if (!designated) {
        refuseTalent(
          item,
          'NOT_DESIGNATED_TALENT',
          {
            zh: `${who}不是认定的优秀企业高管或高级技术人才`,
            en: `${who} is not a designated excellent executive or senior technical talent`,
          },
          `${at}/designatedExcellent`,
        )
        continue
      }

      const period = calendarYear(year)
      const inWindow = run.test(
        YEAR_IN_WINDOW,
        undefined,
        undefined,
        windowStart <= period.from && period.to <= windowEnd,
        person,
      )
      if (!inWindow) {
        refuseTalent(
          item,
          'YEAR_OUTSIDE_POLICY_WINDOW',
          {
            zh: `${year}年度不在政策适用期${windowStart}至${windowEnd}内`,
            en: `${year} is outside the policy window ${windowStart} to ${windowEnd}`,
          },
          `${at}/year`,
        )
        continue
      }

      const years = awarded.get(personOf(talent.personId)) ?? new Set<number>()
      const before = [...years].sort((a, b) => a - b)
      const earlier = run.granted.granted(subjectOf(talent.personId), String(year))
      const notYet = run.test(
        NOT_YET,
        undefined,
        run.rulings && earlier
          ? before.map((y) =>
              y === year ? { year, decision: earlier.decisionId, enterprise: earlier.creditCode } : y,
            )
          : before,
        !years.has(year),
        person,
      )
      if (!notYet && run.holdsUnfunded && isHeld(earlier)) {
        const held = heldBy({ zh: `${who}${year}年度的奖励`, en: `${who}'s reward for ${year}` }, earlier)
        refuseTalent(item, held.code, held.message, `${at}/year`)
        continue
      }
      if (!notYet) {
        // Who rewarded it: this enterprise (the tax year is rewarded once), another one (the person's
        // id is once across all enterprises), or an earlier claim of this application.
        const sameEnterprise =
          earlier !== undefined && earlier.creditCode === run.application.enterprise.creditCode
        const by = earlier
          ? `decision ${earlier.decisionId ?? 'unknown'}, enterprise ${earlier.creditCode ?? 'unknown'}`
          : 'an earlier claim of this application'
        const byZh = earlier
          ? `决定${earlier.decisionId ?? '未知'}，企业${earlier.creditCode ?? '未知'}`
          : '本申请中的前一项'
        refuseTalent(
          item,
          run.rulings && (sameEnterprise || earlier === undefined) ? 'ALREADY_REWARDED' : 'ALREADY_GRANTED',
          run.rulings
            ? {
                zh: `${who}已获得${year}年度奖励（${byZh}）`,
                en: `${who} was already rewarded for ${year} (${by})`,
              }
            : { zh: `${who}已获得${year}年度奖励`, en: `${who} was already rewarded for ${year}` },
          `${at}/year`,
        )
        continue
      }
      // §19: the run of consecutive years starts at the person's first award year. From ruleset 1.4.0
      // that is the earliest year awarded, whichever application decided it first: a year before the
      // earliest one held starts the run when every year held still lies within it (a correction gives
      // the year it corrects back before deciding it again, so the next year held is not the first).
      const earliest = before[0] ?? year
      const first =
        run.rulings20261206 && year < earliest && before[before.length - 1]! - year < consecutive
          ? year
          : earliest
      const last = first + consecutive - 1
      const withinRun = run.test(
        WITHIN_RUN,
        undefined,
        { from: first, to: last },
        first <= year && year <= last,
        [...person, consecutive],
      )
      if (!withinRun) {
        refuseTalent(
          item,
          'CONSECUTIVE_YEARS_EXHAUSTED',
          {
            zh: `${who}自${first}年起的连续${consecutive}年奖励期（${first}—${last}）不含${year}年`,
            en: `${year} is outside ${who}'s ${consecutive} consecutive award years ${first}–${last}`,
          },
          `${at}/year`,
        )
        continue
      }

      const share = localShareFor(run, 'individualIncomeTax', period, at)
      const local = run.step(LOCAL, share.times(tax), [share, tax], person)
      const reward = run.step(PERSON_REWARD, rate.times(local), [rate, local], person)
      item.localRetainedShare = run.show.yuan(local)
      // Under the rulings an item above zero is paid from the one rounding of the outcome.
      if (run.rulings ? reward.isZero() : reward.toFenHalfUp() <= 0n) {
        refuseTalent(
          item,
          'NO_INDIVIDUAL_INCOME_TAX',
          {
            zh: `${who}${year}年度无个人所得税地方留成部分`,
            en: `${who} paid no individual income tax retained locally for ${year}`,
          },
          `${at}/individualIncomeTax`,
        )
        continue
      }
      item.status = 'eligible'
      item.amount = reward.toMoney()
      rewards.push(reward)
      paid.push(item)
      years.add(year)
      awarded.set(personOf(talent.personId), years)
    }

    const details = { parkLevel: level, rate: run.show.number(rate), items }
    if (rewards.length === 0) {
      for (const item of items) for (const r of item.reasons) run.reason(r.code, r.message, r.field)
      return run.ineligibleWithReasons(details)
    }
    const total = run.step(TOTAL, sum(rewards), rewards)
    // Under the rulings: one rounding for the outcome; each person-year's share by largest remainder,
    // so the ledger entries sum to the amount paid. Shares follow the order of the claims (ties: the
    // earlier claim). Ruleset 1.0.0 claimed each person-year's own rounded amount.
    if (run.rulings) {
      const byClaim = paid
        .map((item, k) => ({ item, reward: rewards[k]! }))
        .sort((a, b) => items.indexOf(a.item) - items.indexOf(b.item))
      const { total: totalFen, shares } = allocateFen(byClaim.map((x) => x.reward))
      run.note(ROUNDED_ONCE, [total.toCompact(), String(totalFen)])
      paid.splice(0, paid.length, ...byClaim.map((x) => x.item))
      byClaim.forEach(({ item, reward }, k) => {
        item.amount = formatFen(shares[k]!)
        const share = Rational.fromFen(shares[k]!)
        run.step(SHARE, share, [reward, share], [item.name, item.personId, item.year])
      })
    }
    for (const item of paid) {
      run.claim({
        kind: 'once',
        subject: subjectOf(item.personId),
        item: String(item.year),
        amount: item.amount,
      })
    }
    return run.cash(total, details)
  },
}

/** A talent's year refused, with its reason (module-level: no closure per talent under tsx's keepNames). */
const refuseTalent = (item: Item, code: string, message: Text, field: string): void => {
  item.reasons.push({ code, message, field })
}

const subjectOf = (personId: string): LedgerSubject => ({ ledger: 'talent-award-year', personId })
