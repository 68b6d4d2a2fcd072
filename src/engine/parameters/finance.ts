import type { ParameterDefinition } from './types.ts'

// POLICY.md §3: the computations the finance bureau makes (§14 land development fund, §18 park tax
// retention and the concentration of provincial special industrial funds).
export const financeParameters: ParameterDefinition[] = [
  {
    name: 'landDevelopmentFund.rate',
    kind: 'rate',
    unit: 'ratio',
    clause: '§14',
    description: {
      zh: '工业转型升级用地开发资金提取比例（按除工业以外的土地出让总收入）',
      en: 'share of land transfer revenue other than industrial land set aside for the industrial land development fund',
    },
    values: [{ from: '2014-01-01', to: null, value: '0.05' }],
  },
  {
    name: 'landDevelopmentFund.levels',
    kind: 'list',
    unit: 'ids',
    clause: '§14',
    description: {
      zh: '须提取用地开发资金的政府层级：州（市）、县（市、区）',
      en: 'levels of government that set the fund aside: prefectures and counties',
    },
    interpretation:
      '"各州（市）、县（市、区）" — prefecture-level cities and autonomous prefectures are "prefecture"; counties, county-level cities and districts are "county". The province itself is not named.',
    values: [{ from: '2014-01-01', to: null, value: ['prefecture', 'county'] }],
  },
  {
    name: 'parkTaxRetention.parkLevels',
    kind: 'list',
    unit: 'ids',
    clause: '§18',
    description: {
      zh: '新增税收省级部分留园区的园区级别',
      en: 'park levels that keep the provincial share of their new tax revenue',
    },
    interpretation:
      'The source says 省级工业园区 (provincial industrial parks); we read it literally, as landPrice.parkLevels does for §14, so national-level parks are not included unless this list is changed.',
    values: [{ from: '2014-01-01', to: null, value: ['provincial'] }],
  },
  {
    name: 'parkTaxRetention.provincialShare',
    kind: 'table',
    unit: 'ratio',
    clause: '§18',
    description: {
      zh: '按现行财政体制，园区地方级税收收入中应上缴省级财政的比例（按税种）',
      en: 'share of the park’s local-level tax revenue that the current fiscal system remits to the province, by tax type',
    },
    interpretation:
      'PLACEHOLDERS. The source refers to "现行财政体制" (the current provincial–prefecture revenue-sharing system) without giving the shares, and POLICY.md does not either. The values here (0.30 of the local-level revenue of each tax type) are placeholders that the finance bureau must set; a request can override the whole table. Revenue given to the computation is the local-level revenue (地方级收入) per tax type, after the central share. A tax type without an entry here is an input error, not a zero.',
    values: [
      {
        from: '2014-01-01',
        to: null,
        value: {
          vat: '0.30',
          enterpriseIncomeTax: '0.30',
          businessTax: '0.30',
          individualIncomeTax: '0.30',
        },
      },
    ],
  },
  {
    name: 'fundConcentration.minimumKeyShare',
    kind: 'rate',
    unit: 'ratio',
    clause: '§18',
    description: {
      zh: '省级工业发展专项资金用于重点产业、重点企业和重点项目的最低比例',
      en: 'minimum share of provincial special industrial funds going to key industries, enterprises and projects',
    },
    interpretation: '"不少于60%" (not less than) includes 60% itself: share ≥ 0.60 passes.',
    values: [{ from: '2014-01-01', to: null, value: '0.60' }],
  },
  {
    name: 'fundConcentration.keyDesignations',
    kind: 'list',
    unit: 'ids',
    clause: '§18',
    description: {
      zh: '拨付计入重点产业、重点企业、重点项目的认定依据',
      en: 'what makes a stored grant go to a key industry, enterprise or project',
    },
    interpretation:
      'Used when the check is computed from stored decisions (GET /v1/finance/fund-concentration). The source names ' +
      'key industries, enterprises and projects without listing them; we read them from the facts each decision ' +
      'holds: "emerging-industry" (project in one of the six emerging industries of §5), ' +
      '"key-transformation-library" (project in the provincial key transformation project library, §15), ' +
      '"major-transformation-project" (designated a major transformation-and-upgrading project, §14), ' +
      '"emerging-top3-enterprise" (enterprise ranked within top3Reward.maxRank of an emerging industry, §18). ' +
      'A disbursement is key when it has any designation listed here; the bureau may narrow the list.',
    values: [
      {
        from: '2014-01-01',
        to: null,
        value: [
          'emerging-industry',
          'key-transformation-library',
          'major-transformation-project',
          'emerging-top3-enterprise',
        ],
      },
    ],
  },
]
