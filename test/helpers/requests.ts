// A valid request for every operation of the document, built from examples/*.json and the route
// tests' bodies: what the OWASP matrix and the fuzzer start from (and mutate).

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ENTERPRISE_A } from './fixtures.ts'

const examplesDir = join(import.meta.dirname, '..', '..', 'examples')
/** Every ready request body of examples/ (POST /v1/evaluations bodies, one per measure). */
export const EXAMPLES: { name: string; body: { application: Record<string, unknown> } }[] = readdirSync(
  examplesDir,
)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f, body: JSON.parse(readFileSync(join(examplesDir, f), 'utf8')) }))

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

/** The interest-subsidy application, for an enterprise's credit code. */
export const applicationOf = (creditCode = ENTERPRISE_A) => {
  const application = clone(EXAMPLES.find((e) => e.name === 'interest-subsidy.json')!.body.application)
  ;(application['enterprise'] as Record<string, unknown>)['creditCode'] = creditCode
  return application
}

/** Valid bodies by operation id (operations without a body have none). */
export const VALID_BODIES: Record<string, (creditCode?: string) => unknown> = {
  evaluateApplication: () => clone(EXAMPLES.find((e) => e.name === 'interest-subsidy.json')!.body),
  submitApplication: (creditCode) => applicationOf(creditCode),
  // A batch file (text, not JSON): one application per line, sent as application/jsonl.
  uploadBatch: (creditCode) => `${JSON.stringify(applicationOf(creditCode))}\n`,
  computeLandDevelopmentFund: () => ({
    period: { from: '2015-01-01', to: '2015-12-31' },
    entities: [
      {
        id: 'qujing',
        level: 'prefecture',
        totalLandTransferRevenue: '1000000000.00',
        industrialLandTransferRevenue: '200000000.00',
      },
    ],
  }),
  computeParkTaxRetention: () => ({
    park: { id: 'qujing-edz', level: 'provincial' },
    baseYear: 2014,
    year: 2015,
    baseYearRevenue: { vat: '1000000.00', businessTax: '200000.00' },
    currentYearRevenue: { vat: '1500000.00', businessTax: '100000.00' },
  }),
  computeFundConcentration: () => ({
    asOf: '2016-12-31',
    disbursements: [
      { id: 'd1', amount: '600.00', key: true },
      { id: 'd2', amount: '400.00', key: false },
    ],
  }),
  computeIndicatorProgress: () => ({
    actuals: [{ indicator: 'light-industry-share', year: 2015, value: '0.47' }],
  }),
  replayDecision: () => undefined,
  // No body; the fuzzer's {id} is a decision's, so it checks the unknown-batch answer (404).
  retryBatch: () => undefined,
  cancelBatch: () => undefined,
  correctDecision: () => ({ reason: 'recomputed after an audit' }),
  createApiKey: () => ({ role: 'auditor', label: 'matrix' }),
  setBudget: () => ({ amount: '50000000.00', note: 'appropriation' }),
  setPrefectureBudget: () => ({ amount: '5000000.00' }),
}
