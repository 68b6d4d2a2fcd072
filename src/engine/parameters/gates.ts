import type { ParameterDefinition } from './types.ts'

const POLICY_START = '2014-01-01'

// §17 实施产业负面清单: "将国家颁布的《产业结构调整指导目录》中淘汰类、不符合行业准入条件的项目，以及属于
// 限制类的新建项目纳入负面清单管理。制订重点区域和园区负面清单，对滇中地区及选择5个重点园区试行更加严格的
// 负面清单管理制度。"
export const negativeListParameters: ParameterDefinition[] = [
  {
    name: 'negativeList.deniedClasses',
    kind: 'list',
    unit: 'ids',
    clause: '§17',
    description: {
      zh: '纳入负面清单的《产业结构调整指导目录》类别（不论新建与否）',
      en: 'classes of the Industrial Structure Adjustment Catalogue on the negative list for every project',
    },
    values: [{ from: POLICY_START, to: null, value: ['eliminated'] }],
  },
  {
    name: 'negativeList.newBuildDeniedClasses',
    kind: 'list',
    unit: 'ids',
    clause: '§17',
    description: {
      zh: '新建项目纳入负面清单的类别',
      en: 'classes on the negative list when the project is a new build',
    },
    values: [{ from: POLICY_START, to: null, value: ['restricted'] }],
  },
  {
    name: 'negativeList.centralYunnanPrefectures',
    kind: 'list',
    unit: 'ids',
    clause: '§17',
    description: {
      zh: '滇中地区所含州（市）',
      en: 'prefectures forming the Central Yunnan area (滇中地区)',
    },
    interpretation:
      'The source does not define 滇中地区; we read it as the four prefectures of the Central Yunnan ' +
      'Urban Economic Circle as understood in 2014 (Kunming, Qujing, Yuxi, Chuxiong). Later plans add ' +
      'northern Honghe counties; a policy office can extend this list. A project inside the Central Yunnan ' +
      'Industrial Zone (project.inCentralYunnanZone) is in the area whatever this list says.',
    values: [{ from: POLICY_START, to: null, value: ['kunming', 'qujing', 'yuxi', 'chuxiong'] }],
  },
  {
    name: 'negativeList.centralYunnanDeniedIndustries',
    kind: 'list',
    unit: 'GB/T 4754 codes',
    clause: '§17',
    description: {
      zh: '滇中地区更严格负面清单：禁止的行业代码（GB/T 4754，前缀匹配）',
      en: 'stricter Central Yunnan negative list: denied industry codes (GB/T 4754, prefix match)',
    },
    interpretation:
      'The source orders a stricter list for Central Yunnan but does not publish it; it is data the ' +
      'province sets. Empty by default: no additional industry is denied until the list is published. ' +
      'An entry is a section letter ("C") or a code whose digits prefix the project\'s code ("33", "C3311").',
    values: [{ from: POLICY_START, to: null, value: [] }],
  },
  {
    name: 'negativeList.pilotParkIds',
    kind: 'list',
    unit: 'ids',
    clause: '§17',
    description: {
      zh: '试行更严格负面清单的5个重点园区',
      en: 'the 5 pilot parks with a stricter negative list',
    },
    interpretation:
      'The source says 5 parks will be chosen but does not name them. Empty by default; a park is also ' +
      'treated as a pilot park when the application declares project.park.pilot = true.',
    values: [{ from: POLICY_START, to: null, value: [] }],
  },
  {
    name: 'negativeList.pilotParkDeniedIndustries',
    kind: 'list',
    unit: 'GB/T 4754 codes',
    clause: '§17',
    description: {
      zh: '重点园区更严格负面清单：禁止的行业代码（GB/T 4754，前缀匹配）',
      en: 'stricter pilot-park negative list: denied industry codes (GB/T 4754, prefix match)',
    },
    interpretation:
      'Unpublished by the source; empty by default (see negativeList.centralYunnanDeniedIndustries).',
    values: [{ from: POLICY_START, to: null, value: [] }],
  },
]

