// §22 加强考核督查: "要建立工业转型升级监测指标体系" — a monitoring indicator system. These are the
// indicators it monitors: every figure of POLICY.md §4, cited by the clause of the source that states
// it (§4 main targets "以2013年为基期，到2017年…"; §5 industry sales of the six emerging industries; §6
// deep-processing rates of non-ferrous metals; §9 industrial investment), plus the three innovation
// figures of source §4 that POLICY.md §4 leaves out (new national R&D platforms, new provincial
// enterprise technology centres, share of enterprises with an R&D institution).
//
// Shares and rates are ratios ("0.44" for 44%). Values are keyed by year: `baseline` is the base
// year's value (parameter indicators.baseYear, 2013), `targetYYYY` the target for year YYYY. A null
// baseline means the source gives none (then progress and the linear path cannot be computed).
// The numbers become dated table parameters (parameters/indicators.ts), so a request can override
// them and every result records the values it used; the structure (direction, kind, unit) is here.
//
// Wording: "以上" (at least) and "达到/增加到/下降到" (reach) are inclusive; "超过" (exceed, light
// industry sales 2020) is strict and listed in strictTargetYears.

import type { Text } from '../trace.ts'

export type IndicatorDirection = 'at-least' | 'at-most'
/** level: a value for the year; annual-growth: the year's growth rate over the previous year */
export type IndicatorKind = 'level' | 'annual-growth'

export interface IndicatorDefinition {
  /** stable kebab-case id */
  id: string
  /** the clause of the source that states the figure */
  clause: string
  name: Text
  /** "ratio", "tce/10^4 CNY", "10^4 CNY/worker", "10^8 CNY", "count" */
  unit: string
  direction: IndicatorDirection
  kind: IndicatorKind
  /** keys "baseline" and "targetYYYY", decimal strings; the default parameter values */
  values: Readonly<Record<string, string>>
  /** target years whose target must be exceeded strictly ("超过") */
  strictTargetYears?: readonly number[]
  /** how we read the source, where it needed reading */
  interpretation?: string
}

const share = (
  id: string,
  clause: string,
  name: Text,
  values: Record<string, string>,
  interpretation?: string,
): IndicatorDefinition => ({
  id,
  clause,
  name,
  unit: 'ratio',
  direction: 'at-least',
  kind: 'level',
  values,
  ...(interpretation ? { interpretation } : {}),
})

const growth = (
  id: string,
  clause: string,
  name: Text,
  values: Record<string, string>,
  interpretation?: string,
) =>
  ({
    id,
    clause,
    name,
    unit: 'ratio',
    direction: 'at-least',
    kind: 'annual-growth',
    values,
    interpretation:
      interpretation ??
      'The source says 年均增长 (average annual growth) "以上": the year’s growth rate (or the average since the base year, as the caller reports it) must be ≥ the target rate in every year up to the target year.',
  }) satisfies IndicatorDefinition

const sales = (
  id: string,
  name: Text,
  values: Record<string, string>,
  extra: Partial<IndicatorDefinition> = {},
): IndicatorDefinition => ({
  id,
  clause: '§5',
  name,
  unit: '10^8 CNY',
  direction: 'at-least',
  kind: 'level',
  values,
  ...extra,
})

