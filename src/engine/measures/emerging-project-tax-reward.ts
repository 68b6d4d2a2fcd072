// §18 要鼓励企业转型升级: "对新建投产新兴产业项目，按其上缴税收地方留成部分的50%奖励企业" — a newly
// built project of an emerging industry that has gone into production earns its enterprise 50% of the
// local retained share of the taxes the project pays.
//
// Reading (POLICY.md §2): "newly built" is the build type new-build (parameter
// emergingProjectReward.buildTypes); the emerging industries are the six of §5 (emergingIndustries);
// the project must be commissioned on or after the policy start, and only tax periods from
// commissioning on and inside the policy window count — a record straddling the commissioning date
// or the window's end counts pro rata by days (POLICY.md §0 (b), see tax.ts). The taxes are the
// project's own records (VAT, enterprise income tax, business tax), each at the local share in force
// for its period. The source states no cap; POLICY.md §0 (ruling of 2026-12-03) adds that each tax
// day is rewarded once: the project's days per tax are kept in the tax-days ledger under (credit code,
// project), so a later application is paid only for days not yet rewarded (ALREADY_REWARDED when none).

import type { Period } from '../dates.ts'
import { defineCondition, defineNote, defineStep } from '../facts.ts'
import { BUILD_TYPE_LABELS, labelOf } from '../labels.ts'
import type { Measure } from '../measure.ts'
import { checkDate, formatPeriod, localTaxesWithin, renderTaxDetails, TAX_RECORDS } from '../tax.ts'
import { payTaxReward, reportedSubjects, taxDaysSubjects } from '../tax-days.ts'
import type { Text } from '../trace.ts'

const SCOPE = 'emerging-project-tax-reward'
const NEWLY_BUILT = defineCondition(SCOPE, {
  key: 'newly-built',
  input: (a) => a.project!.buildType,
  description: { zh: '项目为新建项目', en: 'the project is newly built' },
  comparison: 'in',
  threshold: (value) => value('emergingProjectReward.buildTypes') ?? [],
})
const EMERGING = defineCondition(SCOPE, {
  key: 'emerging-industry',
  input: (a) => a.project!.emergingIndustry ?? null,
  clause: '§5',
  description: {
    zh: '项目属于六大新兴产业',
    en: 'the project belongs to one of the six emerging industries',
  },
  comparison: 'in',
  threshold: (value) => value('emergingIndustries') ?? [],
})
const COMMISSIONED = defineCondition(SCOPE, {
  key: 'commissioned-on-or-after-policy-start',
  input: (a) => a.project!.commissionedOn,
  threshold: (value) => value('policy.windowStart'),
  description: {
    zh: '项目于政策实施之日或之后投产',
    en: 'the project was commissioned on or after the policy start',
  },
  comparison: '>=',
})
const REWARD_ABOVE_ZERO = defineCondition(SCOPE, {
  key: 'reward-above-zero',
  threshold: () => '0.00',
  description: {
    zh: '投产后政策期内上缴税收地方留成部分的奖励大于零',
    en: 'the reward on local taxes from commissioning on, inside the policy window, is above zero',
  },
  comparison: '>',
})
/** args: [commissioned on, window end] */
const WINDOW_NOTE = defineNote(SCOPE, {
  key: 'window',
  text: ([from, to]) => ({
    zh: `计入的纳税期间：自投产之日（${from}）至政策适用期结束之日（${to}）：${from}…${to}`,
    en: `tax periods counted: from commissioning (${from}) to the end of the policy window (${to}): ${from}…${to}`,
  }),
})
const REWARD = defineStep(SCOPE, {
  key: 'reward',
  description: { zh: '奖励金额', en: 'reward' },
  expression: ([rate, total], _, { show }) => `${show.number(rate!)} × ${show.yuan(total!)}`,
})

/** NO_LOCAL_TAXES: the reward window held no local taxes (a module-level function: no closure per run). */
const NO_TAXES = (window: Period): Text => ({
  zh: `项目在${formatPeriod(window)}内无上缴地方税收`,
  en: `the project paid no local taxes in ${formatPeriod(window)}`,
})

