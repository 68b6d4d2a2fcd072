// §18 要鼓励企业转型升级: "对新注册的初创期科技型中小企业，试行新增的企业所得税、增值税、营业税按地方留成
// 部分的50%奖励企业" — a newly registered tech-based SME in its startup stage earns 50% of the local
// retained share of the enterprise income tax, VAT and business tax it newly pays.
//
// Reading (POLICY.md §2): "newly registered" is registered on or after the policy start; the
// enterprise must be certified as a tech-based SME (科技型中小企业); the startup stage is
// [registeredOn, registeredOn + startup.stageMonths − 1 day] (36 months, parameter); the taxes of a
// newly registered enterprise are all "new" (新增), so every tax period inside the startup stage and
// the policy window counts, a record straddling either edge pro rata by days (POLICY.md §0 (b), see
// tax.ts). The limit "only startup-stage periods" is that window; each tax day is rewarded once
// (POLICY.md §0, ruling of 2026-12-03): the enterprise's days per tax are kept in the tax-days ledger.

import { addDays, addMonths, intersect, type Period } from '../dates.ts'
import { defineCondition, defineNote, defineStep } from '../facts.ts'
import type { Measure } from '../measure.ts'
import { checkDate, formatPeriod, localTaxesWithin, renderTaxDetails, TAX_RECORDS } from '../tax.ts'
import { payTaxReward, reportedSubjects, taxDaysSubjects } from '../tax-days.ts'
import type { Text } from '../trace.ts'

const SCOPE = 'startup-tech-sme-tax-reward'
const REGISTERED = defineCondition(SCOPE, {
  key: 'registered-on-or-after-policy-start',
  input: (a) => a.enterprise.registeredOn,
  threshold: (value) => value('policy.windowStart'),
  description: {
    zh: '企业于政策实施之日或之后新注册',
    en: 'the enterprise was registered on or after the policy start',
  },
  comparison: '>=',
})
const CERTIFIED = defineCondition(SCOPE, {
  key: 'tech-sme-certified',
  input: (a) => a.enterprise.techSmeCertified ?? false,
  threshold: () => true,
  description: { zh: '企业为认定的科技型中小企业', en: 'the enterprise is a certified tech-based SME' },
  comparison: 'is',
})
const REWARD_ABOVE_ZERO = defineCondition(SCOPE, {
  key: 'reward-above-zero',
  threshold: () => '0.00',
  description: {
    zh: '初创期内上缴税收地方留成部分的奖励大于零',
    en: 'the reward on local taxes paid in the startup stage is above zero',
  },
  comparison: '>',
})
/** args: [months, stage from, stage to] */
const STAGE = defineNote(SCOPE, {
  key: 'startup-stage',
  text: ([months, from, to]) => ({
    zh: `初创期：自注册之日起${months}个月，${from}…${to}`,
    en: `startup stage: ${months} months from registration, ${from}…${to}`,
  }),
})
/** args: [window end] */
const CUT = defineNote(SCOPE, {
  key: 'stage-cut',
  text: ([end]) => ({
    zh: `初创期截至政策适用期结束之日（${end}）`,
    en: `the startup stage is cut at the end of the policy window, ${end}`,
  }),
})
const REWARD = defineStep(SCOPE, {
  key: 'reward',
  description: { zh: '奖励金额', en: 'reward' },
  expression: ([rate, total], _, { show }) => `${show.number(rate!)} × ${show.yuan(total!)}`,
})

/** NO_LOCAL_TAXES: the startup stage held no local taxes (a module-level function: no closure per run). */
const NO_TAXES = (window: Period): Text => ({
  zh: `企业在初创期${formatPeriod(window)}内无上缴地方税收`,
  en: `the enterprise paid no local taxes in its startup stage ${formatPeriod(window)}`,
})

export const startupTechSmeTaxReward: Measure = {
  id: 'startup-tech-sme-tax-reward',
  clause: '§18',
  title: {
    zh: '新注册初创期科技型中小企业税收奖励',
    en: 'Tax reward for newly registered start-up tech-based SMEs',
  },
  summary: {
    zh: '初创期内增值税、企业所得税、营业税地方留成部分的50%奖励企业。',
    en: '50% of the local retained share of VAT, enterprise income tax and business tax paid in the startup stage.',
  },
  cash: true,
  inputs: ['/enterprise/registeredOn', '/enterprise/techSmeCertified', '/enterprise/taxRecords'],

  subjects: (application) =>
    application.enterprise.techSmeCertified === true
      ? reportedSubjects(
          taxDaysSubjects('startup-tech-sme-tax-reward', application.enterprise.creditCode, null),
          application.enterprise.taxRecords,
        )
      : [],

  renderDetails: renderTaxDetails,

  evaluate(run) {
    const enterprise = run.application.enterprise
    if (enterprise.registeredOn === undefined) return run.missing(['/enterprise/registeredOn'])
    const registeredOn = checkDate(enterprise.registeredOn, '/enterprise/registeredOn')
    const windowStart = run.params.date('policy.windowStart', run.asOf)
    const windowEnd = run.params.date('policy.windowEnd', run.asOf)

    const newlyRegistered = run.test(REGISTERED, undefined, undefined, registeredOn >= windowStart)
    if (!newlyRegistered) {
      return run.ineligible(
        'REGISTERED_BEFORE_POLICY',
        {
          zh: `企业注册日期${registeredOn}早于政策实施日${windowStart}，不属于新注册企业`,
          en: `the enterprise was registered on ${registeredOn}, before the policy start ${windowStart}`,
        },
        '/enterprise/registeredOn',
      )
    }

    const certified = run.test(CERTIFIED, undefined, undefined, enterprise.techSmeCertified === true)
    if (!certified) {
      return run.ineligible(
        'NOT_TECH_SME',
        { zh: '企业不是认定的科技型中小企业', en: 'the enterprise is not a certified tech-based SME' },
        '/enterprise/techSmeCertified',
      )
    }

    const records = enterprise.taxRecords
    if (!records || records.length === 0) return run.missing(['/enterprise/taxRecords'])

    const months = run.params.integer('startup.stageMonths', run.asOf)
    const stage = { from: registeredOn, to: addDays(addMonths(registeredOn, months), -1) }
    run.note(STAGE, [months, stage.from, stage.to])
    const window = intersect(stage, { from: windowStart, to: windowEnd })
    if (!window) {
      return run.ineligible(
        'NO_LOCAL_TAXES',
        {
          zh: `初创期${formatPeriod(stage)}不在政策适用期内`,
          en: `the startup stage ${formatPeriod(stage)} lies outside the policy window`,
        },
        '/enterprise/registeredOn',
        { stage },
      )
    }
    if (window.to < stage.to) run.note(CUT, [windowEnd])

    const subjects = taxDaysSubjects('startup-tech-sme-tax-reward', enterprise.creditCode, null)
    const taxes = localTaxesWithin(
      run,
      records,
      '/enterprise/taxRecords',
      window,
      'the startup stage',
      (tax) => run.granted.rewardedDays(subjects[tax]),
    )
    const rate = run.params.requireDecimal('startupReward.rate', run.asOf)
    const reward = run.step(REWARD, rate.times(taxes.total), [rate, taxes.total])
    const details = {
      stage,
      window,
      localTaxes: run.show.yuan(taxes.total),
      rate: run.show.number(rate),
      records: TAX_RECORDS,
    }

    return payTaxReward(run, {
      reward,
      taxes,
      pointer: '/enterprise/taxRecords',
      details,
      subjects,
      condition: REWARD_ABOVE_ZERO,
      noTaxes: NO_TAXES,
    })
  },
}
