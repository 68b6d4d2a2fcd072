// §14 降低工业用地成本: "在省级工业园区及滇中产业聚集区（新区）内，对符合目录和投资强度指标要求，并且容积率
// 和建筑系数超过《工业项目建设用地控制指标》规定40%以上的重大转型升级工业项目实行差别化用地政策。其中：园区
// 位于昆明市及滇中产业聚集区（新区）的，每亩不高于15万元；位于玉溪市、曲靖市、楚雄州的，每亩不高于12万元；
// 位于其他州（市）的，每亩不高于10万元。"
//
// Eligible when all hold (POLICY.md §2 "land-price-ceiling, in full"): the park's level is in
// landPrice.parkLevels (provincial, read literally) or the project lies in the Central Yunnan
// Industrial Zone; its industry is in the priority catalogue (the parameter when the province has
// set it, else the application's declaration); it meets the investment intensity threshold; it is
// a designated major transformation-and-upgrading project; and BOTH its plot ratio and its building
// coefficient are ≥ 1.4 × the 2008 national standard ("超过…40%以上" includes the bound, compared
// exactly: 1.4 × 0.6 = 0.84). Every condition is tested and every failure reported. The ceiling
// per mu is the first tier that matches (Kunming or the Central Yunnan zone; Yuxi, Qujing,
// Chuxiong; any other prefecture). The benefit is non-cash: a price ceiling, whose value is
// shown as the total ceiling for the plot and, given a quoted price, the saving
// max(0, quoted − ceiling) × area (POLICY.md §5 example 5).

import { defineCondition, defineNote, defineStep } from '../facts.ts'
import { industryDivision, industryMatches } from '../industry-codes.ts'
import { labelsOf, PARK_LEVEL_LABELS } from '../labels.ts'
import type { Measure } from '../measure.ts'
import { Rational, ZERO } from '../money.ts'
import { prefecture } from '../prefectures.ts'
import type { TraceLanguage } from '../trace.ts'

