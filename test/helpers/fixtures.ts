// Keys and facts shared by the tests of stored applications.

import type { DatabaseHandle } from '../../src/db/database.ts'
import { createApiKey } from '../../src/db/keys-repository.ts'
import type { Application } from '../../src/engine/types.ts'

export const ENTERPRISE_A = '91530300MA6K5A1B2G'
export const ENTERPRISE_B = '91530100MA6N2X3P4X'

export const keysFor = async (database: DatabaseHandle) => {
  const make = async (role: 'enterprise' | 'finance' | 'auditor' | 'admin', enterprise?: string) =>
    (
      await database.db
        .transaction()
        .execute((trx) => createApiKey(trx, { role, enterprise: enterprise ?? null }, 'system'))
    ).key
  return {
    admin: await make('admin'),
    finance: await make('finance'),
    auditor: await make('auditor'),
    enterpriseA: await make('enterprise', ENTERPRISE_A),
    enterpriseB: await make('enterprise', ENTERPRISE_B),
  }
}

/** A §18 deep-processing project (POLICY.md §5 examples 1–2). */
export const deepProcessing = (
  projectId: string,
  investment: string,
  applicationDate = '2015-06-01',
): Application => ({
  applicationDate,
  enterprise: { creditCode: ENTERPRISE_A, name: 'Qujing Deep Processing Co.' },
  project: {
    id: projectId,
    name: 'Copper foil line',
    buildType: 'expansion',
    industryCode: 'C32',
    policyClass: 'encouraged',
    meetsAccessConditions: true,
    prefecture: 'qujing',
    inCentralYunnanZone: false,
    deepProcessing: true,
    investment,
  },
})

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
