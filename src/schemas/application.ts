// The application facts (src/engine/types.ts) as TypeBox schemas: they validate request bodies, type
// the handlers and describe the API in the OpenAPI document. test/schemas/application.test.ts checks
// at compile time that Static<typeof Application> and the engine's Application are the same type.
//
// Amounts are yuan as decimal strings (never JSON numbers: a number is rejected, not coerced);
// ratios and quantities are decimal strings too, so 1.4 × 0.6 compares equal to "0.84" (POLICY.md §0).
// A schema with an `$id` becomes a named component of the OpenAPI document; Ajv refuses the same `$id`
// twice in one route schema, so only schemas that occur once per request carry one (TaxRecord, used
// by both the enterprise and the project, does not).

import { Type } from 'typebox'
import interestSubsidyExample from '../../examples/interest-subsidy.json' with { type: 'json' }
import { PREFECTURE_SPELLINGS } from '../engine/prefectures.ts'
import {
  BUILD_TYPES,
  CAPACITY_PRODUCTS,
  EMERGING_INDUSTRIES,
  PARK_LEVELS,
  PLATFORM_KINDS,
  POLICY_CLASSES,
  RESEARCH_EVENT_KINDS,
  STANDARD_KINDS,
  TALENT_ROLES,
} from '../engine/types.ts'
import { IsoDate, TEXT_PATTERN } from './common.ts'

export { IsoDate }

/**
 * Upper bounds on what one application may list. Real applications list a handful of each; the
 * bounds keep one request from writing thousands of ledger and audit rows (an OWASP API4 finding:
 * 600 claims wrote 1 200 rows).
 */
export const MAX_TAX_RECORDS = 100
export const MAX_CLAIMS_PER_KIND = 50
export const MAX_TALENTS = 50

// ---------------------------------------------------------------------------------------------
// Primitives

/** Yuan as a decimal string, at most 2 decimals (POLICY.md §0), e.g. "120000000.00". */
export const MONEY_PATTERN = '^\\d{1,15}(\\.\\d{1,2})?$'
/** A non-negative decimal string: quantities, plot ratios, kV. */
export const DECIMAL_PATTERN = '^\\d{1,15}(\\.\\d{1,12})?$'
/** A ratio between 0 and 1 inclusive as a decimal string: shares, building coefficients. */
export const RATIO_PATTERN = '^(0(\\.\\d{1,12})?|1(\\.0{1,12})?)$'
/** GB 32100-2015 alphabet (digits and uppercase letters without I, O, S, V, Z), 18 characters. */
export const CREDIT_CODE_PATTERN = '^[0-9A-HJ-NPQRTUW-Y]{18}$'
/** GB/T 4754-2017: optional section letter, then 2 to 4 digits. */
export const INDUSTRY_CODE_PATTERN = '^[A-T]?\\d{2,4}$'

export const Money = (description: string) => Type.String({ pattern: MONEY_PATTERN, description })
export const Decimal = (description: string) => Type.String({ pattern: DECIMAL_PATTERN, description })
export const Ratio = (description: string) => Type.String({ pattern: RATIO_PATTERN, description })
/** A year, 1900 to 2999 like every date a request carries (src/schemas/common.ts). */
export const Year = (description: string) => Type.Integer({ minimum: 1900, maximum: 2999, description })
export const Id = (description: string) =>
  Type.String({ minLength: 1, maxLength: 200, pattern: TEXT_PATTERN, description })
export const Name = (description: string) =>
  Type.String({ minLength: 1, maxLength: 500, pattern: TEXT_PATTERN, description })

// ---------------------------------------------------------------------------------------------
// Vocabularies (the engine's const arrays)

