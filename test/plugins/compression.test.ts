// Responses compressed when the client accepts it: gzip and br, on a route with the compiled
// serializer, on one with `serializerCompiler: () => JSON.stringify`, on an idempotent replay of a
// stored body and on a CSV report; never on tiny bodies, never unasked, never on XLSX (a zip).

import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import t from 'tap'
import { COMPRESSION_THRESHOLD_BYTES } from '../../src/plugins/compression.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const decode = (encoding: string | undefined, body: Buffer): string => {
  if (encoding === 'gzip') return gunzipSync(body).toString('utf8')
  if (encoding === 'br') return brotliDecompressSync(body).toString('utf8')
  throw new Error(`not compressed: ${encoding}`)
}

t.test('compression', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const submit = (encoding: string | null) =>
    app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: {
        ...bearer(keys.finance),
        'idempotency-key': 'compressed-replay',
        ...(encoding ? { 'accept-encoding': encoding } : {}),
      },
      payload: deepProcessing('p-compress', '120000000.00'),
    })
  const first = await submit(null)
  t.equal(first.statusCode, 201)
  t.equal(first.headers['content-encoding'], undefined, 'not asked: not compressed')
  t.ok(first.body.length > COMPRESSION_THRESHOLD_BYTES, 'a stored application is above the threshold')
  const id = first.json().id
  // A second year: the report's CSV has 24 groups (12 measures × 2 years), above the threshold.
  const second = await app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: { ...bearer(keys.finance), 'idempotency-key': 'second-year' },
    payload: deepProcessing('p-compress-2', '1000000.00', '2016-06-01'),
  })
  t.equal(second.statusCode, 201)

  for (const encoding of ['gzip', 'br']) {
    t.test(encoding, async (t) => {
      const replay = await submit(encoding)
      t.equal(replay.statusCode, 201)
      t.equal(replay.headers['content-encoding'], encoding, 'idempotent replay: compressed')
      t.equal(
        decode(encoding, replay.rawPayload),
        first.body,
        '…and byte for byte the stored body once decoded',
      )
      t.match(replay.headers.vary, /accept-encoding/i)
      t.ok(
        replay.rawPayload.length < first.body.length / 2,
        `${replay.rawPayload.length} bytes of ${first.body.length}`,
      )

      const plain = await app.inject({ url: `/v1/applications/${id}`, headers: bearer(keys.auditor) })
      const read = await app.inject({
        url: `/v1/applications/${id}`,
        headers: { ...bearer(keys.auditor), 'accept-encoding': encoding },
      })
      t.equal(read.headers['content-encoding'], encoding, 'a JSON.stringify-serialized route')
      t.equal(decode(encoding, read.rawPayload), plain.body)

      const list = await app.inject({
        url: '/v1/parameters',
        headers: { 'accept-encoding': encoding },
      })
      t.equal(list.headers['content-encoding'], encoding, 'a route with the compiled serializer')
      t.same(
        JSON.parse(decode(encoding, list.rawPayload)),
        (await app.inject({ url: '/v1/parameters' })).json(),
      )

      const csv = await app.inject({
        url: '/v1/reports/grants?format=csv',
        headers: { ...bearer(keys.finance), 'accept-encoding': encoding },
      })
      const plainCsv = await app.inject({
        url: '/v1/reports/grants?format=csv',
        headers: bearer(keys.finance),
      })
      if (plainCsv.body.length >= COMPRESSION_THRESHOLD_BYTES) {
        t.equal(csv.headers['content-encoding'], encoding, 'the CSV report')
        t.equal(decode(encoding, csv.rawPayload), plainCsv.body)
      } else t.fail(`the CSV report is below the threshold (${plainCsv.body.length} bytes): grow the fixture`)

      const xlsx = await app.inject({
        url: '/v1/reports/grants?format=xlsx',
        headers: { ...bearer(keys.finance), 'accept-encoding': encoding },
      })
      t.equal(xlsx.statusCode, 200)
      t.equal(xlsx.headers['content-encoding'], undefined, 'XLSX is a zip already: sent as is')

      const tiny = await app.inject({ url: '/health/live', headers: { 'accept-encoding': encoding } })
      t.ok(tiny.body.length < COMPRESSION_THRESHOLD_BYTES)
      t.equal(tiny.headers['content-encoding'], undefined, 'a tiny body is not compressed')
    })
  }
})
