// The finance bureau's computations (POLICY.md §3, src/engine/finance): requests and explained
// results. A request's fields sit at the top level of the body, so the engine's error pointers
// ("/entities/0/industrialLandTransferRevenue") name the field the caller sent. Every result field
// is listed: the serializer drops what the schema does not name.

import { Type } from 'typebox'
import { KEY_DESIGNATIONS } from '../engine/finance/stored-disbursements.ts'
import { Id, IsoDate, Money, Year } from './application.ts'
import { CalendarDate, PARAMETER_NAME_PATTERN, TEXT_PATTERN, YEAR_PATTERN } from './common.ts'
import { ParameterOverride, Reason, Trace } from './evaluation.ts'

const Overrides = Type.Optional(
  Type.Record(Type.String(), ParameterOverride, {
    maxProperties: 200,
    propertyNames: { pattern: PARAMETER_NAME_PATTERN },
    description:
      'Parameter overrides by name for this computation only (what-if), e.g. { "landDevelopmentFund.rate": "0.06" }. An unknown name is a 400 naming #/parameters/<name>.',
  }),
)

const overriddenParameters = Type.Array(Type.String(), {
  description: 'Names of the parameters the request overrode.',
})

const YuanOut = (description: string) =>
  Type.String({ description: `${description}, yuan with two decimals` })

// ---------------------------------------------------------------------------------------------
// §14 industrial land development fund

export const Period = Type.Object(
  {
    from: IsoDate('First day, inclusive.'),
    to: IsoDate('Last day, inclusive.'),
  },
  { additionalProperties: false, description: 'A period of inclusive dates.' },
)

export const LandDevelopmentFundRequest = Type.Object(
  {
    asOf: Type.Optional(
      IsoDate('The date the rate and levels are read at; defaults to the last day of the period (§14).'),
    ),
    parameters: Overrides,
    period: Period,
    entities: Type.Array(
      Type.Object(
        {
          id: Id('Prefecture (pinyin, e.g. "qujing") or county id; unique in the request.'),
          level: Type.String({
            pattern: TEXT_PATTERN,
            minLength: 1,
            maxLength: 50,
            description:
              '"prefecture" or "county": the levels that set the fund aside (parameter landDevelopmentFund.levels, §14).',
          }),
          totalLandTransferRevenue: Money(
            'All land transfer revenue of the period (土地出让总收入), yuan, decimal string with at most 2 decimals (§14).',
          ),
          industrialLandTransferRevenue: Money(
            'Of which from industrial land, yuan, decimal string with at most 2 decimals; at most the total (§14).',
          ),
        },
        { additionalProperties: false, description: 'One government and its land transfer revenue.' },
      ),
      { minItems: 1, maxItems: 1000, description: 'The prefectures and counties computed.' },
    ),
  },
  {
    $id: 'LandDevelopmentFundRequest',
    additionalProperties: false,
    description:
      '§14: each prefecture and county sets aside 5% of its land transfer revenue other than industrial land.',
  },
)

export const LandDevelopmentFundResult = Type.Object(
  {
    computation: Type.Literal('land-development-fund'),
    clause: Type.Literal('§14'),
    asOf: CalendarDate('The date the parameters were read at.'),
    period: Period,
    rate: Type.Union([Type.String({ description: 'The rate read, e.g. "0.05".' }), Type.Null()], {
      description: 'The rate read; null when the rule is not in force on asOf.',
    }),
    entities: Type.Array(
      Type.Object(
        {
          id: Type.String({ description: 'The government.' }),
          level: Type.String({ description: 'Its level.' }),
          applicable: Type.Boolean({
            description: 'Whether it sets the fund aside (level covered, rule in force).',
          }),
          totalLandTransferRevenue: YuanOut('All land transfer revenue'),
          industrialLandTransferRevenue: YuanOut('Of which from industrial land'),
          base: YuanOut('Revenue other than industrial land (0.00 when not applicable)'),
          amount: YuanOut('The amount to set aside, rounded half-up to the fen'),
          reasons: Type.Array(Reason, { description: 'Why it is not applicable; empty otherwise.' }),
        },
        { additionalProperties: false },
      ),
      { description: 'One line per government, in the order given.' },
    ),
    totals: Type.Object(
      {
        totalLandTransferRevenue: YuanOut('All land transfer revenue'),
        industrialLandTransferRevenue: YuanOut('Of which from industrial land'),
        base: YuanOut('Revenue other than industrial land, applicable governments'),
        amount: YuanOut('Total set aside (sum of the rounded amounts)'),
      },
      { additionalProperties: false, description: 'Sums over all governments.' },
    ),
    trace: Trace,
    overriddenParameters,
  },
  { $id: 'LandDevelopmentFundResult', additionalProperties: false, description: 'The §14 fund, explained.' },
)

