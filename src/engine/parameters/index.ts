// Every parameter of the ruleset, by area. An explicit list: a parameter file not listed here is
// not part of the rules.

import { interestSubsidyParameters } from './grants.ts'
import { ParameterSet } from './parameter-set.ts'
import { policyParameters } from './policy.ts'
import type { ParameterDefinition } from './types.ts'

export const PARAMETER_DEFINITIONS: readonly ParameterDefinition[] = [
  ...policyParameters,
  ...interestSubsidyParameters,
]

/** The ruleset's parameters as published, without overrides. */
export const DEFAULT_PARAMETERS = ParameterSet.of(PARAMETER_DEFINITIONS)