export const INDICATORS: readonly IndicatorDefinition[] = [
  // §4 产业结构进一步优化
  share(
    'light-industry-share',
    '§4',
    { zh: '轻工业增加值占规模以上工业比重', en: 'light industry share of value added above designated size' },
    { baseline: '0.44', target2017: '0.50' },
  ),
  share(
    'private-industry-share',
    '§4',
    { zh: '民营工业增加值占全省工业增加值比重', en: 'private industry share of industrial value added' },
    { baseline: '0.468', target2017: '0.55' },
  ),
  share(
    'strategic-emerging-industries-share-of-gdp',
    '§4',
    { zh: '战略性新兴产业增加值占GDP比重', en: 'strategic emerging industries value added share of GDP' },
    { baseline: '0.076', target2017: '0.10' },
  ),
  // §4 创新能力进一步增强
  share(
    'science-technology-contribution',
    '§4',
    { zh: '科技进步对经济增长的贡献率', en: 'contribution of S&T progress to economic growth' },
    { target2017: '0.60' },
    'The source gives no 2013 value: met is computed, progress and the linear path are not.',
  ),
  {
    id: 'new-national-rd-platforms',
    clause: '§4',
    name: {
      zh: '新增国家级研发平台（2013年以来累计）',
      en: 'new national R&D platforms since 2013 (cumulative)',
    },
    unit: 'count',
    direction: 'at-least',
    kind: 'level',
    values: { baseline: '0', target2017: '5' },
    interpretation:
      '"新增5个以上": a cumulative count of platforms added since the base year, so the baseline is 0.',
  },
  {
    id: 'new-provincial-enterprise-tech-centers',
    clause: '§4',
    name: {
      zh: '新增省级企业技术中心（2013年以来累计）',
      en: 'new provincial enterprise technology centres since 2013 (cumulative)',
    },
    unit: 'count',
    direction: 'at-least',
    kind: 'level',
    values: { baseline: '0', target2017: '60' },
    interpretation:
      '"新增省级企业技术中心60个": a cumulative count since the base year (baseline 0); reaching 60 meets it.',
  },
  share(
    'enterprises-with-rd-institution-share',
    '§4',
    {
      zh: '建立技术中心或研发机构的规模以上企业比重',
      en: 'share of enterprises above designated size with a technology centre or R&D institution',
    },
    { target2017: '0.50' },
    'The source gives no 2013 value.',
  ),
  growth(
    'enterprise-patents-granted-growth',
    '§4',
    { zh: '企业专利授权量年均增长', en: 'annual growth of patents granted to enterprises' },
    { target2017: '0.25' },
  ),
  // §4 能耗排放进一步下降
  {
    id: 'energy-per-value-added',
    clause: '§4',
    name: {
      zh: '规模以上工业单位增加值能耗',
      en: 'energy consumption per unit of industrial value added above designated size',
    },
    unit: 'tce/10^4 CNY',
    direction: 'at-most',
    kind: 'level',
    values: { baseline: '2.12', target2017: '1.91' },
  },
  // §4 质量效益进一步提高
  growth(
    'industrial-value-added-growth',
    '§4',
    { zh: '工业增加值年均增长', en: 'annual growth of industrial value added' },
    { target2017: '0.12' },
  ),
  growth(
    'profit-and-tax-growth',
    '§4',
    { zh: '工业利税年均增长', en: 'annual growth of industrial profit and tax' },
    { target2017: '0.13' },
  ),
  {
    id: 'labour-productivity',
    clause: '§4',
    name: { zh: '全员劳动生产率', en: 'overall labour productivity' },
    unit: '10^4 CNY/worker',
    direction: 'at-least',
    kind: 'level',
    values: { baseline: '36.3', target2017: '45' },
  },
  share(
    'new-product-output-rate',
    '§4',
    {
      zh: '规模以上工业企业新产品产值率',
      en: 'new-product output rate of enterprises above designated size',
    },
    { baseline: '0.048', target2017: '0.06' },
  ),
  // §5 six emerging industries: sales revenue, 10^8 yuan
  sales(
    'light-industry-sales',
    { zh: '轻工业销售收入', en: 'light industry sales revenue' },
    { baseline: '1180', target2017: '2450', target2020: '4000' },
    {
      strictTargetYears: [2020],
      interpretation: '2017 "增加到2450亿元" is reached at 2450; 2020 "超过4000亿元" must exceed 4000.',
    },
  ),
  sales(
    'biomedicine-sales',
    { zh: '生物医药产业销售收入', en: 'biomedicine sales revenue' },
    { baseline: '350', target2017: '720', target2020: '1100' },
  ),
  sales(
    'new-materials-sales',
    { zh: '新材料产业销售收入', en: 'new materials sales revenue' },
    { baseline: '780', target2017: '1600', target2020: '2800' },
  ),
  sales(
    'advanced-equipment-sales',
    { zh: '装备制造业销售收入', en: 'equipment manufacturing sales revenue' },
    { baseline: '570', target2017: '1000', target2020: '1700' },
  ),
  sales(
    'electronic-information-sales',
    { zh: '电子信息产业销售收入', en: 'electronic information sales revenue' },
    { baseline: '437', target2017: '850', target2020: '1360' },
  ),
  sales(
    'petrochemical-sales-increase',
    { zh: '石化产业销售收入较2013年净增', en: 'petrochemical sales revenue increase over 2013' },
    { baseline: '0', target2017: '600' },
    {
      interpretation:
        '"到2017年净增600亿元以上": the source gives no 2013 level, so this indicator is the increase over 2013 (baseline 0).',
    },
  ),
  sales(
    'petrochemical-sales',
    { zh: '石化产业销售收入', en: 'petrochemical sales revenue' },
    { target2020: '1000' },
    { interpretation: '"2020年达到1000亿元以上"; the source gives no 2013 level.' },
  ),
  // §6 深加工率 of non-ferrous metals
  share(
    'copper-deep-processing-rate',
    '§6',
    { zh: '铜深加工率', en: 'copper deep-processing rate' },
    { baseline: '0.25', target2017: '0.60' },
  ),
  share(
    'aluminium-deep-processing-rate',
    '§6',
    { zh: '铝深加工率', en: 'aluminium deep-processing rate' },
    { baseline: '0.31', target2017: '0.60' },
  ),
  share(
    'lead-zinc-deep-processing-rate',
    '§6',
    { zh: '铅锌深加工率', en: 'lead-zinc deep-processing rate' },
    { baseline: '0.11', target2017: '0.15' },
  ),
  share(
    'tin-deep-processing-rate',
    '§6',
    { zh: '锡深加工率', en: 'tin deep-processing rate' },
    { baseline: '0.50', target2017: '0.60' },
  ),
  // §9 努力扩大工业投资
  growth(
    'industrial-investment-growth',
    '§9',
    { zh: '工业投资（不含电力）年增长', en: 'annual growth of industrial investment excluding power' },
    { target2020: '0.20' },
    '"到2020年，力争工业投资（不含电力）每年增长20%以上": every year up to 2020, growth ≥ 20%.',
  ),
  share(
    'industrial-investment-share-of-fixed-assets',
    '§9',
    {
      zh: '全部工业投资占全社会固定资产投资比重',
      en: 'share of all industrial investment in total fixed-asset investment',
    },
    { target2020: '0.40' },
    'The share counts all industrial investment (全部工业投资, power included), unlike the growth figure; no 2013 value is given.',
  ),
]
