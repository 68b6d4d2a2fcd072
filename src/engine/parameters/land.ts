import type { ParameterDefinition } from './types.ts'

const POLICY_START = '2014-01-01'

// §14 降低工业用地成本: "在省级工业园区及滇中产业聚集区（新区）内，对符合目录和投资强度指标要求，并且容积率
// 和建筑系数超过《工业项目建设用地控制指标》规定40%以上的重大转型升级工业项目实行差别化用地政策。其中：园区
// 位于昆明市及滇中产业聚集区（新区）的，每亩不高于15万元；位于玉溪市、曲靖市、楚雄州的，每亩不高于12万元；
// 位于其他州（市）的，每亩不高于10万元。"
export const landParameters: ParameterDefinition[] = [
  {
    name: 'landPrice.parkLevels',
    kind: 'list',
    unit: 'ids',
    clause: '§14',
    description: {
      zh: '适用差别化用地政策的园区级别',
      en: 'park levels where the differentiated land price applies',
    },
    interpretation:
      'The source says 省级工业园区 here, while §19 says 省级以上; we read §14 literally: provincial ' +
      'parks only (POLICY.md §2). A project inside the Central Yunnan Industrial Zone qualifies whatever ' +
      'its park level.',
    values: [{ from: POLICY_START, to: null, value: ['provincial'] }],
  },
  {
    name: 'landPrice.priorityCatalogue',
    kind: 'list',
    unit: 'GB/T 4754 codes',
    clause: '§14',
    description: {
      zh: '优先发展的重点工业产业目录（GB/T 4754 行业代码，前缀匹配）',
      en: 'priority industry catalogue (GB/T 4754 codes, prefix match)',
    },
    interpretation:
      'A dataset the province publishes ("要制定优先发展的重点工业产业目录"). Unset (null) by default: the ' +
      "application's declared project.land.inPriorityCatalogue is used. When set, the project's industry " +
      'code must fall under one of its entries (a section letter or a code prefix).',
    values: [{ from: POLICY_START, to: null, value: null }],
  },
  {
    name: 'landPrice.intensityFactor',
    kind: 'rate',
    unit: 'ratio',
    clause: '§14',
    description: {
      zh: '容积率和建筑系数须达到控制指标的倍数（超过40%以上，含本数）',
      en: 'multiple of the national standard that plot ratio and building coefficient must reach (40% or more above, inclusive)',
    },
    interpretation: '"超过…40%以上": at least 1.4 × the standard, the bound included (POLICY.md §0).',
    values: [{ from: POLICY_START, to: null, value: '1.4' }],
  },
  {
    name: 'landPrice.standardBuildingCoefficient',
    kind: 'rate',
    unit: 'ratio',
    clause: '§14',
    description: {
      zh: '《工业项目建设用地控制指标》（2008）建筑系数标准',
      en: 'building coefficient standard of the 2008 Industrial Land Control Indicators',
    },
    values: [{ from: POLICY_START, to: null, value: '0.30' }],
  },
  {
    name: 'landPrice.standardPlotRatio',
    kind: 'table',
    unit: 'ratio',
    clause: '§14',
    description: {
      zh: '《工业项目建设用地控制指标》（2008）容积率标准，按两位行业代码',
      en: 'plot ratio standard of the 2008 Industrial Land Control Indicators, by two-digit industry division',
    },
    interpretation:
      'Keyed by the two-digit division as POLICY.md §2 gives it. The 2008 indicators were published with ' +
      'GB/T 4754-2002 division numbers, which differ from the 2017 numbering from division 29 on; a policy ' +
      'office should confirm the keys. A division without an entry has no standard: the measure answers ' +
      'needs-review (PLOT_RATIO_STANDARD_NOT_SET).',
    values: [
      {
        from: POLICY_START,
        to: null,
        value: {
          '13': '1.0',
          '14': '1.0',
          '15': '1.0',
          '16': '1.0',
          '17': '0.8',
          '18': '1.0',
          '19': '1.0',
          '20': '0.8',
          '21': '0.8',
          '22': '0.8',
          '23': '0.8',
          '24': '1.0',
          '25': '0.5',
          '26': '0.6',
          '27': '0.7',
          '28': '0.8',
          '29': '0.8',
          '30': '1.0',
          '31': '0.7',
          '32': '0.6',
          '33': '0.6',
          '34': '0.7',
          '35': '0.7',
          '36': '0.7',
          '37': '0.7',
          '39': '0.7',
          '40': '1.0',
          '41': '1.0',
          '42': '1.0',
          '43': '0.7',
        },
      },
    ],
  },
  {
    name: 'landPrice.ceilingTier1.prefectures',
    kind: 'list',
    unit: 'ids',
    clause: '§14',
    description: {
      zh: '最高限价第一档：园区所在州（市）（另含滇中产业聚集区）',
      en: 'first ceiling tier: prefectures of the park (the Central Yunnan Industrial Zone also belongs here)',
    },
    interpretation: 'Tiers are tested in order and the first that matches wins (POLICY.md §2).',
    values: [{ from: POLICY_START, to: null, value: ['kunming'] }],
  },
  {
    name: 'landPrice.ceilingTier1.perMu',
    kind: 'amount',
    unit: 'CNY/mu',
    clause: '§14',
    description: { zh: '第一档每亩最高价（不高于，含本数）', en: 'first tier ceiling per mu (inclusive)' },
    values: [{ from: POLICY_START, to: null, value: '150000.00' }],
  },
  {
    name: 'landPrice.ceilingTier2.prefectures',
    kind: 'list',
    unit: 'ids',
    clause: '§14',
    description: {
      zh: '最高限价第二档：园区所在州（市）',
      en: 'second ceiling tier: prefectures of the park',
    },
    values: [{ from: POLICY_START, to: null, value: ['yuxi', 'qujing', 'chuxiong'] }],
  },
  {
    name: 'landPrice.ceilingTier2.perMu',
    kind: 'amount',
    unit: 'CNY/mu',
    clause: '§14',
    description: { zh: '第二档每亩最高价', en: 'second tier ceiling per mu' },
    values: [{ from: POLICY_START, to: null, value: '120000.00' }],
  },
  {
    name: 'landPrice.ceilingOther.perMu',
    kind: 'amount',
    unit: 'CNY/mu',
    clause: '§14',
    description: { zh: '其他州（市）每亩最高价', en: 'ceiling per mu in any other prefecture' },
    values: [{ from: POLICY_START, to: null, value: '100000.00' }],
  },
]
