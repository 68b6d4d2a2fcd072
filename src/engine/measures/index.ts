// The measures of POLICY.md §2, in the order of the table there. An explicit list: adding a
// measure is adding a line here.

import type { Measure } from '../measure.ts'
import { directPowerTrading } from './direct-power-trading.ts'
import { emergingProjectTaxReward } from './emerging-project-tax-reward.ts'
import { emergingTop3TaxReward } from './emerging-top3-tax-reward.ts'
import { interestSubsidy } from './interest-subsidy.ts'
import { keyProjectLoanRate } from './key-project-loan-rate.ts'
import { landPremiumExemption } from './land-premium-exemption.ts'
import { landPriceCeiling } from './land-price-ceiling.ts'
import { rdPlatformGrant } from './rd-platform-grant.ts'
import { researchInstituteAward } from './research-institute-award.ts'
import { standardsAward } from './standards-award.ts'
import { startupTechSmeTaxReward } from './startup-tech-sme-tax-reward.ts'
import { talentIitReward } from './talent-iit-reward.ts'

export const MEASURES: readonly Measure[] = [
  interestSubsidy,
  emergingProjectTaxReward,
  startupTechSmeTaxReward,
  emergingTop3TaxReward,
  rdPlatformGrant,
  researchInstituteAward,
  standardsAward,
  talentIitReward,
  landPriceCeiling,
  landPremiumExemption,
  keyProjectLoanRate,
  directPowerTrading,
]

/** A measure's title in both languages, by its id; an unknown id stands for itself. */
export const measureTitle = (id: string): { zh: string; en: string } =>
  MEASURES.find((m) => m.id === id)?.title ?? { zh: id, en: id }
