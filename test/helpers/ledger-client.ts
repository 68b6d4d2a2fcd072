// What the ledger tests through the API share (test/routes/ledgers.test.ts, ledger-case.test.ts): a
// fresh database and app, its keys, the examples' facts, and `submit` (POST /v1/applications with the
// full trace, in English: the tests match notes in English; zh-CN is the default).

import type { Test } from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { testApp } from './app.ts'
import { testDatabase } from './database.ts'
import { bearer, keysFor } from './fixtures.ts'

export { example } from './fixtures.ts'

export interface Outcome {
  measure: string
  status: string
  amount: string | null
  reasons: { code: string; message: { zh: string; en: string } }[]
  trace: { conditions: { id: string; holds: boolean; threshold: unknown }[]; notes: string[] }
  ledger: unknown[]
}

export const ledgerClient = async (t: Test) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const submit = async (facts: Application, key = keys.finance) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/applications?explain=full',
      headers: { ...bearer(key), 'idempotency-key': crypto.randomUUID(), 'accept-language': 'en' },
      payload: facts,
    })
    t.equal(response.statusCode, 201, response.statusCode === 201 ? 'stored' : response.body)
    const body = response.json()
    return {
      body,
      decisionId: body.decisions[0].id as string,
      outcomes: body.decisions[0].evaluation.outcomes as Outcome[],
    }
  }
  const outcome = (r: { outcomes: Outcome[] }, measure: string) =>
    r.outcomes.find((o) => o.measure === measure)!
  return { database, app, keys, submit, outcome }
}