const SCOPE = 'land-price-ceiling'
const LOCATED = defineCondition(SCOPE, {
  key: 'eligible-park-or-central-zone',
  input: (a) => ({
    parkLevel: a.project!.park?.level ?? null,
    inCentralYunnanZone: a.project!.inCentralYunnanZone,
  }),
  threshold: (value) => ({ parkLevel: value('landPrice.parkLevels') ?? [], inCentralYunnanZone: true }),
  description: {
    zh: '项目位于省级工业园区或滇中产业聚集区（新区）内',
    en: 'the project lies in a park of an eligible level or in the Central Yunnan Industrial Zone',
  },
  comparison: 'in',
})
/** args: [catalogue set] */
const IN_CATALOGUE = defineCondition(SCOPE, {
  key: 'in-priority-catalogue',
  input: (a, [set]) => (set ? a.project!.industryCode : a.project!.land!.inPriorityCatalogue),
  threshold: (value, [set]) => (set ? (value('landPrice.priorityCatalogue') ?? []) : true),
  description: {
    zh: '项目属于优先发展的重点工业产业目录',
    en: 'the industry is in the priority industry catalogue',
  },
  comparison: ([set]) => (set ? 'in' : 'is'),
})
const INTENSITY = defineCondition(SCOPE, {
  key: 'meets-investment-intensity',
  input: (a) => a.project!.land!.meetsInvestmentIntensity,
  threshold: () => true,
  description: { zh: '符合投资强度控制指标', en: 'meets the investment intensity threshold' },
  comparison: 'is',
})
const MAJOR = defineCondition(SCOPE, {
  key: 'major-transformation-project',
  input: (a) => a.project!.majorTransformationProject ?? false,
  threshold: () => true,
  description: {
    zh: '项目为重大转型升级工业项目',
    en: 'the project is a designated major transformation-and-upgrading project',
  },
  comparison: 'is',
})
const PLOT = defineCondition(SCOPE, {
  key: 'plot-ratio',
  input: (a) => a.project!.land!.plotRatio,
  description: {
    zh: '容积率超过控制指标40%以上',
    en: 'the plot ratio is at least 1.4 × the national standard',
  },
  comparison: '>=',
})
const COEFFICIENT = defineCondition(SCOPE, {
  key: 'building-coefficient',
  input: (a) => a.project!.land!.buildingCoefficient,
  description: {
    zh: '建筑系数超过控制指标40%以上',
    en: 'the building coefficient is at least 1.4 × the national standard',
  },
  comparison: '>=',
})
/** The unit of an area in the arithmetic (亩). */
const mu = (language: TraceLanguage) => (language === 'en' ? 'mu' : '亩')
/** A prefecture's Chinese name, from its id (the id itself if unknown). */
const prefectureName = (id: unknown) => prefecture(id as string)?.zh ?? String(id)
/** args: [division] */
const PLOT_REQUIRED = defineStep(SCOPE, {
  key: 'plot-ratio-required',
  description: ([division]) => ({
    zh: `行业大类${division}应达到的容积率`,
    en: `plot ratio required for division ${division}`,
  }),
  expression: ([factor, standard], _, { show }) => `${show.number(factor!)} × ${show.number(standard!)}`,
  unit: 'number',
})
const COEFFICIENT_REQUIRED = defineStep(SCOPE, {
  key: 'building-coefficient-required',
  description: { zh: '应达到的建筑系数', en: 'building coefficient required' },
  expression: ([factor, standard], _, { show }) => `${show.number(factor!)} × ${show.number(standard!)}`,
  unit: 'number',
})
/** args: [area in mu, as given] */
const TOTAL_CEILING = defineStep(SCOPE, {
  key: 'total-ceiling',
  description: { zh: '出让价格上限合计', en: 'total price ceiling' },
  expression: ([perMu], [area], { show, language }) => `${show.yuan(perMu!)} × ${area} ${mu(language)}`,
})
/** args: [area in mu, as given] */
const SAVING = defineStep(SCOPE, {
  key: 'saving',
  description: { zh: '较报价节省的金额', en: 'saving against the quoted price' },
  expression: ([quoted, perMu], [area], { show, language }) =>
    `max(0, ${show.yuan(quoted!)} − ${show.yuan(perMu!)}) × ${area} ${mu(language)}`,
})
const CATALOGUE_UNSET = defineNote(SCOPE, {
  key: 'catalogue-unset',
  text: () => ({
    zh: '参数landPrice.priorityCatalogue未设置：采用申报的land.inPriorityCatalogue（是否属优先发展产业目录）',
    en: 'landPrice.priorityCatalogue is unset: the declared land.inPriorityCatalogue is used',
  }),
})
/** args: [division] */
const NO_PLOT_STANDARD = defineNote(SCOPE, {
  key: 'no-plot-standard',
  text: ([division]) => ({
    zh: `参数landPrice.standardPlotRatio中没有行业大类${division}的控制指标`,
    en: `landPrice.standardPlotRatio has no entry for division ${division}`,
  }),
})
/** args: [tier, in the Central Yunnan zone, prefecture] */
const TIER = defineNote(SCOPE, {
  key: 'tier',
  text: ([tier, central, prefecture]) => {
    const zh = prefectureName(prefecture)
    return tier === 'ceilingTier1'
      ? {
          zh: `第一档：${central ? '位于滇中产业聚集区（新区）内' : `园区位于${zh}`}`,
          en: `first tier: ${central ? 'inside the Central Yunnan zone' : `park in ${prefecture}`}`,
        }
      : tier === 'ceilingTier2'
        ? { zh: `第二档：园区位于${zh}`, en: `second tier: park in ${prefecture}` }
        : { zh: `其他州（市）：园区位于${zh}`, en: `other prefectures: park in ${prefecture}` }
  },
})

