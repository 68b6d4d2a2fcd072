// An outcome's status in words, for people reading a file rather than a program: the batch results
// workbook (GET /v1/batches/{id}/results?format=xlsx) shows them beside the status ids. The console
// (console/i18n.js "status.*") says the same.

import type { OutcomeStatus } from '../engine/types.ts'
import type { Text } from './language.ts'

export const OUTCOME_STATUS_LABELS: Readonly<Record<OutcomeStatus, Text>> = {
  eligible: { zh: '符合', en: 'eligible' },
  ineligible: { zh: '不符合', en: 'ineligible' },
  capped: { zh: '已达上限', en: 'capped' },
  'needs-review': { zh: '待审核', en: 'needs review' },
  unfunded: { zh: '预算不足', en: 'unfunded' },
}
