import type { ParameterDefinition } from './types.ts'

// §18 "要鼓励企业转型升级": the interest subsidy for deep-processing and chain-extension projects.
export const interestSubsidyParameters: ParameterDefinition[] = [
  {
    name: 'interestSubsidy.rate',
    kind: 'rate',
    unit: 'ratio',
    clause: '§18',
    description: { zh: '贴息补助比例（按投资额）', en: 'interest subsidy as a share of project investment' },
    values: [{ from: '2014-01-01', to: null, value: '0.06' }],
  },
  {
    name: 'interestSubsidy.capPerProject',
    kind: 'amount',
    unit: 'CNY',
    clause: '§18',
    description: {
      zh: '单个项目最高补助',
      en: 'maximum subsidy per project, cumulative over its applications',
    },
    values: [{ from: '2014-01-01', to: null, value: '10000000.00' }],
  },
]
