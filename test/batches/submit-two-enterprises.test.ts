// A submit batch is the same decisions as the rows posted one by one, against every ledger (issue
// #11), and the accident and the adversary of the developers' guide apply to it as to a single POST:
// - one R&D platform claimed by two enterprises in one file (§18: one grant per platform; the second
//   spells its id in upper case, one platform from ruleset 1.5.0), and the
//   same enterprise's tax periods claimed twice (days rewarded once): granted once, whatever the
//   chunk size, the second claim split from the first by a chunk boundary included;
// - the same file uploaded again: nothing granted twice (each row's key is derived from its facts);
// - a batch claiming the platform while another enterprise posts the same platform, at once:
//   exactly one of them is granted;
// - a dry run after the submit sees the grants the submit made.
// PGlite and PostgreSQL (where the two claims really run at once, on two connections).

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { InProcessQueue } from '../../src/batches/queue.ts'
import type { Application } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import {
  bearer,
  ENTERPRISE_A,
  ENTERPRISE_B,
  keysFor,
  platformClaim,
  startupTaxReward,
} from '../helpers/fixtures.ts'

/** A platform claim with the platform's id spelled otherwise. */
const respelled = (facts: Application, id: string): Application => ({
  ...facts,
  claims: { rdPlatforms: facts.claims!.rdPlatforms!.map((p) => ({ ...p, id })) },
})

/** A line of a batch's JSON Lines results: one per row and measure. */
type Line = { row: number; measure: string | null; status: string | null; amount: string | null }
type Outcome = { measure: string; status: string; amount: string | null }

const service = async (t: Test, chunkRows: number) => {
  const database = await testDatabase(t)
  const queue = new InProcessQueue(database.db, { chunkRows, sliceMs: 60_000 })
  const app = await testApp(t, database, { batchQueue: queue })
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)
  /** Uploads the rows as JSON Lines in `mode`; answers the batch id once it is done. */
  const upload = async (rows: readonly Application[], mode: 'submit' | 'dry-run') => {
    const r = await app.inject({
      method: 'POST',
      url: `/v1/batches?mode=${mode}`,
      headers: { ...finance, 'content-type': 'application/jsonl' },
      payload: rows.map((f) => JSON.stringify(f)).join('\n'),
    })
    // 202: a new batch, started; 200: this very file was uploaded before, and this is its batch.
    t.ok(
      [200, 202].includes(r.statusCode),
      r.statusCode < 300 ? `a ${mode} batch of ${rows.length} rows` : r.body,
    )
    await queue.idle()
    const id = r.json().id as string
    const done = await app.inject({ url: `/v1/batches/${id}`, headers: finance })
    t.match(done.json(), { status: 'done', rows: { total: rows.length, done: rows.length } }, 'done')
    return id
  }
  /** Each row's status and amount for `measure`, in row order. */
  const results = async (id: string, measure: string) => {
    const r = await app.inject({ url: `/v1/batches/${id}/results`, headers: finance })
    t.equal(r.statusCode, 200)
    const lines = r.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.measure === measure)
    return lines.sort((x, y) => x.row - y.row).map((l) => `${l.status} ${l.amount}`)
  }
  const grants = async () =>
    (
      await sql<{ ledger: string; credit_code: string; n: number }>`
        select ledger, credit_code, count(*)::int as n from ledger_once group by 1, 2 order by 1, 2`.execute(
        database.db,
      )
    ).rows
  const days = async () =>
    (
      await sql<{ n: number; overlaps: number }>`
        select count(*)::int as n,
               (select count(*)::int from ledger_periods a join ledger_periods b
                  on a.ledger = b.ledger and a.key = b.key and a.ctid < b.ctid
                 and a.from_date <= b.to_date and b.from_date <= a.to_date) as overlaps
        from ledger_periods`.execute(database.db)
    ).rows[0]!
  return { database, app, keys, finance, upload, results, grants, days }
}