// §6 严格控制产能盲目扩张: "新建铜、铅、锌、锡冶炼，电石、焦炭、黄磷生产项目，在满足国家行业准入条件基础上，
// 须落实产能等量置换指标，其中有色金属自产资源须达到50%以上。除资源、能源、市场三头在外的钢铁项目外，不再
// 新增钢铁产能。"
export const capacityControlParameters: ParameterDefinition[] = [
  {
    name: 'capacityControl.replacementProducts',
    kind: 'list',
    unit: 'ids',
    clause: '§6',
    description: {
      zh: '新建项目须满足准入条件并落实产能等量置换的产品',
      en: 'products whose new builds must meet access conditions and replace capacity one for one',
    },
    values: [
      {
        from: POLICY_START,
        to: null,
        value: [
          'copper-smelting',
          'lead-smelting',
          'zinc-smelting',
          'tin-smelting',
          'calcium-carbide',
          'coke',
          'yellow-phosphorus',
        ],
      },
    ],
  },
  {
    name: 'capacityControl.replacementRatio',
    kind: 'rate',
    unit: 'ratio',
    clause: '§6',
    description: {
      zh: '置换产能与新增产能之比的下限（等量置换）',
      en: 'minimum ratio of replaced to new capacity (等量置换: one for one)',
    },
    values: [{ from: POLICY_START, to: null, value: '1' }],
  },
  {
    name: 'capacityControl.selfProducedShareProducts',
    kind: 'list',
    unit: 'ids',
    clause: '§6',
    description: {
      zh: '须达到自产资源比例要求的有色金属冶炼产品',
      en: 'non-ferrous smelting products subject to the self-produced raw material share',
    },
    interpretation:
      '"有色金属" in the sentence about new copper, lead, zinc and tin smelting: we read it as these four.',
    values: [
      {
        from: POLICY_START,
        to: null,
        value: ['copper-smelting', 'lead-smelting', 'zinc-smelting', 'tin-smelting'],
      },
    ],
  },
  {
    name: 'capacityControl.minSelfProducedShare',
    kind: 'rate',
    unit: 'ratio',
    clause: '§6',
    description: {
      zh: '有色金属自产资源比例下限（50%以上，含本数）',
      en: 'minimum share of self-produced raw material (50% or more, inclusive)',
    },
    values: [{ from: POLICY_START, to: null, value: '0.50' }],
  },
  {
    name: 'capacityControl.barredUnlessAllOutside',
    kind: 'list',
    unit: 'ids',
    clause: '§6',
    description: {
      zh: '不再新增产能的产品（资源、能源、市场三头在外的除外）',
      en: 'products with no new capacity unless resources, energy and market are all outside the province',
    },
    values: [{ from: POLICY_START, to: null, value: ['crude-steel'] }],
  },
  {
    name: 'capacityControl.barredBuildTypes',
    kind: 'list',
    unit: 'ids',
    clause: '§6',
    description: {
      zh: '新增产能受“不再新增”限制的建设性质（新建、扩建）',
      en: 'build types that add capacity of a barred product (new build, expansion)',
    },
    interpretation:
      'Ruling of 2026-12-03: 不再新增钢铁产能 bars any project that adds crude-steel capacity, new build or expansion; a renovation (技术改造) is read as adding none. Replacement rules for the other products apply to new builds (新建) only.',
    values: [{ from: POLICY_START, to: null, value: ['new-build', 'expansion'] }],
  },
  ...capacityCaps2017(),
]

/**
 * §6 "到2017年…控制在…以内": the province-wide capacity caps for 2017, data for a capacity ledger
 * (POLICY.md §1 G2). Nothing in the engine computes with them yet.
 */
function capacityCaps2017(): ParameterDefinition[] {
  const caps: [string, string, string, number, string][] = [
    ['copper', '铜冶炼', 'copper smelting', 500_000, 't/year'],
    ['aluminium', '铝冶炼', 'aluminium smelting', 3_000_000, 't/year'],
    ['leadZinc', '铅锌冶炼', 'lead-zinc smelting', 1_900_000, 't/year'],
    ['tin', '锡冶炼', 'tin smelting', 100_000, 't/year'],
    ['crudeSteel', '粗钢', 'crude steel', 30_000_000, 't/year'],
    ['cementClinker', '水泥熟料', 'cement clinker', 120_000_000, 't/year'],
    ['calciumCarbide', '电石', 'calcium carbide', 1_600_000, 't/year'],
    ['coke', '焦炭', 'coke', 22_000_000, 't/year'],
    ['yellowPhosphorus', '黄磷', 'yellow phosphorus', 1_100_000, 't/year'],
    ['phosphateCompoundFertiliser', '磷复肥', 'phosphate compound fertiliser', 7_500_000, 't/year'],
    [
      'coalFiredPublicPower',
      '燃煤公用电厂装机',
      'coal-fired public power plants, installed',
      15_000_000,
      'kW',
    ],
  ]
  return caps.map(([id, zh, en, value, unit]) => ({
    name: `capacityControl.cap2017.${id}`,
    kind: 'integer',
    unit,
    clause: '§6',
    description: {
      zh: `到2017年全省${zh}产能控制上限`,
      en: `province-wide cap on ${en} capacity by 2017`,
    },
    interpretation:
      'A 2017 target; the source sets nothing after it, so the value stays in force until changed. Data ' +
      'for a capacity ledger; no measure reads it.',
    values: [{ from: POLICY_START, to: null, value }],
  }))
}
