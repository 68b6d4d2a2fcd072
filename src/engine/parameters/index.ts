// Every parameter of the ruleset, by area. An explicit list: a parameter file not listed here is
// not part of the rules.

import { financeParameters } from './finance.ts'
import { capacityControlParameters, negativeListParameters } from './gates.ts'
import { interestSubsidyParameters } from './grants.ts'
import { indicatorParameters } from './indicators.ts'
import { landParameters } from './land.ts'
import { localShareParameters } from './local-share.ts'
import { ParameterSet } from './parameter-set.ts'
import { policyParameters } from './policy.ts'
import { powerParameters } from './power.ts'
import { rdAwardParameters } from './rd-awards.ts'
import { taxRewardParameters } from './tax-rewards.ts'
import type { ParameterDefinition } from './types.ts'

export const PARAMETER_DEFINITIONS: readonly ParameterDefinition[] = [
  ...policyParameters,
  ...negativeListParameters,
  ...capacityControlParameters,
  ...interestSubsidyParameters,
  ...rdAwardParameters,
  ...landParameters,
  ...powerParameters,
  ...localShareParameters,
  ...taxRewardParameters,
  ...financeParameters,
  ...indicatorParameters,
]

/** The ruleset's parameters as published, without overrides. */
export const DEFAULT_PARAMETERS = ParameterSet.of(PARAMETER_DEFINITIONS)