export const EmergingIndustry = Type.Enum(EMERGING_INDUSTRIES, {
  description: 'One of the six emerging industries of §5.',
})
export const PolicyClass = Type.Enum(POLICY_CLASSES, {
  description:
    'Class in the national Industrial Structure Adjustment Catalogue (产业结构调整指导目录), tested by the negative list (§17).',
})
export const ParkLevel = Type.Enum(PARK_LEVELS, {
  description:
    'Level of the industrial park: provincial parks qualify for §14 land prices, provincial or above for §19.',
})
export const BuildType = Type.Enum(BUILD_TYPES, {
  description: 'Nature of the construction: new build (新建), expansion (扩建) or renovation (改造).',
})
export const CapacityProduct = Type.Enum(CAPACITY_PRODUCTS, {
  description: 'A product under capacity control (§6).',
})
export const PlatformKind = Type.Enum(PLATFORM_KINDS, {
  description:
    'Kind of R&D platform (§18): the national kinds get the national tier, the provincial kind the provincial tier.',
})
export const ResearchEventKind = Type.Enum(RESEARCH_EVENT_KINDS, {
  description: 'A research institute founded (组建研究院) or a major S&T achievement industrialised (§18).',
})
export const StandardKind = Type.Enum(STANDARD_KINDS, {
  description:
    'A national or industry standard the enterprise led, or a nationally certified new product (§18).',
})
export const TalentRole = Type.Enum(TALENT_ROLES, {
  description: 'Excellent executive (优秀企业高管) or senior technical talent (高级技术人才), §19.',
})

// ---------------------------------------------------------------------------------------------
// Facts

