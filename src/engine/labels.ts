// The words for the vocabularies of types.ts (and the levels the finance computations take), in
// Chinese and English. A reason or note that names an input's value names it by its label
// ("项目建设性质为扩建"), never by its id ("expansion") inside Chinese text. Pure data: the engine
// stays free of i18n imports; the HTTP layer picks the language (src/i18n).

import type { Text } from './trace.ts'
import type {
  BuildType,
  CapacityProduct,
  EmergingIndustry,
  ParkLevel,
  PlatformKind,
  PolicyClass,
  ResearchEventKind,
  StandardKind,
  TalentRole,
} from './types.ts'

/** §5 (source): the six emerging industries. */
export const EMERGING_INDUSTRY_LABELS: Readonly<Record<EmergingIndustry, Text>> = {
  'light-industry': { zh: '轻工业', en: 'light industry' },
  biomedicine: { zh: '生物医药', en: 'biomedicine' },
  'new-materials': { zh: '新材料', en: 'new materials' },
  'advanced-equipment': { zh: '先进装备制造', en: 'advanced equipment manufacturing' },
  'electronic-information': { zh: '电子信息', en: 'electronic information' },
  petrochemical: { zh: '石化', en: 'petrochemicals' },
}

/** §17: the classes of the Industrial Structure Adjustment Catalogue. */
export const POLICY_CLASS_LABELS: Readonly<Record<PolicyClass, Text>> = {
  encouraged: { zh: '鼓励类', en: 'encouraged class' },
  permitted: { zh: '允许类', en: 'permitted class' },
  restricted: { zh: '限制类', en: 'restricted class' },
  eliminated: { zh: '淘汰类', en: 'eliminated class' },
}

export const PARK_LEVEL_LABELS: Readonly<Record<ParkLevel, Text>> = {
  national: { zh: '国家级', en: 'national' },
  provincial: { zh: '省级', en: 'provincial' },
  prefecture: { zh: '州（市）级', en: 'prefecture-level' },
  county: { zh: '县（市、区）级', en: 'county-level' },
}

/** The nature of the construction (建设性质). */
export const BUILD_TYPE_LABELS: Readonly<Record<BuildType, Text>> = {
  'new-build': { zh: '新建', en: 'a new build' },
  expansion: { zh: '扩建', en: 'an expansion' },
  renovation: { zh: '技术改造', en: 'a renovation' },
}

/** §6: products under capacity control. */
export const CAPACITY_PRODUCT_LABELS: Readonly<Record<CapacityProduct, Text>> = {
  'copper-smelting': { zh: '铜冶炼', en: 'copper smelting' },
  'lead-smelting': { zh: '铅冶炼', en: 'lead smelting' },
  'zinc-smelting': { zh: '锌冶炼', en: 'zinc smelting' },
  'tin-smelting': { zh: '锡冶炼', en: 'tin smelting' },
  'calcium-carbide': { zh: '电石', en: 'calcium carbide' },
  coke: { zh: '焦炭', en: 'coke' },
  'yellow-phosphorus': { zh: '黄磷', en: 'yellow phosphorus' },
  'crude-steel': { zh: '钢铁', en: 'crude steel' },
}

/** §18: kinds of R&D platform. */
export const PLATFORM_KIND_LABELS: Readonly<Record<PlatformKind, Text>> = {
  'national-lab': { zh: '国家重点实验室', en: 'national key laboratory' },
  'national-engineering-lab': { zh: '国家工程实验室', en: 'national engineering laboratory' },
  'national-engineering-research-center': {
    zh: '国家工程（技术）研究中心',
    en: 'national engineering (technology) research centre',
  },
  'national-enterprise-tech-center': {
    zh: '国家认定企业技术中心',
    en: 'national enterprise technology centre',
  },
  'provincial-rd-platform': { zh: '省级研发平台', en: 'provincial R&D platform' },
}

export const RESEARCH_EVENT_KIND_LABELS: Readonly<Record<ResearchEventKind, Text>> = {
  'research-institute': { zh: '引进或新建研发机构', en: 'research institute' },
  'achievement-industrialisation': { zh: '科技成果产业化', en: 'industrialisation of an achievement' },
}

export const STANDARD_KIND_LABELS: Readonly<Record<StandardKind, Text>> = {
  'national-standard': { zh: '国家标准', en: 'national standard' },
  'industry-standard': { zh: '行业标准', en: 'industry standard' },
  'certified-new-product': { zh: '认定的新产品', en: 'certified new product' },
}

export const TALENT_ROLE_LABELS: Readonly<Record<TalentRole, Text>> = {
  executive: { zh: '企业高管', en: 'executive' },
  'senior-technical': { zh: '高级技术人才', en: 'senior technical talent' },
}

/** §14: the levels of government that set the land development fund aside. */
export const GOVERNMENT_LEVEL_LABELS: Readonly<Record<string, Text>> = {
  prefecture: { zh: '州（市）', en: 'prefecture' },
  county: { zh: '县（市、区）', en: 'county' },
}

/**
 * The label of `value` in `labels`, or the value itself, quoted, in both languages when it has none
 * (a value the schema would refuse, or a level the caller made up): never a raw id without quotes
 * inside Chinese text.
 */
export const labelOf = (labels: Readonly<Record<string, Text>>, value: unknown): Text => {
  const known = typeof value === 'string' && Object.hasOwn(labels, value) ? labels[value] : undefined
  if (known) return known
  const quoted = JSON.stringify(value) ?? String(value)
  return { zh: `“${quoted.replace(/^"|"$/g, '')}”`, en: quoted }
}

/** Labels of a list, joined in each language (、 in Chinese, ", " in English). */
export const labelsOf = (labels: Readonly<Record<string, Text>>, values: readonly unknown[]): Text => ({
  zh: values.map((v) => labelOf(labels, v).zh).join('、'),
  en: values.map((v) => labelOf(labels, v).en).join(', '),
})
