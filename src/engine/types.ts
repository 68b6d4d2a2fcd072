// The engine's input and output, in the policy's words. The HTTP layer's TypeBox schemas
// (src/schemas) describe the same shapes for validation and OpenAPI; a type test keeps them equal.
// Amounts and ratios are decimal strings here; measures parse them into exact Rationals.

import type { IsoDate } from './dates.ts'
import type { LedgerClaim } from './ledgers.ts'
import type { ParameterRead } from './parameters/types.ts'
import type { Text, Trace } from './trace.ts'

/** §5: the six emerging industries. */
export const EMERGING_INDUSTRIES = [
  'light-industry',
  'biomedicine',
  'new-materials',
  'advanced-equipment',
  'electronic-information',
  'petrochemical',
] as const
export type EmergingIndustry = (typeof EMERGING_INDUSTRIES)[number]

/** Classes of the national Industrial Structure Adjustment Catalogue (§17). */
export const POLICY_CLASSES = ['encouraged', 'permitted', 'restricted', 'eliminated'] as const
export type PolicyClass = (typeof POLICY_CLASSES)[number]

export const PARK_LEVELS = ['national', 'provincial', 'prefecture', 'county'] as const
export type ParkLevel = (typeof PARK_LEVELS)[number]

export const BUILD_TYPES = ['new-build', 'expansion', 'renovation'] as const
export type BuildType = (typeof BUILD_TYPES)[number]

/** §6: products under capacity control. */
export const CAPACITY_PRODUCTS = [
  'copper-smelting',
  'lead-smelting',
  'zinc-smelting',
  'tin-smelting',
  'calcium-carbide',
  'coke',
  'yellow-phosphorus',
  'crude-steel',
] as const
export type CapacityProduct = (typeof CAPACITY_PRODUCTS)[number]

/** §18: kinds of newly recognised R&D platform. */
export const PLATFORM_KINDS = [
  'national-lab',
  'national-engineering-lab',
  'national-engineering-research-center',
  'national-enterprise-tech-center',
  'provincial-rd-platform',
] as const
export type PlatformKind = (typeof PLATFORM_KINDS)[number]
export type PlatformTier = 'national' | 'provincial'

export const RESEARCH_EVENT_KINDS = ['research-institute', 'achievement-industrialisation'] as const
export type ResearchEventKind = (typeof RESEARCH_EVENT_KINDS)[number]

export const STANDARD_KINDS = ['national-standard', 'industry-standard', 'certified-new-product'] as const
export type StandardKind = (typeof STANDARD_KINDS)[number]

export const TALENT_ROLES = ['executive', 'senior-technical'] as const
export type TalentRole = (typeof TALENT_ROLES)[number]

/**
 * Taxes paid for one period (inclusive dates), yuan as decimal strings. The local retained share
 * is applied by the engine from dated parameters (POLICY.md "Local retained share").
 */
export interface TaxRecord {
  from: IsoDate
  to: IsoDate
  vat?: string
  enterpriseIncomeTax?: string
  businessTax?: string
}

export interface Enterprise {
  /** 统一社会信用代码, 18 characters with its GB 32100 check character */
  creditCode: string
  name: string
  registeredOn?: IsoDate
  /** certified tech-based SME (科技型中小企业), §18 */
  techSmeCertified?: boolean
  /** the enterprise's own tax records (startup and top-3 rewards, §18) */
  taxRecords?: TaxRecord[]
  /** comprehensive ranking within an emerging industry (§18 top-3 reward) */
  emergingIndustryRanking?: { industry: EmergingIndustry; year: number; rank: number }
}

export interface Park {
  id: string
  name: string
  level: ParkLevel
  /** one of the 5 pilot parks with a stricter negative list (§17) */
  pilot?: boolean
}

/** §6 capacity control facts, for new builds of a controlled product. */
export interface CapacityFacts {
  /** new capacity, tonnes (or the product's unit) per year, decimal string */
  newCapacity: string
  /** capacity retired elsewhere in exchange (产能等量置换), same unit */
  replacedCapacity: string
  /** share of self-produced raw material, ratio string (copper, lead, zinc, tin smelting) */
  selfProducedRawMaterialShare?: string
  /** 三头在外: resources, energy and market all outside the province (crude steel) */
  resourcesOutsideProvince?: boolean
  energyOutsideProvince?: boolean
  marketOutsideProvince?: boolean
}

/** §14 land facts. */
export interface LandFacts {
  /** area in mu, decimal string */
  areaMu: string
  /** quoted transfer price per mu, yuan, if known */
  quotedPricePerMu?: string
  plotRatio: string
  buildingCoefficient: string
  /** declared membership of the province's priority industry catalogue (used when the catalogue parameter is unset) */
  inPriorityCatalogue: boolean
  meetsInvestmentIntensity: boolean
  /** land-premium exemption: existing land raising its plot ratio within plan and use */
  existingLandPlotRatioIncrease?: boolean
  /** new land whose floor area exceeds the plot-ratio standard */
  newLandFloorAreaAboveStandard?: boolean
  /** the additional land premium otherwise due, yuan, if assessed */
  assessedAdditionalPremium?: string
}