// ---------------------------------------------------------------------------------------------
// §18 park tax retention

const RevenueByTaxType = (description: string) =>
  Type.Record(
    Type.String(),
    Money('Local-level revenue of the tax type, yuan, decimal string with at most 2 decimals.'),
    {
      maxProperties: 20,
      description: `${description}: tax type (vat, enterpriseIncomeTax, businessTax, individualIncomeTax — the keys of parameter parkTaxRetention.provincialShare) → yuan.`,
    },
  )

export const ParkTaxRetentionRequest = Type.Object(
  {
    asOf: Type.Optional(
      IsoDate(
        'The date the park levels and provincial shares are read at; defaults to 31 December of `year` (§18).',
      ),
    ),
    parameters: Overrides,
    park: Type.Object(
      {
        id: Id('Identifier of the park.'),
        level: Type.String({
          pattern: TEXT_PATTERN,
          minLength: 1,
          maxLength: 50,
          description:
            'Level of the park; provincial parks are covered (parameter parkTaxRetention.parkLevels, §18).',
        }),
      },
      { additionalProperties: false, description: 'The industrial park.' },
    ),
    baseYear: Year('The year new revenue is measured against.'),
    year: Year('The year whose new revenue is retained; after baseYear.'),
    baseYearRevenue: RevenueByTaxType("The park's local-level tax revenue of the base year"),
    currentYearRevenue: RevenueByTaxType("The park's local-level tax revenue of the year"),
  },
  {
    $id: 'ParkTaxRetentionRequest',
    additionalProperties: false,
    description:
      '§18: a provincial park keeps the provincial share of its new tax revenue (this year over the base year) for infrastructure.',
  },
)

export const ParkTaxRetentionResult = Type.Object(
  {
    computation: Type.Literal('park-tax-retention'),
    clause: Type.Literal('§18'),
    asOf: CalendarDate('The date the parameters were read at.'),
    park: Type.Object(
      { id: Type.String({ description: 'The park.' }), level: Type.String({ description: 'Its level.' }) },
      { additionalProperties: false },
    ),
    baseYear: Type.Integer({ description: 'The base year.' }),
    year: Type.Integer({ description: 'The year.' }),
    applicable: Type.Boolean({ description: 'Whether the park level is covered.' }),
    lines: Type.Array(
      Type.Object(
        {
          taxType: Type.String({ description: 'The tax type.' }),
          baseYearRevenue: YuanOut('Revenue of the base year'),
          currentYearRevenue: YuanOut('Revenue of the year'),
          increase: Type.String({ description: 'Year − base year, yuan (negative when revenue fell).' }),
          provincialShare: Type.String({ description: 'The provincial share of the tax type, a ratio.' }),
          provincialPart: Type.String({
            description: 'provincialShare × increase, yuan, exact (may be negative).',
          }),
        },
        { additionalProperties: false },
      ),
      { description: 'One line per tax type, sorted by tax type.' },
    ),
    newRevenue: Type.String({
      description: 'Net increase over all tax types, yuan with two decimals (may be negative).',
    }),
    amount: YuanOut('What the park keeps, max(0, net provincial part), rounded half-up to the fen'),
    reasons: Type.Array(Reason, { description: 'Why nothing is retained; empty otherwise.' }),
    trace: Trace,
    overriddenParameters,
  },
  {
    $id: 'ParkTaxRetentionResult',
    additionalProperties: false,
    description: 'The §18 park retention, explained.',
  },
)

