// §18 要鼓励企业转型升级: "对6大新兴产业中综合排名前3位的企业，试行三年内按上年上缴地方税收新增部分全额
// 奖励企业" — an enterprise ranked in the top 3 of one of the six emerging industries is rewarded, on
// trial for three years, with the full increase of the local taxes it paid over the year before.
//
// Reading (POLICY.md §2): ranking year R (enterprise.emergingIndustryRanking); the application names
// the award year Y (claims.top3AwardYear), which must lie in R … R+2 (top3Reward.awardYears) and in
// the policy window; the amount is 100% (top3Reward.rate) × (local taxes of calendar year Y − local
// taxes of Y−1), local taxes being the local retained share of VAT + enterprise income tax + business
// tax (tax.ts). Both years must be fully covered by tax records (from registration, when that is later):
// a gap would understate a year and distort the increase, so it is a missing input naming the year.
// No increase → NO_TAX_INCREASE. Limit across applications: each award year once, and at most 3
// award years per enterprise ever, over all its rankings (ledger "top3-award-year", keyed by the
// credit code). Since the ruling of 2026-12-03 (POLICY.md §0 "A tax period is rewarded once") a year
// already rewarded is ALREADY_REWARDED, naming the decision, and the award year's tax days are kept in
// the tax-days ledger of the enterprise.

import { type IsoDate, intersect, type Period } from '../dates.ts'
import { defineCondition, defineStep } from '../facts.ts'
import type { LedgerSubject, RewardedTax } from '../ledgers.ts'
import type { Measure } from '../measure.ts'
import { ZERO } from '../money.ts'
import { heldBy, isHeld } from '../one-time-grants.ts'
import { windowClause } from '../ruleset.ts'
import {
  calendarYear,
  checkDate,
  checkRecordsOf,
  checkWholeNumber,
  formatPeriod,
  LOCAL_TAXES,
  localTaxesWithin,
  renderTaxDetails,
  TAX_RECORDS,
  uncoveredPeriods,
} from '../tax.ts'

const SCOPE = 'emerging-top3-tax-reward'
const EMERGING = defineCondition(SCOPE, {
  key: 'emerging-industry',
  input: (a) => a.enterprise.emergingIndustryRanking!.industry,
  clause: '§5',
  description: {
    zh: '排名所属产业为六大新兴产业之一',
    en: 'the ranking is within one of the six emerging industries',
  },
  comparison: 'in',
  threshold: (value) => value('emergingIndustries') ?? [],
})
const TOP = defineCondition(SCOPE, {
  key: 'ranked-top-3',
  input: (a) => a.enterprise.emergingIndustryRanking!.rank,
  threshold: (value) => value('top3Reward.maxRank'),
  description: { zh: '综合排名在前3位以内', en: 'the comprehensive rank is within the top 3' },
  comparison: '<=',
})
/** args: [award years] */
const IN_PERIOD = defineCondition(SCOPE, {
  key: 'award-year-within-three-years-of-ranking',
  input: (a) => a.claims!.top3AwardYear,
  threshold: (value, _, a) => {
    const from = a.enterprise.emergingIndustryRanking!.year
    return { from, to: from + (value('top3Reward.awardYears') as number) - 1 }
  },
  description: ([years]) => ({
    zh: `奖励年度在排名年度起${years}年内`,
    en: `the award year lies within ${years} years from the ranking year`,
  }),
  comparison: 'in',
})
const IN_WINDOW = defineCondition(SCOPE, {
  key: 'award-year-within-policy-window',
  input: (a) => calendarYear(a.claims!.top3AwardYear!),
  threshold: (value) => ({ from: value('policy.windowStart'), to: value('policy.windowEnd') }),
  clause: ({ rulings }) => windowClause(rulings),
  description: { zh: '奖励年度在政策适用期内', en: 'the award year lies within the policy window' },
  comparison: 'in',
})
const NOT_YET = defineCondition(SCOPE, {
  key: 'award-year-not-yet-granted',
  description: { zh: '该奖励年度尚未获得奖励', en: 'the award year has not been rewarded yet' },
  comparison: 'not-in',
})
/** args: [award years] */
const YEARS_LEFT = defineCondition(SCOPE, {
  key: 'award-years-left',
  threshold: (value) => value('top3Reward.awardYears'),
  description: ([years]) => ({
    zh: `企业累计获奖年度少于${years}个`,
    en: `the enterprise has been rewarded for fewer than ${years} years`,
  }),
  comparison: '<',
})
const DAYS_NOT_YET = defineCondition(SCOPE, {
  key: 'award-year-days-not-yet-rewarded',
  input: (a) => calendarYear(a.claims!.top3AwardYear!),
  clause: '§0',
  description: {
    zh: '奖励年度的纳税期间尚未获得奖励',
    en: 'no day of the award year has been rewarded yet',
  },
  comparison: 'not-in',
})
/** args: [award year] */
const INCREASED = defineCondition(SCOPE, {
  key: 'local-taxes-increased',
  description: ([year]) => ({
    zh: `${year}年上缴地方税收较上年有新增`,
    en: `local taxes of ${year} exceed those of ${(year as number) - 1}`,
  }),
  comparison: '>',
})
/** args: [award year] */
const INCREASE = defineStep(SCOPE, {
  key: 'increase',
  description: ([year]) => ({
    zh: `${year}年上缴地方税收较${(year as number) - 1}年新增部分`,
    en: `increase of local taxes, ${year} over ${(year as number) - 1}`,
  }),
  expression: ([after, before], _, { show }) => `${show.yuan(after!)} − ${show.yuan(before!)}`,
})
const REWARD = defineStep(SCOPE, {
  key: 'reward',
  description: { zh: '奖励金额', en: 'reward' },
  expression: ([rate, increase], _, { show }) => `${show.number(rate!)} × ${show.yuan(increase!)}`,
})