export const emergingProjectTaxReward: Measure = {
  id: 'emerging-project-tax-reward',
  clause: '§18',
  title: {
    zh: '新建投产新兴产业项目税收奖励',
    en: 'Tax reward for newly built emerging-industry projects',
  },
  summary: {
    zh: '按项目投产后上缴税收地方留成部分的50%奖励企业。',
    en: '50% of the local retained share of the taxes the project pays from commissioning on.',
  },
  cash: true,
  inputs: [
    '/project/buildType',
    '/project/emergingIndustry',
    '/project/commissionedOn',
    '/project/taxRecords',
  ],

  subjects: (application) =>
    application.project
      ? reportedSubjects(
          taxDaysSubjects(
            'emerging-project-tax-reward',
            application.enterprise.creditCode,
            application.project.id,
          ),
          application.project.taxRecords,
        )
      : [],

  renderDetails: renderTaxDetails,

  evaluate(run) {
    const project = run.application.project
    if (!project) return run.missing(['/project'])

    const buildTypes = run.params.list('emergingProjectReward.buildTypes', run.asOf)
    const newlyBuilt = run.test(NEWLY_BUILT, undefined, undefined, buildTypes.includes(project.buildType))
    if (!newlyBuilt) {
      return run.ineligible(
        'NOT_NEW_BUILD',
        run.labels
          ? {
              zh: `项目建设性质为${labelOf(BUILD_TYPE_LABELS, project.buildType).zh}，不是新建项目`,
              en: `the project is ${labelOf(BUILD_TYPE_LABELS, project.buildType).en}, not newly built`,
            }
          : {
              zh: `项目建设性质为${project.buildType}，不是新建项目`,
              en: `the project is ${project.buildType}, not newly built`,
            },
        '/project/buildType',
      )
    }

    const industries = run.params.list('emergingIndustries', run.asOf)
    const industry = project.emergingIndustry ?? null
    const emerging = run.test(
      EMERGING,
      undefined,
      undefined,
      industry !== null && industries.includes(industry),
    )
    if (!emerging) {
      return run.ineligible(
        'NOT_EMERGING_INDUSTRY',
        { zh: '项目不属于六大新兴产业', en: 'the project is not in one of the six emerging industries' },
        '/project/emergingIndustry',
      )
    }

    if (project.commissionedOn === undefined) return run.missing(['/project/commissionedOn'])
    const commissionedOn = checkDate(project.commissionedOn, '/project/commissionedOn')
    const windowStart = run.params.date('policy.windowStart', run.asOf)
    const windowEnd = run.params.date('policy.windowEnd', run.asOf)
    const commissionedInTime = run.test(COMMISSIONED, undefined, undefined, commissionedOn >= windowStart)
    if (!commissionedInTime) {
      return run.ineligible(
        'COMMISSIONED_BEFORE_POLICY',
        {
          zh: `项目投产日期${commissionedOn}早于政策实施日${windowStart}`,
          en: `the project was commissioned on ${commissionedOn}, before the policy start ${windowStart}`,
        },
        '/project/commissionedOn',
      )
    }

    const records = project.taxRecords
    if (!records || records.length === 0) return run.missing(['/project/taxRecords'])

    // commissionedOn ≥ windowStart (tested above), so the window opens at commissioning
    const window = { from: commissionedOn, to: windowEnd }
    run.note(WINDOW_NOTE, [commissionedOn, windowEnd])
    const subjects = taxDaysSubjects(
      'emerging-project-tax-reward',
      run.application.enterprise.creditCode,
      project.id,
    )
    const taxes = localTaxesWithin(run, records, '/project/taxRecords', window, 'the reward window', (tax) =>
      run.granted.rewardedDays(subjects[tax]),
    )
    const rate = run.params.requireDecimal('emergingProjectReward.rate', run.asOf)
    const reward = run.step(REWARD, rate.times(taxes.total), [rate, taxes.total])
    const details = {
      window,
      localTaxes: run.show.yuan(taxes.total),
      rate: run.show.number(rate),
      records: TAX_RECORDS,
    }

    return payTaxReward(run, {
      reward,
      taxes,
      pointer: '/project/taxRecords',
      details,
      subjects,
      condition: REWARD_ABOVE_ZERO,
      noTaxes: NO_TAXES,
    })
  },
}
