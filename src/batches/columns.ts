// The columns of a batch CSV, derived from the application schema (src/schemas/application.ts, the
// single source): every scalar fact reachable through objects is one column named by its dotted
// path ("project.investment"), or by its Chinese name ("投资额"); a list-valued fact (tax records,
// R&D platforms, research events, standards, talents) is ONE column holding the list as JSON, exactly
// as the JSON body of POST /v1/applications carries it. Cells are text: an empty cell omits the fact;
// booleans are true/false (or 是/否, 1/0); a vocabulary's value is its id or its Chinese label
// (扩建 for expansion, src/engine/labels.ts); integers are digits; amounts, ratios and dates stay the
// decimal strings and YYYY-MM-DD the schema asks for. GET /v1/batches/template.csv lists them all.

import type { TSchema } from 'typebox'
import {
  BUILD_TYPE_LABELS,
  CAPACITY_PRODUCT_LABELS,
  EMERGING_INDUSTRY_LABELS,
  PARK_LEVEL_LABELS,
  POLICY_CLASS_LABELS,
} from '../engine/labels.ts'
import type { Text } from '../engine/trace.ts'
import { Application } from '../schemas/application.ts'
import { CHINESE_DESCRIPTIONS } from './column-descriptions-zh.ts'

export type ColumnKind = 'string' | 'integer' | 'boolean' | 'json'

export interface Column {
  /** the dotted path, also the English header */
  path: string
  /** the header in Chinese */
  zh: string
  kind: ColumnKind
  required: boolean
  /** the JSON pointer of the fact, e.g. /project/investment */
  pointer: string
  /** the schema's description (English; the OpenAPI document's too) */
  description: string
  /** the same in Chinese (src/batches/column-descriptions-zh.ts) */
  descriptionZh: string
  /** a vocabulary's Chinese labels, each read as its id (a clerk writes 扩建 under 建设性质) */
  labels?: ReadonlyMap<string, string>
}

/** The columns whose value is one of a vocabulary, with its labels (src/engine/labels.ts). */
const VOCABULARIES: Readonly<Record<string, Readonly<Record<string, Text>>>> = {
  'enterprise.emergingIndustryRanking.industry': EMERGING_INDUSTRY_LABELS,
  'project.buildType': BUILD_TYPE_LABELS,
  'project.emergingIndustry': EMERGING_INDUSTRY_LABELS,
  'project.policyClass': POLICY_CLASS_LABELS,
  'project.park.level': PARK_LEVEL_LABELS,
  'project.capacityProduct': CAPACITY_PRODUCT_LABELS,
}

/** Chinese headers, by path. test/batches/columns.test.ts checks every schema column has one. */
export const CHINESE_HEADERS: Readonly<Record<string, string>> = {
  applicationDate: '申请日期',
  'enterprise.creditCode': '统一社会信用代码',
  'enterprise.name': '企业名称',
  'enterprise.registeredOn': '注册日期',
  'enterprise.techSmeCertified': '科技型中小企业认定',
  'enterprise.taxRecords': '企业纳税记录',
  'enterprise.emergingIndustryRanking.industry': '新兴产业排名行业',
  'enterprise.emergingIndustryRanking.year': '新兴产业排名年度',
  'enterprise.emergingIndustryRanking.rank': '新兴产业排名名次',
  'project.id': '项目编号',
  'project.name': '项目名称',
  'project.buildType': '建设性质',
  'project.industryCode': '行业代码',
  'project.emergingIndustry': '新兴产业',
  'project.policyClass': '产业政策类别',
  'project.meetsAccessConditions': '符合准入条件',
  'project.prefecture': '州市',
  'project.park.id': '园区编号',
  'project.park.name': '园区名称',
  'project.park.level': '园区级别',
  'project.park.pilot': '园区试点',
  'project.inCentralYunnanZone': '滇中产业新区',
  'project.capacityProduct': '产能控制产品',
  'project.capacity.newCapacity': '新增产能',
  'project.capacity.replacedCapacity': '置换产能',
  'project.capacity.selfProducedRawMaterialShare': '自产原料比例',
  'project.capacity.resourcesOutsideProvince': '资源来自省外',
  'project.capacity.energyOutsideProvince': '能源来自省外',
  'project.capacity.marketOutsideProvince': '市场在省外',
  'project.deepProcessing': '精深加工',
  'project.chainExtension': '延伸产业链',
  'project.investment': '投资额',
  'project.commissionedOn': '投产日期',
  'project.taxRecords': '项目纳税记录',
  'project.keyTransformationLibrary': '重点技改项目库',
  'project.majorTransformationProject': '重大技改项目',
  'project.land.areaMu': '用地面积(亩)',
  'project.land.quotedPricePerMu': '每亩报价',
  'project.land.plotRatio': '容积率',
  'project.land.buildingCoefficient': '建筑系数',
  'project.land.inPriorityCatalogue': '列入优先目录',
  'project.land.meetsInvestmentIntensity': '达到投资强度',
  'project.land.existingLandPlotRatioIncrease': '现有用地提高容积率',
  'project.land.newLandFloorAreaAboveStandard': '新增用地建筑面积超标准',
  'project.land.assessedAdditionalPremium': '评估应补地价款',
  'project.power.voltageKv': '电压等级(kV)',
  'project.power.unitEnergyConsumption': '单位产品能耗',
  'project.power.industryStandard': '行业能耗标准',
  'claims.top3AwardYear': '前三名奖励年度',
  'claims.rdPlatforms': '研发平台申报',
  'claims.researchEvents': '研究院与成果申报',
  'claims.standards': '标准申报',
  'claims.talents': '人才申报',
}

