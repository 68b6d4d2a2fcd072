// Gates in the order they are tested (POLICY.md §1): the negative list, then capacity control.

import type { Gate } from '../gate.ts'

export const GATES: readonly Gate[] = []
