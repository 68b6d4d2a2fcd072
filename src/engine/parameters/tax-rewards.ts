import type { ParameterDefinition } from './types.ts'

// §18 要鼓励企业转型升级 (the three tax rewards) and §19 要创新激励机制 (the talent income-tax reward):
// their rates and limits. The local retained share they apply is in local-share.ts.

const START = '2014-01-01'

export const taxRewardParameters: ParameterDefinition[] = [
  {
    name: 'emergingIndustries',
    kind: 'list',
    unit: 'ids',
    clause: '§5',
    description: { zh: '六大新兴产业', en: 'the six emerging industries' },
    interpretation:
      '§5 培育一批千亿元新兴产业: light industry, biomedicine, new materials, advanced equipment, electronic information, petrochemical (POLICY.md vocabulary).',
    values: [
      {
        from: START,
        to: null,
        value: [
          'light-industry',
          'biomedicine',
          'new-materials',
          'advanced-equipment',
          'electronic-information',
          'petrochemical',
        ],
      },
    ],
  },
  {
    name: 'emergingProjectReward.rate',
    kind: 'rate',
    unit: 'ratio',
    clause: '§18',
    description: {
      zh: '新建投产新兴产业项目奖励比例（按上缴税收地方留成部分）',
      en: 'reward for a newly built emerging-industry project, as a share of the local retained share of its taxes',
    },
    values: [{ from: START, to: null, value: '0.50' }],
  },
  {
    name: 'emergingProjectReward.buildTypes',
    kind: 'list',
    unit: 'ids',
    clause: '§18',
    description: { zh: '属于“新建”的项目建设性质', en: 'build types that count as newly built (新建)' },
    interpretation:
      '新建投产 read as the build type new-build; expansions and renovations of existing capacity are not newly built.',
    values: [{ from: START, to: null, value: ['new-build'] }],
  },
  {
    name: 'startupReward.rate',
    kind: 'rate',
    unit: 'ratio',
    clause: '§18',
    description: {
      zh: '初创期科技型中小企业奖励比例（按增值税、企业所得税、营业税地方留成部分）',
      en: 'reward for a new start-up tech-based SME, as a share of the local retained share of its VAT, EIT and business tax',
    },
    interpretation:
      '新增的 taxes of a newly registered enterprise are all its taxes from registration: every tax period inside the startup stage counts.',
    values: [{ from: START, to: null, value: '0.50' }],
  },
  {
    name: 'startup.stageMonths',
    kind: 'integer',
    unit: 'months',
    clause: '§18',
    description: { zh: '初创期长度（自注册之日起）', en: 'length of the startup stage from registration' },
    interpretation:
      'The source does not define 初创期; POLICY.md fixes 36 months: the stage is [registeredOn, registeredOn + 36 months − 1 day], the month added with the last-day clamp (2015-01-31 + 1 month = 2015-02-28).',
    values: [{ from: START, to: null, value: 36 }],
  },
  {
    name: 'top3Reward.rate',
    kind: 'rate',
    unit: 'ratio',
    clause: '§18',
    description: {
      zh: '综合排名前3位企业奖励比例（按上年上缴地方税收新增部分）',
      en: 'reward for an enterprise ranked in the top 3 of an emerging industry, as a share of the increase of its local taxes',
    },
    interpretation: '全额 = 100% of the increase of local taxes of award year Y over year Y−1.',
    values: [{ from: START, to: null, value: '1.00' }],
  },
  {
    name: 'top3Reward.maxRank',
    kind: 'integer',
    unit: 'rank',
    clause: '§18',
    description: { zh: '综合排名前几位（含）', en: 'lowest comprehensive rank that qualifies (inclusive)' },
    values: [{ from: START, to: null, value: 3 }],
  },
  {
    name: 'top3Reward.awardYears',
    kind: 'integer',
    unit: 'years',
    clause: '§18',
    description: {
      zh: '奖励年限（自排名年度起，每户企业累计）',
      en: 'number of award years, from the ranking year on and per enterprise ever',
    },
    interpretation:
      '试行三年内: award year Y in R … R+2 for ranking year R, and at most 3 award years per enterprise over all its rankings.',
    values: [{ from: START, to: null, value: 3 }],
  },
  {
    name: 'talentReward.rate',
    kind: 'rate',
    unit: 'ratio',
    clause: '§19',
    description: {
      zh: '优秀高管和高级技术人才个人所得税地方留成部分奖励比例',
      en: 'reward as a share of the local retained share of the individual income tax of a designated talent',
    },
    interpretation: 'The source says 给予奖励 without a share; POLICY.md reads it as 100%.',
    values: [{ from: START, to: null, value: '1.00' }],
  },
  {
    name: 'talentReward.consecutiveYears',
    kind: 'integer',
    unit: 'years',
    clause: '§19',
    description: {
      zh: '连续奖励年数（自首个奖励年度起）',
      en: 'consecutive years of reward per person, from the first award year',
    },
    interpretation:
      '连续3年: a person can be rewarded for the years first … first+2, each once; a year skipped inside that span is not made up later.',
    values: [{ from: START, to: null, value: 3 }],
  },
  {
    name: 'talentReward.parkLevels',
    kind: 'list',
    unit: 'ids',
    clause: '§19',
    description: { zh: '省级以上工业园区', en: 'park levels of provincial level or above' },
    interpretation: '省级以上 includes the provincial level (POLICY.md §0): national and provincial parks.',
    values: [{ from: START, to: null, value: ['national', 'provincial'] }],
  },
]
