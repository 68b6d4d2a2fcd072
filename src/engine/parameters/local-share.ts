import type { ParameterDefinition } from './types.ts'

// POLICY.md "Local retained share" (地方留成部分): the part of each tax that stays with the province
// and its prefectures and counties under the tax-sharing system (分税制). The tax rewards of §18 and
// §19 are computed on it, applied by each tax period's dates (POLICY.md §0 "Dates and periods").
//
// The values start on 2013-01-01, not on the policy start (2014-01-01): the top-3 reward compares
// award year Y with year Y−1, so award year 2014 needs the shares of the source's base year 2013.
// They were the same then (VAT 75/25 since 1994, income taxes 60/40 since 2003, business tax local).

const START = '2013-01-01'

export const localShareParameters: ParameterDefinition[] = [
  {
    name: 'localShare.vat',
    kind: 'rate',
    unit: 'ratio',
    clause: '§18',
    description: { zh: '增值税地方留成比例', en: 'local retained share of value-added tax' },
    interpretation:
      'VAT was shared 75% central / 25% local until 2016-04-30; from 2016-05-01 (the business-tax-to-VAT reform, 国发〔2016〕26号) 50% / 50%. Values start with the 2013 base year (top-3 reward).',
    values: [
      { from: START, to: '2016-04-30', value: '0.25' },
      { from: '2016-05-01', to: null, value: '0.50' },
    ],
  },
  {
    name: 'localShare.enterpriseIncomeTax',
    kind: 'rate',
    unit: 'ratio',
    clause: '§18',
    description: { zh: '企业所得税地方留成比例', en: 'local retained share of enterprise income tax' },
    interpretation: 'Shared 60% central / 40% local since 2003. Values start with the 2013 base year.',
    values: [{ from: START, to: null, value: '0.40' }],
  },
  {
    name: 'localShare.businessTax',
    kind: 'rate',
    unit: 'ratio',
    clause: '§18',
    description: { zh: '营业税地方留成比例', en: 'local retained share of business tax' },
    interpretation:
      'Business tax was a local tax (100%) until it was abolished by the business-tax-to-VAT reform on 2016-05-01; null from then on: a business-tax amount for a later period is an error (TaxNotInForce).',
    values: [
      { from: START, to: '2016-04-30', value: '1.00' },
      { from: '2016-05-01', to: null, value: null },
    ],
  },
  {
    name: 'localShare.individualIncomeTax',
    kind: 'rate',
    unit: 'ratio',
    clause: '§19',
    description: { zh: '个人所得税地方留成比例', en: 'local retained share of individual income tax' },
    interpretation: 'Shared 60% central / 40% local since 2003. Used only by the talent reward (§19).',
    values: [{ from: START, to: null, value: '0.40' }],
  },
]