import { reportedSubjects, taxDaysSubjects } from '../tax-days.ts'

export const emergingTop3TaxReward: Measure = {
  id: 'emerging-top3-tax-reward',
  clause: '§18',
  title: {
    zh: '新兴产业综合排名前3位企业税收奖励',
    en: 'Tax reward for the top 3 enterprises of an emerging industry',
  },
  summary: {
    zh: '排名后三年内，按上年上缴地方税收新增部分全额奖励企业，每户企业最多3个奖励年度。',
    en: 'The full increase of local taxes over the year before, for award years within three years of the ranking; at most 3 award years per enterprise.',
  },
  cash: true,
  inputs: ['/enterprise/emergingIndustryRanking', '/claims/top3AwardYear', '/enterprise/taxRecords'],

  subjects: (application) =>
    application.claims?.top3AwardYear === undefined
      ? []
      : [
          subjectOf(application.enterprise.creditCode),
          ...reportedSubjects(
            taxDaysSubjects('emerging-top3-tax-reward', application.enterprise.creditCode, null),
            application.enterprise.taxRecords,
          ),
        ],

  renderDetails: renderTaxDetails,

  evaluate(run) {
    const enterprise = run.application.enterprise
    const ranking = enterprise.emergingIndustryRanking
    const awardYearInput = run.application.claims?.top3AwardYear
    const absent = [
      ...(ranking === undefined ? ['/enterprise/emergingIndustryRanking'] : []),
      ...(awardYearInput === undefined ? ['/claims/top3AwardYear'] : []),
    ]
    if (!ranking || awardYearInput === undefined) return run.missing(absent)
    const rankingYear = checkWholeNumber(ranking.year, '/enterprise/emergingIndustryRanking/year', 1)
    const rank = checkWholeNumber(ranking.rank, '/enterprise/emergingIndustryRanking/rank', 1)
    const awardYear = checkWholeNumber(awardYearInput, '/claims/top3AwardYear', 1)

    const industries = run.params.list('emergingIndustries', run.asOf)
    const emerging = run.test(EMERGING, undefined, undefined, industries.includes(ranking.industry))
    if (!emerging) {
      return run.ineligible(
        'NOT_EMERGING_INDUSTRY',
        {
          zh: '排名所属产业不是六大新兴产业',
          en: 'the ranking is not in one of the six emerging industries',
        },
        '/enterprise/emergingIndustryRanking/industry',
      )
    }

    const maxRank = run.params.integer('top3Reward.maxRank', run.asOf)
    const top = run.test(TOP, undefined, undefined, rank <= maxRank)
    if (!top) {
      return run.ineligible(
        'NOT_TOP3',
        {
          zh: `综合排名第${rank}位，不在前${maxRank}位`,
          en: `ranked ${rank}, not within the top ${maxRank}`,
        },
        '/enterprise/emergingIndustryRanking/rank',
      )
    }

    const awardYears = run.params.integer('top3Reward.awardYears', run.asOf)
    const lastAwardYear = rankingYear + awardYears - 1
    const inPeriod = run.test(
      IN_PERIOD,
      undefined,
      undefined,
      rankingYear <= awardYear && awardYear <= lastAwardYear,
      [awardYears],
    )
    if (!inPeriod) {
      return run.ineligible(
        'AWARD_YEAR_OUTSIDE_PERIOD',
        {
          zh: `奖励年度${awardYear}不在排名年度${rankingYear}起的${rankingYear}—${lastAwardYear}年内`,
          en: `award year ${awardYear} is outside ${rankingYear}–${lastAwardYear}, the ${awardYears} years from ranking year ${rankingYear}`,
        },
        '/claims/top3AwardYear',
      )
    }

    const windowStart = run.params.date('policy.windowStart', run.asOf)
    const windowEnd = run.params.date('policy.windowEnd', run.asOf)
    const year = calendarYear(awardYear)
    const inWindow = run.test(
      IN_WINDOW,
      undefined,
      undefined,
      windowStart <= year.from && year.to <= windowEnd,
    )
    if (!inWindow) {
      return run.ineligible(
        'AWARD_YEAR_OUTSIDE_POLICY_WINDOW',
        {
          zh: `奖励年度${awardYear}不在政策适用期${windowStart}至${windowEnd}内`,
          en: `award year ${awardYear} is outside the policy window ${windowStart} to ${windowEnd}`,
        },
        '/claims/top3AwardYear',
      )
    }

    const subject = subjectOf(enterprise.creditCode)
    const grants = run.granted.grants(subject)
    const granted = [...new Set(grants.map((g) => Number(g.item)))].sort((a, b) => a - b)
    const earlier = grants.find((g) => g.item === String(awardYear))
    const notYetGranted = run.test(
      NOT_YET,
      awardYear,
      run.rulings ? grants.map((g) => ({ year: Number(g.item), decision: g.decisionId })) : granted,
      earlier === undefined,
    )
    if (!notYetGranted) {
      if (run.holdsUnfunded && isHeld(earlier)) {
        const held = heldBy(
          { zh: `企业${awardYear}年度的该奖励`, en: `the enterprise's reward for ${awardYear}` },
          earlier,
        )
        return run.ineligible(held.code, held.message, '/claims/top3AwardYear', {
          alreadyClaimed: { year: awardYear, decisionId: earlier.decisionId },
        })
      }
      const decision = earlier?.decisionId ?? 'unknown'
      return run.rulings
        ? run.ineligible(
            'ALREADY_REWARDED',
            {
              zh: `企业${awardYear}年度已获得该奖励（决定${decision}）`,
              en: `the enterprise was already rewarded for ${awardYear} (decision ${decision})`,
            },
            '/claims/top3AwardYear',
            { alreadyRewarded: { year: awardYear, decisionId: earlier?.decisionId ?? null } },
          )
        : run.ineligible(
            'ALREADY_GRANTED',
            {
              zh: `企业${awardYear}年度已获得该奖励`,
              en: `the enterprise was already rewarded for ${awardYear}`,
            },
            '/claims/top3AwardYear',
          )
    }
    const yearsLeft = run.test(YEARS_LEFT, granted.length, undefined, granted.length < awardYears, [
      awardYears,
    ])
    if (!yearsLeft) {
      return run.ineligible(
        'AWARD_YEARS_EXHAUSTED',
        {
          zh: `企业已获得${granted.length}个年度的奖励（${granted.join('、')}），达到上限${awardYears}个`,
          en: `the enterprise was already rewarded for ${granted.length} years (${granted.join(', ')}), the limit of ${awardYears}`,
        },
        '/claims/top3AwardYear',
      )
    }

    const records = enterprise.taxRecords
    if (!records || records.length === 0) return run.missing(['/enterprise/taxRecords'])
    checkRecordsOf(run, records, '/enterprise/taxRecords')
    const registeredOn =
      enterprise.registeredOn === undefined
        ? undefined
        : checkDate(enterprise.registeredOn, '/enterprise/registeredOn')
    const previousYear = calendarYear(awardYear - 1)
    // plain loops, not flatMap (V8 runs flatMap through a generic path: ~5 % of this measure)
    const gaps: Period[] = []
    for (const p of [previousYear, year]) {
      const from: IsoDate = registeredOn !== undefined && registeredOn > p.from ? registeredOn : p.from
      if (from <= p.to) for (const gap of uncoveredPeriods(records, { from, to: p.to })) gaps.push(gap)
    }
    if (gaps.length > 0) {
      const listed = gaps.map(formatPeriod)
      const years = [...new Set(gaps.map((g) => g.from.slice(0, 4)))]
      return run.ineligible(
        'MISSING_INPUT',
        {
          zh: `缺少${years.join('、')}年度的纳税记录：${listed.join('、')}`,
          en: `tax records missing for ${years.join(' and ')}: ${listed.join(', ')} not covered`,
        },
        '/enterprise/taxRecords',
        { missing: ['/enterprise/taxRecords'], uncovered: gaps },
      )
    }

    const before = localTaxesWithin(run, records, '/enterprise/taxRecords', previousYear, `${awardYear - 1}`)
    const days = taxDaysSubjects('emerging-top3-tax-reward', enterprise.creditCode, null)
    // The reward is the increase of a whole year over the year before: a year some of whose days a
    // top-3 reward already paid cannot be paid in part (no pro rata of an increase), so it counts as
    // rewarded — our reading of the ruling "a tax period is rewarded once" for this measure.
    const taken: { tax: RewardedTax; period: Period; decisionId: string | null }[] = []
    if (run.rulings) {
      for (const tax of LOCAL_TAXES) {
        for (const g of run.granted.rewardedDays(days[tax]))
          if (intersect(g.period, year) !== null)
            taken.push({ tax, period: g.period, decisionId: g.decisionId })
      }
    }
    if (taken.length > 0) {
      run.test(
        DAYS_NOT_YET,
        undefined,
        taken.map((x) => ({ tax: x.tax, ...x.period, decision: x.decisionId })),
        false,
      )
      const decisions = [...new Set(taken.map((x) => x.decisionId ?? 'unknown'))]
      return run.ineligible(
        'ALREADY_REWARDED',
        {
          zh: `${awardYear}年度的纳税期间已获奖励（决定${decisions.join('、')}）`,
          en: `days of ${awardYear} were already rewarded (decision ${decisions.join(', ')})`,
        },
        '/claims/top3AwardYear',
        { alreadyRewarded: taken },
      )
    }
    const after = localTaxesWithin(run, records, '/enterprise/taxRecords', year, `${awardYear}`)
    const increase = run.step(
      INCREASE,
      after.total.minus(before.total),
      [after.total, before.total],
      [awardYear],
    )
    const rate = run.params.requireDecimal('top3Reward.rate', run.asOf)
    const reward = run.step(REWARD, rate.times(increase), [rate, increase])
    const { show } = run
    const details = {
      rankingYear,
      rank,
      awardYear,
      localTaxesPreviousYear: show.yuan(before.total),
      localTaxesAwardYear: show.yuan(after.total),
      increase: show.yuan(increase),
      rate: show.number(rate),
      records: TAX_RECORDS,
    }
    const increased = run.test(
      INCREASED,
      show.yuan(after.total),
      show.yuan(before.total),
      // Under the rulings an increase above zero goes on to cash(), which names one below a fen.
      run.rulings ? reward.gt(ZERO) : reward.toFenHalfUp() > 0n,
      [awardYear],
    )
    if (!increased) {
      return run.ineligible(
        'NO_TAX_INCREASE',
        {
          zh: `${awardYear}年上缴地方税收${after.total.toMoney()}元，未超过上年的${before.total.toMoney()}元`,
          en: `local taxes of ${awardYear} (${after.total.toMoney()}) do not exceed those of ${awardYear - 1} (${before.total.toMoney()})`,
        },
        '/enterprise/taxRecords',
        details,
      )
    }

    run.claim({ kind: 'once', subject, item: String(awardYear), amount: reward.toMoney() })
    for (const { tax, period } of after.newDays) run.claim({ kind: 'days', subject: days[tax], period })
    return run.cash(reward, details)
  },
}

const subjectOf = (creditCode: string): LedgerSubject => ({ ledger: 'top3-award-year', creditCode })