for (const chunkRows of [500, 1]) {
  t.test(`two enterprises, one platform, in one submit batch (chunks of ${chunkRows})`, async (t) => {
    const s = await service(t, chunkRows)
    const rows = [
      platformClaim(ENTERPRISE_A),
      startupTaxReward,
      respelled(platformClaim(ENTERPRISE_B), 'NERC-RARE-METALS'),
      startupTaxReward,
    ]
    const id = await s.upload(rows, 'submit')
    t.same(
      await s.results(id, 'rd-platform-grant'),
      ['eligible 3000000.00', 'ineligible null', 'ineligible null', 'ineligible null'],
      'the platform granted once, to the first row',
    )
    t.same(
      (await s.results(id, 'startup-tech-sme-tax-reward'))
        .filter((_, i) => i % 2 === 1)
        .map((r) => r.split(' ')[0]),
      ['eligible', 'ineligible'],
      'the tax days rewarded once',
    )
    const once = await s.grants()
    t.same(
      once.filter((g) => g.ledger === 'rd-platform-grant'),
      [{ ledger: 'rd-platform-grant', credit_code: ENTERPRISE_A, n: 1 }],
      'one platform grant in the ledger, enterprise A’s',
    )
    t.equal((await s.days()).overlaps, 0, 'no tax day rewarded twice')

    // The same file again is the same batch (its content hash): nothing runs, nothing is granted.
    const before = { once: await s.grants(), days: await s.days() }
    t.equal(await s.upload(rows, 'submit'), id, 'the same file answers its batch')
    // A new file holding the same rows and one more: each known row's key finds its decision, and
    // only the new row is decided, against the ledgers as they stand.
    const more = await s.upload([...rows, platformClaim(ENTERPRISE_B)], 'submit')
    t.not(more, id, 'another file is another batch')
    t.same(
      await s.results(more, 'rd-platform-grant'),
      [...(await s.results(id, 'rd-platform-grant')), 'ineligible null'],
      'the known rows answer their decisions; the new claim finds the platform granted',
    )
    t.same({ once: await s.grants(), days: await s.days() }, before, 'the ledgers unchanged')
    const applications = await sql<{ n: number }>`select count(*)::int as n from applications`.execute(
      s.database.db,
    )
    t.equal(applications.rows[0]?.n, rows.length + 1, 'one application per row, none stored twice')

    // A dry run now previews against the ledgers as they stand: nothing left to grant.
    const preview = await s.upload([respelled(platformClaim(ENTERPRISE_B), 'Nerc-Rare-Metals')], 'dry-run')
    t.same(await s.results(preview, 'rd-platform-grant'), ['ineligible null'], 'the dry run sees the grant')
  })
}

t.test('a batch and a single POST of another enterprise claim one platform at once', async (t) => {
  const s = await service(t, 1)
  const [batchId, posted] = await Promise.all([
    s.upload([platformClaim(ENTERPRISE_A)], 'submit'),
    s.app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(s.keys.enterpriseB), 'idempotency-key': 'platform-b' },
      payload: platformClaim(ENTERPRISE_B),
    }),
  ])
  t.equal(posted.statusCode, 201, posted.statusCode === 201 ? 'the POST is stored' : posted.body)
  const single = (
    posted.json() as { decisions: { evaluation: { outcomes: Outcome[] } }[] }
  ).decisions[0]!.evaluation.outcomes.find((o) => o.measure === 'rd-platform-grant')!
  const batch = (await s.results(batchId, 'rd-platform-grant'))[0]
  t.same(
    [batch, `${single.status} ${single.amount}`].sort(),
    ['eligible 3000000.00', 'ineligible null'],
    `exactly one granted (batch: ${batch}; POST: ${single.status})`,
  )
  const once = (await s.grants()).filter((g) => g.ledger === 'rd-platform-grant')
  t.equal(once.length, 1, 'one platform grant in the ledger')
  t.equal(once[0]?.n, 1)
})

for (const chunkRows of [500, 1]) {
  t.test(
    `a standard awaiting its amount, claimed twice in one file: the dry run says what the submit does (chunks of ${chunkRows})`,
    async (t) => {
      const s = await service(t, chunkRows)
      const standards = JSON.parse(
        readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'standards-award.json'), 'utf8'),
      ).application as Application
      const rows = [
        standards,
        { ...standards, enterprise: { creditCode: ENTERPRISE_B, name: 'Copycat Co.' } },
      ]
      const codes = async (id: string) => {
        const r = await s.app.inject({ url: `/v1/batches/${id}/results`, headers: s.finance })
        return r.body
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Line & { reasonCodes: string[] })
          .filter((l) => l.measure === 'standards-award')
          .sort((x, y) => x.row - y.row)
          .map((l) => `${l.status} ${l.reasonCodes.join(',')}`)
      }
      const expected = ['needs-review AMOUNT_NOT_SET', 'ineligible ALREADY_CLAIMED']
      t.same(await codes(await s.upload(rows, 'dry-run')), expected, 'the dry run: held by the first row')
      t.same(await codes(await s.upload(rows, 'submit')), expected, 'the submit: the same')
      const held = (await s.grants()).filter((g) => g.ledger === 'standards-award')
      t.same(held, [{ ledger: 'standards-award', credit_code: standards.enterprise.creditCode, n: 1 }])
    },
  )
}