type Node = TSchema & {
  type?: string
  properties?: Record<string, Node>
  required?: string[]
  anyOf?: Node[]
  description?: string
}

const collect = (schema: Node, path: string[], required: boolean, out: Column[]): void => {
  // An optional object that may be null (project.park): its object form's facts are columns.
  const node = schema.anyOf ? (schema.anyOf.find((s) => s.type !== 'null') ?? schema) : schema
  if (node.type === 'object' && node.properties) {
    for (const [name, child] of Object.entries(node.properties))
      collect(child, [...path, name], required && (node.required ?? []).includes(name), out)
    return
  }
  const dotted = path.join('.')
  const vocabulary = VOCABULARIES[dotted]
  out.push({
    path: dotted,
    zh: CHINESE_HEADERS[dotted] ?? dotted,
    kind:
      node.type === 'array' || node.type === 'object'
        ? 'json'
        : node.type === 'integer'
          ? 'integer'
          : node.type === 'boolean'
            ? 'boolean'
            : 'string',
    required,
    pointer: `/${path.join('/')}`,
    description: schema.description ?? node.description ?? '',
    descriptionZh: CHINESE_DESCRIPTIONS[dotted] ?? '',
    ...(vocabulary
      ? { labels: new Map(Object.entries(vocabulary).map(([id, label]) => [label.zh, id])) }
      : {}),
  })
}

/** Every column, in schema order. */
export const COLUMNS: readonly Column[] = (() => {
  const out: Column[] = []
  collect(Application as Node, [], true, out)
  return out
})()

const BY_HEADER = new Map<string, Column>()
for (const c of COLUMNS) {
  BY_HEADER.set(c.path, c)
  BY_HEADER.set(c.zh, c)
}

/** The column a header names (English path or Chinese name; surrounding spaces and a BOM ignored). */
export const columnOf = (header: string): Column | undefined =>
  BY_HEADER.get(header.replace(/^\uFEFF/, '').trim())

/** The column a JSON pointer into the application falls in (the longest column prefix). */
export const columnAt = (pointer: string): Column | undefined => {
  let best: Column | undefined
  for (const c of COLUMNS) {
    if (
      (pointer === c.pointer || pointer.startsWith(`${c.pointer}/`)) &&
      c.pointer.length > (best?.pointer.length ?? 0)
    )
      best = c
  }
  return best
}

// Any letter case (the cell is lower-cased first): README "For the finance bureau" lists these.
const TRUE = new Set(['true', '是', '1', 'yes'])
const FALSE = new Set(['false', '否', '0', 'no'])

/** A cell as the schema's value; text the kind cannot read stays text, for the validator to name. */
export const cellValue = (column: Column, cell: string): unknown => {
  const text = cell.trim()
  switch (column.kind) {
    case 'string':
      return column.labels?.get(text) ?? text
    case 'integer':
      return /^-?\d{1,15}$/.test(text) ? Number(text) : text
    case 'boolean': {
      const lower = text.toLowerCase()
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : text
    }
    case 'json':
      return JSON.parse(text) as unknown
  }
}
