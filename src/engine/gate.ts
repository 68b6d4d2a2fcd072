// Gates run before every measure (POLICY.md §1): a project that fails one is ineligible for every
// measure, with the gate's reason.

import type { ParameterSet } from './parameters/parameter-set.ts'
import type { Text } from './trace.ts'
import type { Application, GateResult } from './types.ts'

export interface Gate {
  id: GateResult['gate']
  clause: string
  title: Text
  /** the reason code every measure receives when the gate fails */
  reasonCode: string
  evaluate(application: Application, asOf: string, parameters: ParameterSet): GateResult
}
