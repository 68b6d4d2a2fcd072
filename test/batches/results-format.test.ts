// A batch's results as read (JSON Lines, CSV, XLSX) are byte for byte what they were before results
// were stored lean (issue #11 "Speed": codes and amounts stored, reason texts rendered when read):
// the outputs of a fixture dry-run and submit batch (the 12 examples, rows sharing ledger subjects so
// later rows are capped or already granted, a duplicate row, rows refused by the parser and by the
// engine) are compared with the files the code before the change produced for the same batch
// (test/fixtures/batch-results/, written with UPDATE_BATCH_RESULTS=1 on main at cb8ad5f; the XLSX files
// written again when the workbook gained two columns, the measure's title and the status in words,
// every other cell checked unchanged). Results
// stored before the change (the old row format, reason texts in each row) still read the same.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import JSZip from 'jszip'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import type { InProcessQueue } from '../../src/batches/queue.ts'
import { resultsPage } from '../../src/db/batches-repository.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'
import { EXAMPLES } from '../helpers/requests.ts'

const GOLDEN = join(import.meta.dirname, '../fixtures/batch-results')
const UPDATE = process.env['UPDATE_BATCH_RESULTS'] === '1'
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const BOM = '\uFEFF'

/** The fixture file: every example, then rows that share subjects, a duplicate, refused rows. */
const fixture = (): string => {
  const rows: unknown[] = EXAMPLES.map((e) => e.body.application)
  for (let i = 0; i < 6; i++) rows.push(deepProcessing(`shared-${i % 2}`, '90000000.00'))
  rows.push(EXAMPLES[0]!.body.application)
  const refused = deepProcessing('refused', '100.00')
  refused.enterprise.creditCode = '91530300MA6K5A1B2X'
  rows.push(refused)
  const lines = rows.map((r) => JSON.stringify(r))
  lines.splice(3, 0, '{"applicationDate":"2015-06-01"}', 'not json')
  return `${lines.join('\n')}\n`
}

/** Ids of stored applications and decisions differ from run to run. */
const normalised = (text: string) =>
  text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')

/** An XLSX's parts, but its creation and modification dates (docProps/core.xml). */
const xlsxParts = async (bytes: Buffer): Promise<Record<string, string>> => {
  const zip = await JSZip.loadAsync(bytes)
  const parts: Record<string, string> = {}
  for (const name of Object.keys(zip.files).sort()) {
    if (name === 'docProps/core.xml' || zip.files[name]!.dir) continue
    parts[name] = normalised(await zip.files[name]!.async('string'))
  }
  return parts
}

const outputs = async (app: FastifyInstance, key: string, id: string, language: string) => {
  const get = (headers: Record<string, string>, query = '') =>
    app.inject({
      url: `/v1/batches/${id}/results${query}`,
      headers: { ...bearer(key), 'accept-language': language, ...headers },
    })
  const csv = normalised((await get({}, '?format=csv')).body)
  return {
    jsonl: normalised((await get({})).body),
    // The CSV begins with a BOM since 2026-12-06 (Excel reads it as UTF-8 then); the rest is as before.
    csv: csv.startsWith(BOM) ? csv.slice(1) : `(no BOM) ${csv}`,
    xlsx: JSON.stringify(await xlsxParts((await get({ accept: XLSX })).rawPayload), null, 1),
  }
}

const compare = (t: Test, name: string, actual: string) => {
  const file = join(GOLDEN, name)
  if (UPDATE) writeFileSync(file, actual)
  t.equal(actual, readFileSync(file, 'utf8'), `${name}: byte for byte as before`)
}

t.test('batch results read byte for byte as before, stored lean or the old way', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const file = fixture()
  for (const mode of ['dry-run', 'submit']) {
    const response = await app.inject({
      method: 'POST',
      url: `/v1/batches?mode=${mode}`,
      headers: { ...bearer(keys.finance), 'content-type': 'application/jsonl' },
      payload: file,
    })
    t.equal(response.statusCode, 202, response.body)
    await (app.batchQueue as InProcessQueue).idle()
    const id = response.json().id as string
    const batch = (await app.inject({ url: `/v1/batches/${id}`, headers: bearer(keys.finance) })).json()
    t.match(batch, { status: 'done', rows: { failed: 3 } })
    for (const language of ['zh-CN', 'en']) {
      const out = await outputs(app, keys.finance, id, language)
      for (const [format, text] of Object.entries(out)) compare(t, `${mode}.${language}.${format}`, text)
    }

    // Stored lean: codes and amounts in the rows, each reason text once in the batch's texts.
    const stored = (
      await sql<{ lean: boolean; texts: number; reasons: number }>`
        select bool_and(outcomes is null and outcome_codes is not null) as lean,
               (select count(*)::int from batch_reason_texts where batch_id = ${id}::uuid) as texts,
               sum((select count(*) from jsonb_array_elements(outcome_codes::jsonb) o,
                      jsonb_array_elements(o -> 3)))::int as reasons
        from batch_results where batch_id = ${id}::uuid and status = 'decided'`.execute(database.db)
    ).rows[0]!
    t.ok(stored.lean, 'outcomes stored lean')
    t.ok(
      stored.texts > 0 && stored.texts < stored.reasons,
      `${stored.texts} texts for ${stored.reasons} reasons`,
    )

    // The same results stored as before the change (reason texts in each row): read the same.
    const old = randomId()
    await sql`insert into batches (id, mode, format, status, total_rows, next_row, submitted_by, submitted_role)
      select ${old}::uuid, mode, format, 'done', total_rows, next_row, submitted_by, submitted_role
      from batches where id = ${id}::uuid`.execute(database.db)
    const rows = await resultsPage(database.db, id, 0, 1000)
    for (const r of rows) {
      await sql`insert into batch_results (batch_id, row_no, status, row_key, application_id, decision_id,
          total_amount, outcomes, errors)
        values (${old}::uuid, ${r.row}, ${r.status}, null, ${r.applicationId}, ${r.decisionId},
          ${r.totalAmount}, ${r.outcomes === null ? null : JSON.stringify(r.outcomes)}::jsonb,
          ${r.errors === null ? null : JSON.stringify(r.errors)}::jsonb)`.execute(database.db)
    }
    for (const language of ['zh-CN', 'en']) {
      const out = await outputs(app, keys.finance, old, language)
      for (const [format, text] of Object.entries(out))
        t.equal(
          text,
          readFileSync(join(GOLDEN, `${mode}.${language}.${format}`), 'utf8'),
          `old rows: ${format}`,
        )
    }
  }
})

const randomId = () => crypto.randomUUID()
