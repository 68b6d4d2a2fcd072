// Gates in the order they are tested (POLICY.md §1): the negative list, then capacity control.

import type { Gate } from '../gate.ts'
import { capacityControl } from './capacity-control.ts'
import { negativeList } from './negative-list.ts'

export const GATES: readonly Gate[] = [negativeList, capacityControl]
