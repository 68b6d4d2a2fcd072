import type { ParameterDefinition } from './types.ts'

// POLICY.md §0 "Policy window": the plan period after the 2013 base year, to the 2020 horizon.
export const policyParameters: ParameterDefinition[] = [
  {
    name: 'policy.windowStart',
    kind: 'date',
    unit: 'date',
    clause: '§4, §8–§9',
    description: { zh: '政策适用期起始日', en: 'first day of the policy window' },
    interpretation:
      'The source sets 2013 as the base year and targets for 2017 and 2020; we read the window as 2014-01-01 to 2020-12-31 (POLICY.md §0).',
    values: [{ from: '0000-01-01', to: null, value: '2014-01-01' }],
  },
  {
    name: 'policy.windowEnd',
    kind: 'date',
    unit: 'date',
    clause: '§4, §8–§9',
    description: { zh: '政策适用期截止日', en: 'last day of the policy window' },
    interpretation: 'See policy.windowStart.',
    values: [{ from: '0000-01-01', to: null, value: '2020-12-31' }],
  },
]
