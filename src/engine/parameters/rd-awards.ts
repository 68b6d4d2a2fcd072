import type { ParameterDefinition } from './types.ts'

const POLICY_START = '2014-01-01'

// §18 要支持技术研发平台建设: "对新认定的国家级实验室、国家工程实验室、国家工程（技术）研究中心、国家认定企业
// 技术中心及省级研发平台，分别给予300万元、100万元的一次性补助，对组建研究院、实现重大科技成果产业化的企业或
// 单位给予100万元奖励。" and 要鼓励企业转型升级: "对主导制定国家或行业标准的企业、获得国家认定新产品的企业，
// 由省政府给予一次性奖励。"
export const rdAwardParameters: ParameterDefinition[] = [
  {
    name: 'rdPlatform.nationalKinds',
    kind: 'list',
    unit: 'ids',
    clause: '§18',
    description: {
      zh: '享受国家级补助标准的研发平台类型',
      en: 'R&D platform kinds granted at the national tier',
    },
    interpretation:
      '"分别给予300万元、100万元": the four national platform kinds take the first amount, provincial ' +
      'R&D platforms the second (POLICY.md §2).',
    values: [
      {
        from: POLICY_START,
        to: null,
        value: [
          'national-lab',
          'national-engineering-lab',
          'national-engineering-research-center',
          'national-enterprise-tech-center',
        ],
      },
    ],
  },
  {
    name: 'rdPlatform.provincialKinds',
    kind: 'list',
    unit: 'ids',
    clause: '§18',
    description: {
      zh: '享受省级补助标准的研发平台类型',
      en: 'R&D platform kinds granted at the provincial tier',
    },
    values: [{ from: POLICY_START, to: null, value: ['provincial-rd-platform'] }],
  },
  {
    name: 'rdPlatform.nationalGrant',
    kind: 'amount',
    unit: 'CNY',
    clause: '§18',
    description: {
      zh: '新认定国家级研发平台一次性补助',
      en: 'one-time grant for a newly recognised national R&D platform',
    },
    values: [{ from: POLICY_START, to: null, value: '3000000.00' }],
  },
  {
    name: 'rdPlatform.provincialGrant',
    kind: 'amount',
    unit: 'CNY',
    clause: '§18',
    description: {
      zh: '新认定省级研发平台一次性补助',
      en: 'one-time grant for a newly recognised provincial R&D platform',
    },
    values: [{ from: POLICY_START, to: null, value: '1000000.00' }],
  },
  {
    name: 'researchInstitute.awardPerEvent',
    kind: 'amount',
    unit: 'CNY',
    clause: '§18',
    description: {
      zh: '组建研究院或实现重大科技成果产业化奖励（每项）',
      en: 'award for founding a research institute or industrialising a major S&T achievement, per event',
    },
    values: [{ from: POLICY_START, to: null, value: '1000000.00' }],
  },
  {
    name: 'standardsAward.amount',
    kind: 'amount',
    unit: 'CNY',
    clause: '§18',
    description: {
      zh: '主导制定国家或行业标准、获得国家认定新产品的一次性奖励（每项）',
      en: 'one-time award for leading a national or industry standard or a nationally certified new product, per item',
    },
    interpretation:
      'The source fixes no amount ("由省政府给予一次性奖励"): unset by default, so the measure answers ' +
      'needs-review (AMOUNT_NOT_SET) until the province sets it or a request overrides it.',
    values: [{ from: POLICY_START, to: null, value: null }],
  },
]
