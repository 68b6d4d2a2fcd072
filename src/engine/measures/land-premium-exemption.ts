// §14 要坚持节约集约用地: "在符合规划、不改变用途的前提下，现有工业用地提高土地利用率和增加容积率的，不再增收
// 土地价款。新增工业用地，厂房建筑面积高于《工业项目建设用地控制指标》规定容积率标准的部分，不再增收土地价款。"
// — existing industrial land that raises its plot ratio within plan and without change of use, and
// new industrial land for its floor area above the plot-ratio standard, owe no additional land
// premium (POLICY.md §2). The benefit is non-cash: the premium otherwise due is waived; its value is
// the assessed additional premium when the application gives it (details.waivedPremium). Either
// case suffices; both are declared facts of the application (an absent declaration counts as no).

import { defineCondition, defineNote } from '../facts.ts'
import type { Measure } from '../measure.ts'
import { Rational } from '../money.ts'

const SCOPE = 'land-premium-exemption'
const QUALIFIES = defineCondition(SCOPE, {
  key: 'plot-ratio-increase-or-floor-area-above-standard',
  input: (a) => ({
    existingLandPlotRatioIncrease: a.project!.land!.existingLandPlotRatioIncrease ?? false,
    newLandFloorAreaAboveStandard: a.project!.land!.newLandFloorAreaAboveStandard ?? false,
  }),
  threshold: () => 'at least one true',
  description: {
    zh: '现有工业用地在符合规划、不改变用途的前提下提高容积率，或新增工业用地厂房建筑面积高于容积率标准',
    en: 'existing land raises its plot ratio within plan and use, or new land has floor area above the plot-ratio standard',
  },
  comparison: 'is',
})
const NO_PREMIUM = defineNote(SCOPE, {
  key: 'no-assessed-premium',
  text: () => ({
    zh: '未提供评估的应补缴土地价款：不再增收土地价款，不计金额',
    en: 'no assessed additional premium given: the waiver is granted without a value',
  }),
})

export const landPremiumExemption: Measure = {
  id: 'land-premium-exemption',
  clause: '§14',
  title: {
    zh: '提高容积率不再增收土地价款',
    en: 'No additional land premium for a higher plot ratio',
  },
  summary: {
    zh: '现有工业用地在符合规划、不改变用途的前提下提高容积率，或新增工业用地厂房建筑面积超过容积率标准的部分，不再增收土地价款。',
    en: 'No additional land premium when existing industrial land raises its plot ratio, or for new land floor area above the standard.',
  },
  cash: false,
  inputs: [
    '/project/land/existingLandPlotRatioIncrease',
    '/project/land/newLandFloorAreaAboveStandard',
    '/project/land/assessedAdditionalPremium',
  ],

  evaluate(run) {
    const project = run.application.project
    if (!project) return run.missing(['/project'])
    const land = project.land
    if (!land) return run.missing(['/project/land'])

    const existing = land.existingLandPlotRatioIncrease === true
    const added = land.newLandFloorAreaAboveStandard === true
    const qualifies = run.test(QUALIFIES, undefined, undefined, existing || added)
    if (!qualifies) {
      return run.ineligible(
        'NO_PLOT_RATIO_INCREASE',
        {
          zh: '项目既未在现有工业用地上提高容积率，也没有超过容积率标准的新增厂房建筑面积',
          en: 'neither a plot-ratio increase on existing land nor floor area above the standard on new land',
        },
        '/project/land/existingLandPlotRatioIncrease',
      )
    }

    const details: Record<string, unknown> = {
      case: existing ? 'existing-land-plot-ratio-increase' : 'new-land-floor-area-above-standard',
    }
    if (land.assessedAdditionalPremium !== undefined) {
      details.waivedPremium = Rational.parse(land.assessedAdditionalPremium).toMoney()
    } else {
      run.note(NO_PREMIUM)
    }
    return run.benefit(details)
  },
}
