// The measures of POLICY.md §2, in the order of the table there. An explicit list: adding a
// measure is adding a line here.

import type { Measure } from '../measure.ts'
import { interestSubsidy } from './interest-subsidy.ts'

export const MEASURES: readonly Measure[] = [interestSubsidy]