// ---------------------------------------------------------------------------------------------
// §18 concentration of provincial special funds

export const FundConcentrationRequest = Type.Object(
  {
    asOf: IsoDate('The date the minimum share is read at (§18).'),
    parameters: Overrides,
    disbursements: Type.Array(
      Type.Object(
        {
          id: Id('Identifier of the disbursement; unique in the request.'),
          amount: Money('Amount disbursed, yuan, decimal string with at most 2 decimals (§18).'),
          key: Type.Boolean({
            description: 'Goes to a key industry, enterprise or project (重点产业、重点企业、重点项目), §18.',
          }),
        },
        {
          additionalProperties: false,
          description: 'One disbursement of provincial special industrial funds.',
        },
      ),
      { maxItems: 100000, description: 'The disbursements of the period.' },
    ),
  },
  {
    $id: 'FundConcentrationRequest',
    additionalProperties: false,
    description:
      '§18: at least 60% of provincial special industrial funds go to key industries, enterprises and projects.',
  },
)

export const FundConcentrationResult = Type.Object(
  {
    computation: Type.Literal('fund-concentration'),
    clause: Type.Literal('§18'),
    asOf: CalendarDate('The date the parameters were read at.'),
    totals: Type.Object(
      {
        disbursed: YuanOut('Disbursed in all'),
        key: YuanOut('Disbursed to key industries, enterprises and projects'),
        other: YuanOut('Disbursed otherwise'),
        count: Type.Integer({ description: 'Number of disbursements.' }),
        keyCount: Type.Integer({ description: 'Number of key disbursements.' }),
      },
      { additionalProperties: false },
    ),
    share: Type.Union([Type.String({ description: 'key ÷ disbursed, exact ("0.6", "2/3").' }), Type.Null()], {
      description: 'key ÷ disbursed as an exact ratio; null when nothing was disbursed.',
    }),
    minimumShare: Type.Union([Type.String({ description: 'The minimum share, e.g. "0.60".' }), Type.Null()], {
      description: 'The minimum share read; null when the rule is not in force on asOf.',
    }),
    passes: Type.Union([Type.Boolean(), Type.Null()], {
      description:
        'share ≥ minimumShare ("不少于" includes it); null when nothing was disbursed or the rule is not in force.',
    }),
    reasons: Type.Array(Reason, {
      description: 'Why the check fails or cannot be made; empty when it passes.',
    }),
    trace: Trace,
    overriddenParameters,
  },
  {
    $id: 'FundConcentrationResult',
    additionalProperties: false,
    description: 'The §18 concentration check, explained.',
  },
)

export const StoredFundConcentrationQuery = Type.Object(
  {
    year: Type.String({
      pattern: YEAR_PATTERN,
      description: 'Year of the application dates whose paid outcomes are the disbursements, e.g. "2015".',
    }),
    asOf: Type.Optional(IsoDate('The date the parameters are read at; default the year’s 31 December.')),
  },
  { additionalProperties: false },
)

export const StoredFundConcentrationResult = Type.Object(
  {
    ...FundConcentrationResult.properties,
    year: Type.Integer({ description: 'The year computed.' }),
    groups: Type.Array(
      Type.Object(
        {
          id: Type.String({ description: 'The designations joined by "+", or "none".' }),
          designations: Type.Array(Type.Enum(KEY_DESIGNATIONS)),
          key: Type.Boolean({
            description: 'Has a designation listed in fundConcentration.keyDesignations.',
          }),
          count: Type.Integer({ description: 'Paid outcomes in the group.' }),
          amount: YuanOut('Paid'),
        },
        { additionalProperties: false },
      ),
      { description: 'The disbursements: paid outcomes of current decisions, summed by designation.' },
    ),
  },
  {
    additionalProperties: false,
    description:
      'The §18 concentration check over the amounts current decisions paid (eligible outcomes) for the year’s applications.',
  },
)