export const TaxRecord = Type.Object(
  {
    from: IsoDate(
      'First day of the tax period, inclusive. A period straddling the date a local retained share changes (2016-05-01) is rejected with 422: split the record (POLICY.md §0 (a)).',
    ),
    to: IsoDate('Last day of the tax period, inclusive; not before `from`.'),
    vat: Type.Optional(
      Money('Value-added tax paid for the period, yuan, decimal string with at most 2 decimals (§18).'),
    ),
    enterpriseIncomeTax: Type.Optional(
      Money('Enterprise income tax paid for the period, yuan, decimal string with at most 2 decimals (§18).'),
    ),
    businessTax: Type.Optional(
      Money(
        'Business tax paid for the period, yuan, decimal string with at most 2 decimals (§18); abolished from 2016-05-01, so an amount above zero after that date is rejected.',
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Taxes paid for one period (inclusive dates). The engine applies the local retained share (地方留成部分) in force for the period from dated parameters.',
  },
)

export const EmergingIndustryRanking = Type.Object(
  {
    industry: EmergingIndustry,
    year: Year('Year of the comprehensive ranking (综合排名), e.g. 2015 (§18 top-3 reward).'),
    rank: Type.Integer({
      minimum: 1,
      description:
        'Rank within the industry, 1 = first; ranks 1–3 qualify (parameter top3Reward.maxRank, §18).',
    }),
  },
  {
    additionalProperties: false,
    description: 'Comprehensive ranking within one of the six emerging industries (§18 top-3 reward).',
  },
)

export const Enterprise = Type.Object(
  {
    creditCode: Type.String({
      pattern: CREDIT_CODE_PATTERN,
      description:
        'Unified social credit code (统一社会信用代码): 18 characters of the GB 32100-2015 alphabet; the check character is verified.',
    }),
    name: Name('Registered name of the enterprise.'),
    registeredOn: Type.Optional(
      IsoDate(
        'Date of registration; "newly registered" means on or after the policy start, 2014-01-01 (§18 startup reward).',
      ),
    ),
    techSmeCertified: Type.Optional(
      Type.Boolean({ description: 'Certified tech-based SME (科技型中小企业), §18 startup reward.' }),
    ),
    taxRecords: Type.Optional(
      Type.Array(TaxRecord, {
        maxItems: MAX_TAX_RECORDS,
        description: `The enterprise's own tax records (§18 startup and top-3 rewards); at most ${MAX_TAX_RECORDS}, far more than a real application lists.`,
      }),
    ),
    emergingIndustryRanking: Type.Optional(EmergingIndustryRanking),
  },
  { $id: 'Enterprise', additionalProperties: false, description: 'The applicant enterprise.' },
)

export const Park = Type.Object(
  {
    id: Id('Identifier of the industrial park.'),
    name: Name('Name of the industrial park.'),
    level: ParkLevel,
    pilot: Type.Optional(
      Type.Boolean({
        description: 'One of the 5 pilot parks with a stricter negative list (§17).',
      }),
    ),
  },
  { $id: 'Park', additionalProperties: false, description: 'The industrial park the project lies in.' },
)

export const CapacityFacts = Type.Object(
  {
    newCapacity: Decimal(
      "New capacity, tonnes (or the product's unit) per year, non-negative decimal string (§6).",
    ),
    replacedCapacity: Decimal(
      'Capacity retired elsewhere in exchange (产能等量置换), same unit as newCapacity, non-negative decimal string; must be ≥ newCapacity (§6).',
    ),
    selfProducedRawMaterialShare: Type.Optional(
      Ratio(
        'Share of self-produced raw material, ratio 0–1 as a decimal string, e.g. "0.55"; copper, lead, zinc and tin smelting need ≥ 0.50 (§6).',
      ),
    ),
    resourcesOutsideProvince: Type.Optional(
      Type.Boolean({ description: 'Crude steel: resources come from outside the province (三头在外, §6).' }),
    ),
    energyOutsideProvince: Type.Optional(
      Type.Boolean({ description: 'Crude steel: energy comes from outside the province (三头在外, §6).' }),
    ),
    marketOutsideProvince: Type.Optional(
      Type.Boolean({ description: 'Crude steel: the market lies outside the province (三头在外, §6).' }),
    ),
  },
  {
    $id: 'CapacityFacts',
    additionalProperties: false,
    description: 'Capacity-control facts for a new build of a controlled product (§6).',
  },
)

export const LandFacts = Type.Object(
  {
    areaMu: Decimal('Land area, mu (亩), non-negative decimal string (§14).'),
    quotedPricePerMu: Type.Optional(
      Money(
        'Quoted transfer price, yuan per mu, decimal string with at most 2 decimals; gives the saving against the ceiling (§14).',
      ),
    ),
    plotRatio: Decimal(
      'Plot ratio (容积率), non-negative decimal string; must be ≥ 1.4 × the national standard of the industry division (§14).',
    ),
    buildingCoefficient: Ratio(
      'Building coefficient (建筑系数), ratio 0–1 as a decimal string; must be ≥ 1.4 × 0.30 = 0.42 (§14).',
    ),
    inPriorityCatalogue: Type.Boolean({
      description:
        "Declared membership of the province's priority industry catalogue; used while the parameter landPrice.priorityCatalogue is unset (§14).",
    }),
    meetsInvestmentIntensity: Type.Boolean({
      description: "Meets the catalogue's investment intensity threshold (投资强度, §14).",
    }),
    existingLandPlotRatioIncrease: Type.Optional(
      Type.Boolean({
        description:
          'Existing industrial land raising its plot ratio within plan and use (land-premium exemption, §14).',
      }),
    ),
    newLandFloorAreaAboveStandard: Type.Optional(
      Type.Boolean({
        description:
          'New industrial land whose floor area exceeds the plot-ratio standard (land-premium exemption, §14).',
      }),
    ),
    assessedAdditionalPremium: Type.Optional(
      Money(
        'The additional land premium otherwise due, yuan, decimal string with at most 2 decimals, if assessed: the value of the exemption (§14).',
      ),
    ),
  },
  { $id: 'LandFacts', additionalProperties: false, description: 'Land facts of the project (§14).' },
)

export const PowerFacts = Type.Object(
  {
    voltageKv: Decimal('Supply voltage, kV, non-negative decimal string; 35 kV or above qualifies (§16).'),
    unitEnergyConsumption: Decimal(
      "The project's unit energy consumption, non-negative decimal string in the industry standard's unit (§16).",
    ),
    industryStandard: Decimal(
      "The industry's standard unit energy consumption, same unit, non-negative decimal string; the project must be strictly below it (§16).",
    ),
  },
  { $id: 'PowerFacts', additionalProperties: false, description: 'Power supply facts (§16).' },
)

export const Project = Type.Object(
  {
    id: Id('Stable identifier of the project: caps that span applications are kept per project (§18).'),
    name: Name('Name of the project.'),
    buildType: BuildType,
    industryCode: Type.String({
      pattern: INDUSTRY_CODE_PATTERN,
      description:
        'GB/T 4754-2017 industry code: optional section letter, then 2 to 4 digits, e.g. "C3311" or "33" (§14 plot-ratio standard, §17 lists).',
    }),
    emergingIndustry: Type.Optional(
      Type.Union([EmergingIndustry, Type.Null()], {
        description:
          'The emerging industry (§5) the project belongs to, or null for none (§18 project tax reward).',
      }),
    ),
    policyClass: PolicyClass,
    meetsAccessConditions: Type.Boolean({
      description: "Meets its industry's access conditions (行业准入条件), §6 and §17.",
    }),
    prefecture: Type.String({
      enum: [...PREFECTURE_SPELLINGS],
      description:
        'Prefecture (州、市) the project lies in (§14 price tiers, §17 Central Yunnan list): its pinyin id ' +
        '("yuxi"), its GB/T 2260 code ("530400") or its Chinese name, full or short ("玉溪市", "玉溪"). ' +
        'Stored and decided as the pinyin id (GET /v1/prefectures lists them).',
    }),
    park: Type.Optional(
      Type.Union([Park, Type.Null()], {
        description: 'The industrial park, or null when the project lies in none (§14, §17, §19).',
      }),
    ),
    inCentralYunnanZone: Type.Boolean({
      description: 'Inside the Central Yunnan Industrial Zone (滇中产业聚集区/新区), §14 and §17.',
    }),
    capacityProduct: Type.Optional(
      Type.Union([CapacityProduct, Type.Null()], {
        description: 'The capacity-controlled product the project makes, or null for none (§6).',
      }),
    ),
    capacity: Type.Optional(CapacityFacts),
    deepProcessing: Type.Optional(
      Type.Boolean({ description: 'Designated deep processing (精深加工), §18 interest subsidy.' }),
    ),
    chainExtension: Type.Optional(
      Type.Boolean({
        description: 'Designated industrial-chain extension (延长产业链), §18 interest subsidy.',
      }),
    ),
    investment: Type.Optional(
      Money('Investment claimed in this application, yuan, decimal string with at most 2 decimals (§18).'),
    ),
    commissionedOn: Type.Optional(
      IsoDate('Date the project went into production (投产), §18 project tax reward.'),
    ),
    taxRecords: Type.Optional(
      Type.Array(TaxRecord, {
        maxItems: MAX_TAX_RECORDS,
        description: `The project's own tax records (§18 emerging-industry project tax reward); at most ${MAX_TAX_RECORDS}, far more than a real application lists.`,
      }),
    ),
    keyTransformationLibrary: Type.Optional(
      Type.Boolean({ description: 'In the provincial key transformation project library (§15).' }),
    ),
    majorTransformationProject: Type.Optional(
      Type.Boolean({ description: 'Designated a major transformation-and-upgrading project (§14).' }),
    ),
    land: Type.Optional(LandFacts),
    power: Type.Optional(PowerFacts),
  },
  { $id: 'Project', additionalProperties: false, description: 'The project the application is about.' },
)

export const RdPlatformClaim = Type.Object(
  {
    id: Id('Identifier of the platform: each is granted once per tier (§18).'),
    kind: PlatformKind,
    recognisedOn: IsoDate('Date of recognition; must be on or after the policy start, 2014-01-01 (§18).'),
  },
  { additionalProperties: false, description: 'A newly recognised R&D platform (§18).' },
)

export const ResearchEventClaim = Type.Object(
  {
    id: Id('Identifier of the institute or achievement: each is awarded once (§18).'),
    kind: ResearchEventKind,
    date: IsoDate('Date of the event; must be on or after the policy start, 2014-01-01 (§18).'),
  },
  {
    additionalProperties: false,
    description: 'A research institute founded or an achievement industrialised (§18).',
  },
)

export const StandardClaim = Type.Object(
  {
    id: Id('Identifier of the standard or certificate: each is awarded once (§18).'),
    kind: StandardKind,
    date: IsoDate('Date of publication or certification; must be on or after 2014-01-01 (§18).'),
  },
  { additionalProperties: false, description: 'A standard led or a certified new product (§18).' },
)

export const TalentClaim = Type.Object(
  {
    personId: Id('Stable identifier of the person: at most 3 consecutive award years each (§19).'),
    name: Name('Name of the person.'),
    role: TalentRole,
    designatedExcellent: Type.Boolean({
      description: 'Designated excellent (优秀) executive or senior technical talent (§19).',
    }),
    year: Year('Tax year claimed, e.g. 2015 (§19).'),
    individualIncomeTax: Money(
      "The person's individual income tax paid for the year, yuan, decimal string with at most 2 decimals (§19).",
    ),
  },
  { additionalProperties: false, description: 'A talent and one tax year claimed (§19).' },
)

export const Claims = Type.Object(
  {
    top3AwardYear: Type.Optional(
      Year('Award year Y of the top-3 reward: rewards the increase of local taxes over Y−1 (§18).'),
    ),
    rdPlatforms: Type.Optional(
      Type.Array(RdPlatformClaim, {
        maxItems: MAX_CLAIMS_PER_KIND,
        description: `R&D platforms claimed (§18); at most ${MAX_CLAIMS_PER_KIND} per application.`,
      }),
    ),
    researchEvents: Type.Optional(
      Type.Array(ResearchEventClaim, {
        maxItems: MAX_CLAIMS_PER_KIND,
        description: `Research institutes founded or achievements industrialised (§18); at most ${MAX_CLAIMS_PER_KIND} per application.`,
      }),
    ),
    standards: Type.Optional(
      Type.Array(StandardClaim, {
        maxItems: MAX_CLAIMS_PER_KIND,
        description: `Standards led or certified new products (§18); at most ${MAX_CLAIMS_PER_KIND} per application.`,
      }),
    ),
    talents: Type.Optional(
      Type.Array(TalentClaim, {
        maxItems: MAX_TALENTS,
        description: `Talents and tax years claimed (§19); at most ${MAX_TALENTS} per application.`,
      }),
    ),
  },
  {
    $id: 'Claims',
    additionalProperties: false,
    description: 'What the application asks for beyond the project itself.',
  },
)

export const Application = Type.Object(
  {
    applicationDate: IsoDate(
      'Date of the application; the default evaluation date, and it must lie in the policy window 2014-01-01…2020-12-31 (POLICY.md §0).',
    ),
    enterprise: Enterprise,
    project: Type.Optional(Project),
    claims: Type.Optional(Claims),
  },
  {
    $id: 'Application',
    additionalProperties: false,
    description: 'The facts of one application for the incentives of the 2014 Yunnan Opinions.',
    // POLICY.md §5 example 1 (the body of POST /v1/applications; nested in POST /v1/evaluations).
    examples: [interestSubsidyExample.application],
  },
)

export const History = Type.Object(
  {
    interestSubsidyGranted: Type.Optional(
      Money(
        'Cumulative interest subsidy already granted to this project, yuan, decimal string with at most 2 decimals; deducted from the 10 000 000 cap (§18).',
      ),
    ),
    rdPlatformGrants: Type.Optional(
      Type.Array(
        Type.Object(
          {
            platformId: Id('Identifier of the platform already granted (§18).'),
            tier: Type.Enum(['national', 'provincial'] as const, {
              description: 'Tier at which it was granted (§18).',
            }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 1000,
          description: 'R&D platform grants already made (§18, once per platform and tier).',
        },
      ),
    ),
    researchEventAwards: Type.Optional(
      Type.Array(Id('Identifier of an institute or achievement already awarded.'), {
        maxItems: 1000,
        description: 'Research institute awards already made (§18, once each).',
      }),
    ),
    standardsAwards: Type.Optional(
      Type.Array(Id('Identifier of a standard or certificate already awarded.'), {
        maxItems: 1000,
        description: 'Standards awards already made (§18, once each).',
      }),
    ),
    top3AwardYears: Type.Optional(
      Type.Array(Year('An award year already rewarded.'), {
        maxItems: 100,
        description: 'Top-3 award years already rewarded to the enterprise (§18, at most 3 ever).',
      }),
    ),
    talentAwardYears: Type.Optional(
      Type.Array(
        Type.Object(
          {
            personId: Id('Identifier of the person.'),
            years: Type.Array(Year('A tax year already rewarded.'), {
              maxItems: 100,
              description: 'Tax years already rewarded to the person.',
            }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 1000,
          description: 'Talent award years already rewarded, per person (§19, 3 consecutive years).',
        },
      ),
    ),
    rewardedTaxDays: Type.Optional(
      Type.Array(
        Type.Object(
          {
            measure: Type.Enum(
              [
                'emerging-project-tax-reward',
                'startup-tech-sme-tax-reward',
                'emerging-top3-tax-reward',
              ] as const,
              { description: 'The tax reward that paid for the days.' },
            ),
            tax: Type.Enum(['vat', 'enterpriseIncomeTax', 'businessTax'] as const, {
              description: 'The tax whose days were rewarded.',
            }),
            from: IsoDate('First day rewarded.'),
            to: IsoDate('Last day rewarded (inclusive).'),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 1000,
          description:
            "Days a tax reward already paid for (POLICY.md §0 ruling of 2026-12-03: each tax day is rewarded once); the project's days for the emerging-project reward, the enterprise's for the others.",
        },
      ),
    ),
  },
  {
    $id: 'History',
    additionalProperties: false,
    description:
      'What was already granted, for the limits that span applications. A stateless evaluation takes it as given; persisted decisions read it from the ledger.',
  },
)
