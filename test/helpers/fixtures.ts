// Keys and facts shared by the tests of stored applications.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { createApiKey } from '../../src/db/keys-repository.ts'
import type { Application } from '../../src/engine/types.ts'
import { creditCodeCheckCharacter } from '../../src/engine/validate.ts'

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

/** keysFor's keys, and the id of the finance key (what a batch records as its submitter). */
export const keysWithFinanceId = async (database: DatabaseHandle) => {
  const keys = await keysFor(database)
  const finance = await database.db
    .selectFrom('api_keys')
    .select('id')
    .where('role', '=', 'finance')
    .executeTakeFirstOrThrow()
  return { keys, financeKeyId: finance.id }
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

/** One R&D platform (§18: granted once per platform), claimed by `enterprise`. */
export const platformClaim = (enterprise: string): Application => ({
  applicationDate: '2015-09-01',
  enterprise: { creditCode: enterprise, name: `R&D ${enterprise.slice(-4)}` },
  claims: {
    rdPlatforms: [
      { id: 'nerc-rare-metals', kind: 'national-engineering-research-center', recognisedOn: '2015-05-01' },
    ],
  },
})

/** examples/<name>.json's application (one example per measure, README "Try it"). */
export const example = (name: string): Application =>
  (
    JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'examples', `${name}.json`), 'utf8')) as {
      application: Application
    }
  ).application

/** A valid unified social credit code of its own for enterprise `n` of a test (GB 32100 check character). */
export const numberedCreditCode = (n: number) => {
  const first17 = `9153010${String(n).padStart(10, '0')}`
  return first17 + creditCodeCheckCharacter(first17)
}

/** POLICY.md §5's startup tax reward example: its tax days are rewarded once. */
export const startupTaxReward = example('startup-tech-sme-tax-reward')

/** An identifier in the other letter case, letter by letter: the same subject once folded (foldKey). */
export const swapCase = (id: string) =>
  [...id].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

/**
 * An emerging project whose 13 monthly tax records give every tax at the schema's maximum: its reward
 * sums past what the service records (numeric(18, 2)), so it is refused (AmountOutOfRange).
 */
export const beyondTheLedger = (projectId = 'overflow'): Application => {
  const max = '999999999999999.99'
  const taxRecords = Array.from({ length: 13 }, (_, i) => {
    const y = i < 12 ? 2014 : 2015
    const m = String((i % 12) + 1).padStart(2, '0')
    return { from: `${y}-${m}-01`, to: `${y}-${m}-28`, vat: max, enterpriseIncomeTax: max, businessTax: max }
  })
  return {
    applicationDate: '2015-06-01',
    enterprise: { creditCode: ENTERPRISE_A, name: 'K' },
    project: {
      id: projectId,
      name: 'Display',
      buildType: 'new-build',
      industryCode: 'C39',
      emergingIndustry: 'electronic-information',
      policyClass: 'encouraged',
      meetsAccessConditions: true,
      prefecture: 'kunming',
      inCentralYunnanZone: true,
      commissionedOn: '2014-01-01',
      taxRecords,
    },
  }
}

/**
 * examples/rd-platform-grant.json (a whole application, §18) with its platform named `id`, claimed by
 * `creditCode`: platformClaim's claim inside a full application, for the holds tests that vary the id.
 */
export const examplePlatformClaim = (id: string, creditCode: string): Application => {
  const platform = example('rd-platform-grant')
  return {
    ...platform,
    enterprise: { creditCode, name: `Claimant ${creditCode.slice(-4)}` },
    claims: { rdPlatforms: [{ ...platform.claims!.rdPlatforms![0]!, id }] },
  }
}