export const landPriceCeiling: Measure = {
  id: 'land-price-ceiling',
  clause: '§14',
  title: {
    zh: '重大转型升级工业项目差别化用地价格',
    en: 'Land price ceiling for major transformation-and-upgrading industrial projects',
  },
  summary: {
    zh: '省级工业园区及滇中产业聚集区内符合条件的重大转型升级工业项目，用地每亩不高于15万、12万或10万元。',
    en: 'In provincial parks and the Central Yunnan zone, qualifying major projects pay at most 150 000, 120 000 or 100 000 yuan per mu.',
  },
  cash: false,
  inputs: [
    '/project/park/level',
    '/project/inCentralYunnanZone',
    '/project/prefecture',
    '/project/industryCode',
    '/project/majorTransformationProject',
    '/project/land',
  ],

  evaluate(run) {
    const project = run.application.project
    if (!project) return run.missing(['/project'])
    const land = project.land
    if (!land) return run.missing(['/project/land'])
    const at = run.asOf

    // Where: a park of an eligible level, or the Central Yunnan Industrial Zone.
    const parkLevels = run.params.list('landPrice.parkLevels', at)
    const parkLevel = project.park?.level ?? null
    const located = run.test(
      LOCATED,
      undefined,
      undefined,
      project.inCentralYunnanZone === true || (parkLevel !== null && parkLevels.includes(parkLevel)),
    )
    if (!located) {
      run.reason(
        'NOT_IN_ELIGIBLE_PARK',
        run.labels
          ? {
              zh: `项目不在${labelsOf(PARK_LEVEL_LABELS, parkLevels).zh}园区内，也不在滇中产业聚集区内`,
              en: `the project is neither in a ${labelsOf(PARK_LEVEL_LABELS, parkLevels).en} park nor in the Central Yunnan zone`,
            }
          : {
              zh: `项目不在${parkLevels.join('、')}级园区内，也不在滇中产业聚集区内`,
              en: `the project is neither in a park of level ${parkLevels.join(', ')} nor in the Central Yunnan zone`,
            },
        '/project/park/level',
      )
    }

    // The priority industry catalogue: the province's list when set, else the declaration.
    const catalogueSet = run.params.isSet('landPrice.priorityCatalogue', at)
    const catalogue = run.params.list('landPrice.priorityCatalogue', at)
    const inCatalogue = run.test(
      IN_CATALOGUE,
      undefined,
      undefined,
      catalogueSet
        ? catalogue.some((code) => industryMatches(project.industryCode, code))
        : land.inPriorityCatalogue === true,
      [catalogueSet],
    )
    if (!catalogueSet) run.note(CATALOGUE_UNSET)
    if (!inCatalogue) {
      run.reason(
        'NOT_IN_PRIORITY_CATALOGUE',
        {
          zh: `项目行业${project.industryCode}不在优先发展的重点工业产业目录内`,
          en: `industry ${project.industryCode} is not in the priority industry catalogue`,
        },
        catalogueSet ? '/project/industryCode' : '/project/land/inPriorityCatalogue',
      )
    }

    const intensity = run.test(INTENSITY, undefined, undefined, land.meetsInvestmentIntensity === true)
    if (!intensity) {
      run.reason(
        'INVESTMENT_INTENSITY_NOT_MET',
        {
          zh: '项目不符合投资强度控制指标',
          en: 'the project does not meet the investment intensity threshold',
        },
        '/project/land/meetsInvestmentIntensity',
      )
    }

    const major = run.test(MAJOR, undefined, undefined, project.majorTransformationProject === true)
    if (!major) {
      run.reason(
        'NOT_MAJOR_TRANSFORMATION_PROJECT',
        {
          zh: '项目不是重大转型升级工业项目',
          en: 'the project is not a major transformation-and-upgrading project',
        },
        '/project/majorTransformationProject',
      )
    }

    // Land use intensity: both ratios at least 1.4 × the 2008 national standard.
    const factor = run.params.requireDecimal('landPrice.intensityFactor', at)
    const division = industryDivision(project.industryCode)
    const plotStandardText = run.params.tableRow('landPrice.standardPlotRatio', at, division)
    let plotOk = true
    const { show } = run
    if (plotStandardText === undefined) {
      run.note(NO_PLOT_STANDARD, [division])
    } else {
      const plotStandard = Rational.parse(plotStandardText)
      const plotRequired = run.step(
        PLOT_REQUIRED,
        factor.times(plotStandard),
        [factor, plotStandard],
        [division],
      )
      const plotRatio = Rational.parse(land.plotRatio)
      plotOk = run.test(PLOT, undefined, show.number(plotRequired), plotRatio.gte(plotRequired))
      if (!plotOk) {
        run.reason(
          'PLOT_RATIO_TOO_LOW',
          {
            zh: `容积率${land.plotRatio}低于${show.number(plotRequired)}（${show.number(factor)} × 标准${show.number(plotStandard)}）`,
            en: `plot ratio ${land.plotRatio} < ${show.number(plotRequired)} (${show.number(factor)} × standard ${show.number(plotStandard)})`,
          },
          '/project/land/plotRatio',
        )
      }
    }

    const coefficientStandard = run.params.requireDecimal('landPrice.standardBuildingCoefficient', at)
    const coefficientRequired = run.step(COEFFICIENT_REQUIRED, factor.times(coefficientStandard), [
      factor,
      coefficientStandard,
    ])
    const coefficientOk = run.test(
      COEFFICIENT,
      undefined,
      show.number(coefficientRequired),
      Rational.parse(land.buildingCoefficient).gte(coefficientRequired),
    )
    if (!coefficientOk) {
      run.reason(
        'BUILDING_COEFFICIENT_TOO_LOW',
        {
          zh: `建筑系数${land.buildingCoefficient}低于${show.number(coefficientRequired)}（${show.number(factor)} × 标准${show.number(coefficientStandard)}）`,
          en: `building coefficient ${land.buildingCoefficient} < ${show.number(coefficientRequired)} (${show.number(factor)} × standard ${show.number(coefficientStandard)})`,
        },
        '/project/land/buildingCoefficient',
      )
    }

    if (!(located && inCatalogue && intensity && major && plotOk && coefficientOk)) {
      return run.ineligibleWithReasons()
    }
    if (plotStandardText === undefined) {
      return run.needsReview('PLOT_RATIO_STANDARD_NOT_SET', {
        zh: `《工业项目建设用地控制指标》容积率标准未列行业大类${division}，需人工确定`,
        en: `no plot ratio standard for industry division ${division} (landPrice.standardPlotRatio): a person must decide`,
      })
    }

    // The ceiling: first tier that matches.
    const tier1 = run.params.list('landPrice.ceilingTier1.prefectures', at)
    const tier2 = run.params.list('landPrice.ceilingTier2.prefectures', at)
    const tier =
      project.inCentralYunnanZone === true || tier1.includes(project.prefecture)
        ? 'ceilingTier1'
        : tier2.includes(project.prefecture)
          ? 'ceilingTier2'
          : 'ceilingOther'
    run.note(TIER, [tier, project.inCentralYunnanZone === true, project.prefecture])
    const ceilingPerMu = run.params.requireDecimal(`landPrice.${tier}.perMu`, at)
    const area = Rational.parse(land.areaMu)
    const totalCeiling = run.step(TOTAL_CEILING, ceilingPerMu.times(area), [ceilingPerMu], [land.areaMu])
    const details: Record<string, unknown> = {
      tier,
      ceilingPerMu: ceilingPerMu.toMoney(),
      areaMu: land.areaMu,
      totalCeiling: totalCeiling.toMoney(),
    }
    if (land.quotedPricePerMu !== undefined) {
      const quoted = Rational.parse(land.quotedPricePerMu)
      const saving = run.step(
        SAVING,
        quoted.minus(ceilingPerMu).max(ZERO).times(area),
        [quoted, ceilingPerMu],
        [land.areaMu],
      )
      details.quotedPricePerMu = quoted.toMoney()
      details.saving = saving.toMoney()
    }
    return run.benefit(details)
  },
}