export interface PowerFacts {
  /** supply voltage in kV, decimal string */
  voltageKv: string
  /** unit energy consumption and the industry standard, same unit, decimal strings */
  unitEnergyConsumption: string
  industryStandard: string
}

export interface Project {
  id: string
  name: string
  buildType: BuildType
  /** GB/T 4754 industry code: optional section letter, 2 to 4 digits ("C3311", "33") */
  industryCode: string
  emergingIndustry?: EmergingIndustry | null
  policyClass: PolicyClass
  meetsAccessConditions: boolean
  /** prefecture id (pinyin, e.g. "qujing") */
  prefecture: string
  park?: Park | null
  inCentralYunnanZone: boolean
  capacityProduct?: CapacityProduct | null
  capacity?: CapacityFacts
  /** §18 interest subsidy: deep processing (精深加工) or chain extension (延长产业链) */
  deepProcessing?: boolean
  chainExtension?: boolean
  /** the investment this application claims for, yuan */
  investment?: string
  commissionedOn?: IsoDate
  /** the project's own tax records (emerging-project reward, §18) */
  taxRecords?: TaxRecord[]
  /** in the provincial key transformation project library (§15) */
  keyTransformationLibrary?: boolean
  /** designated a major transformation-and-upgrading project (§14) */
  majorTransformationProject?: boolean
  land?: LandFacts
  power?: PowerFacts
}

export interface RdPlatformClaim {
  id: string
  kind: PlatformKind
  recognisedOn: IsoDate
}

export interface ResearchEventClaim {
  id: string
  kind: ResearchEventKind
  date: IsoDate
}

export interface StandardClaim {
  id: string
  kind: StandardKind
  date: IsoDate
}

export interface TalentClaim {
  personId: string
  name: string
  role: TalentRole
  /** designated excellent (优秀) executive or senior technical talent */
  designatedExcellent: boolean
  year: number
  /** the person's individual income tax paid for the year, yuan */
  individualIncomeTax: string
}

/** What the application asks for beyond the project itself. */
export interface Claims {
  /** §18 top-3 reward: the award year Y (rewarding the increase over Y−1) */
  top3AwardYear?: number
  rdPlatforms?: RdPlatformClaim[]
  researchEvents?: ResearchEventClaim[]
  standards?: StandardClaim[]
  talents?: TalentClaim[]
}

export interface Application {
  applicationDate: IsoDate
  enterprise: Enterprise
  project?: Project
  claims?: Claims
}

export type { BudgetState, History, LedgerClaim } from './ledgers.ts'

export const MEASURE_IDS = [
  'interest-subsidy',
  'emerging-project-tax-reward',
  'startup-tech-sme-tax-reward',
  'emerging-top3-tax-reward',
  'rd-platform-grant',
  'research-institute-award',
  'standards-award',
  'talent-iit-reward',
  'land-price-ceiling',
  'land-premium-exemption',
  'key-project-loan-rate',
  'direct-power-trading',
] as const
export type MeasureId = (typeof MEASURE_IDS)[number]

/**
 * `unfunded` (POLICY.md §0, §3 budget pools): eligible, but the budget pool that pays the measure
 * is spent (or has a queue ahead); the amount is the amount due, nothing is paid.
 */
export type OutcomeStatus = 'eligible' | 'ineligible' | 'capped' | 'needs-review' | 'unfunded'

export interface Reason {
  /** stable machine code, e.g. NEGATIVE_LIST, ALREADY_GRANTED, MISSING_INPUT */
  code: string
  message: Text
  /** JSON pointer of the input concerned, when there is one */
  field?: string
}

export interface Outcome {
  measure: MeasureId
  clause: string
  status: OutcomeStatus
  /** yuan with two decimals; null for non-cash measures and needs-review */
  amount: string | null
  details: Record<string, unknown>
  reasons: Reason[]
  trace: Trace
  ledger: LedgerClaim[]
}

export interface GateResult {
  gate: 'negative-list' | 'capacity-control'
  clause: string
  passed: boolean
  reasons: Reason[]
  /** §17: the consequences a negative-listed project incurs */
  consequences: string[]
  trace: Trace
}

export interface Evaluation {
  ruleset: { id: string; version: string }
  asOf: IsoDate
  gates: GateResult[]
  outcomes: Outcome[]
  /** sum of the cash amounts paid (unfunded amounts are due, not paid), yuan with two decimals */
  totalAmount: string
  /** every parameter value read, once each */
  parametersUsed: ParameterRead[]
  overriddenParameters: string[]
}
