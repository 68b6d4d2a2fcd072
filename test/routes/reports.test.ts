// GET /v1/reports/grants through the real app: totals per prefecture, measure and year equal the sums
// over what GET /v1/applications and its details show; a correction replaces the decision it
// supersedes; JSON, CSV and XLSX carry the same figures; filters, formats, roles and bad input.

import ExcelJS from 'exceljs'
import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** yuan "1234.50" → fen, exactly */
const fen = (amount: string | null): bigint => (amount === null ? 0n : BigInt(amount.replace('.', '')))
const yuan = (f: bigint): string => {
  const s = f.toString().padStart(3, '0')
  return `${s.slice(0, -2)}.${s.slice(-2)}`
}

const inPrefecture = (
  prefecture: string,
  projectId: string,
  investment: string,
  date: string,
): Application => {
  const facts = deepProcessing(projectId, investment, date)
  return { ...facts, project: { ...facts.project!, prefecture } }
}

interface Outcome {
  measure: string
  status: string
  amount: string | null
}
interface Figures {
  count: number
  due: bigint
  paid: bigint
  unfunded: bigint
}

t.test('grant report', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const submit = async (facts: Application) => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
      payload: facts,
    })
    t.equal(r.statusCode, 201, 'stored')
    return r.json()
  }
  const report = (query: string, headers: Record<string, string> = {}, key = keys.finance) =>
    app.inject({ method: 'GET', url: `/v1/reports/grants${query}`, headers: { ...bearer(key), ...headers } })

  await submit(inPrefecture('qujing', 'q-1', '120000000.00', '2015-06-01'))
  await submit(inPrefecture('qujing', 'q-2', '1000000.00', '2016-03-01'))
  await submit(inPrefecture('kunming', 'k-1', '50000000.00', '2015-09-30'))
  // A project whose cap is reached: capped, paying nothing (7 200 000 + 2 800 000 = the 10 000 000 cap).
  await submit(inPrefecture('yuxi', 'y-1', '120000000.00', '2015-01-10'))
  await submit(inPrefecture('yuxi', 'y-1', '100000000.00', '2015-02-10'))
  await submit(inPrefecture('yuxi', 'y-1', '100000000.00', '2015-03-10'))
  // Outside the policy window: ineligible for every measure.
  await submit(inPrefecture('dali', 'd-1', '1000000.00', '2021-01-04'))
  const corrected = await submit(inPrefecture('kunming', 'k-2', '10000000.00', '2016-05-05'))
  const correction = await app.inject({
    method: 'POST',
    url: `/v1/decisions/${corrected.decisions[0].id}/corrections`,
    headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
    payload: {
      reason: 'investment was 20 000 000.00, in Qujing',
      facts: inPrefecture('qujing', 'k-2', '20000000.00', '2016-05-05'),
    },
  })
  t.equal(correction.statusCode, 201, 'corrected (new facts: a new application superseding the old decision)')

  /** What the applications API shows: every current decision's outcomes, by (prefecture, measure, year). */
  const fromApplications = async () => {
    const groups = new Map<string, Figures>()
    const decisions = new Set<string>()
    let cursor: string | null = null
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await app.inject({
          method: 'GET',
          url: `/v1/applications?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          headers: bearer(keys.auditor),
        })
      ).json()
      for (const item of page.items) {
        const a = (
          await app.inject({
            method: 'GET',
            url: `/v1/applications/${item.id}`,
            headers: bearer(keys.auditor),
          })
        ).json()
        const current = a.decisions.find((d: { supersededBy: string | null }) => d.supersededBy === null)
        if (!current) continue
        decisions.add(current.id)
        for (const o of current.evaluation.outcomes as Outcome[]) {
          const key = JSON.stringify([
            a.facts.project?.prefecture ?? null,
            o.measure,
            Number(a.applicationDate.slice(0, 4)),
          ])
          const g = groups.get(key) ?? { count: 0, due: 0n, paid: 0n, unfunded: 0n }
          g.count += 1
          if (o.status === 'eligible' || o.status === 'unfunded') g.due += fen(o.amount)
          if (o.status === 'eligible') g.paid += fen(o.amount)
          if (o.status === 'unfunded') g.unfunded += fen(o.amount)
          groups.set(key, g)
        }
      }
      cursor = page.nextCursor
    } while (cursor !== null)
    return { groups, decisions }
  }

  t.test('JSON: every group and the totals equal the sums over the applications’ details', async (t) => {
    const r = await report('')
    t.equal(r.statusCode, 200)
    t.match(r.headers['content-type'], /^application\/json/)
    const body = r.json()
    t.same(body.groupBy, ['prefecture', 'measure', 'year'], 'grouped by all three by default')
    const expected = await fromApplications()
    t.equal(body.groups.length, expected.groups.size, 'one group per (prefecture, measure, year) shown')
    for (const g of body.groups) {
      const e = expected.groups.get(JSON.stringify([g.prefecture, g.measure, g.year]))
      t.ok(e, `group ${g.prefecture} ${g.measure} ${g.year} is in the applications`)
      if (!e) continue
      t.same(
        [g.count, g.amountDue, g.amountPaid, g.amountUnfunded],
        [e.count, yuan(e.due), yuan(e.paid), yuan(e.unfunded)],
        `${g.prefecture} ${g.measure} ${g.year}`,
      )
    }
    const all = [...expected.groups.values()]
    const total = (f: (x: Figures) => bigint) => yuan(all.reduce((s, x) => s + f(x), 0n))
    t.same(
      body.totals,
      {
        count: all.reduce((s, x) => s + x.count, 0),
        amountDue: total((x) => x.due),
        amountPaid: total((x) => x.paid),
        amountUnfunded: total((x) => x.unfunded),
        decisions: expected.decisions.size,
        applications: expected.decisions.size,
      },
      'totals: the sums over the current decisions',
    )
    t.equal(body.totals.decisions, 8, '9 applications, one superseded by its correction: 8 current decisions')
    const interest = body.groups.filter((g: { measure: string }) => g.measure === 'interest-subsidy')
    t.same(
      interest.map((g: { prefecture: string; year: number; amountPaid: string }) => [
        g.prefecture,
        g.year,
        g.amountPaid,
      ]),
      [
        ['dali', 2021, '0.00'],
        ['kunming', 2015, '3000000.00'],
        ['qujing', 2015, '7200000.00'],
        ['qujing', 2016, '1260000.00'],
        ['yuxi', 2015, '10000000.00'],
      ],
      'interest subsidy: 6% of each investment, the correction (1 200 000 in Qujing) replacing the Kunming decision',
    )
  })

  t.test('groupings and filters', async (t) => {
    const byYear = (await report('?groupBy=year')).json()
    t.same(
      byYear.groups.map((g: { year: number }) => g.year),
      [2015, 2016, 2021],
    )
    const sum = (groups: { amountPaid: string }[]) => yuan(groups.reduce((s, g) => s + fen(g.amountPaid), 0n))
    t.equal(sum(byYear.groups), byYear.totals.amountPaid, 'totals are the sum of the groups')
    t.same(Object.keys(byYear.groups[0]).sort(), [
      'amountDue',
      'amountPaid',
      'amountUnfunded',
      'count',
      'year',
    ])

    const only2016 = (await report('?groupBy=prefecture&from=2016-01-01&to=2016-12-31')).json()
    t.same(
      only2016.groups.map((g: { prefecture: string; amountPaid: string }) => [g.prefecture, g.amountPaid]),
      [['qujing', '1260000.00']],
      'from/to on the application date: 2016 holds q-2 (60 000) and the corrected k-2 (1 200 000)',
    )
    const capped = (await report('?groupBy=measure&status=capped')).json()
    t.same(
      capped.groups.map((g: { measure: string; count: number; amountDue: string }) => [
        g.measure,
        g.count,
        g.amountDue,
      ]),
      [['interest-subsidy', 1, '0.00']],
      'status filter: the third y-1 application is capped and due nothing',
    )
    const totalsOnly = (await report('?groupBy=')).json()
    t.same(totalsOnly.groups, [], 'groupBy empty: totals only')
    t.equal(totalsOnly.totals.amountPaid, byYear.totals.amountPaid)
    const none = (await report('?from=2030-01-01')).json()
    t.same(none.totals, {
      count: 0,
      amountDue: '0.00',
      amountPaid: '0.00',
      amountUnfunded: '0.00',
      decisions: 0,
      applications: 0,
    })
  })

  t.test('CSV and XLSX: the same figures, Chinese headers, a totals row', async (t) => {
    const json = (await report('?groupBy=prefecture,year')).json()
    const csv = await report('?groupBy=prefecture,year', { accept: 'text/csv' })
    t.equal(csv.statusCode, 200)
    t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8')
    t.match(csv.headers['content-disposition'], /^attachment; filename="grants-\d{4}-\d{2}-\d{2}\.csv"$/)
    t.equal(csv.headers.vary, 'Accept, Accept-Language, Authorization')
    t.ok(csv.body.startsWith('\ufeff'), 'UTF-8 byte-order mark for Excel')
    const lines = csv.body.slice(1).trim().split('\n')
    t.equal(lines[0], '州市编号,州市,年度,笔数,应付金额（元）,已拨付金额（元）,未拨付金额（元）')
    t.equal(lines.length, json.groups.length + 2, 'header, one line per group, totals')
    t.equal(lines[1], `dali,大理白族自治州,2021,${json.groups[0].count},0.00,0.00,0.00`)
    const t0 = json.totals
    t.equal(lines.at(-1), `合计,,,${t0.count},${t0.amountDue},${t0.amountPaid},${t0.amountUnfunded}`)

    const xlsx = await report('?groupBy=prefecture,year&format=xlsx', { accept: 'text/csv' })
    t.equal(xlsx.statusCode, 200, 'format= wins over Accept')
    t.equal(xlsx.headers['content-type'], XLSX)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    const sheet = book.worksheets[0]!
    t.same((sheet.getRow(1).values as unknown[]).slice(1), [
      '州市编号',
      '州市',
      '年度',
      '笔数',
      '应付金额（元）',
      '已拨付金额（元）',
      '未拨付金额（元）',
    ])
    t.equal(sheet.rowCount, json.groups.length + 2)
    const last = sheet.getRow(sheet.rowCount)
    t.equal(last.getCell(1).value, '合计')
    for (const [column, field] of [
      [5, 'amountDue'],
      [6, 'amountPaid'],
      [7, 'amountUnfunded'],
    ] as const) {
      const cell = last.getCell(column)
      t.equal(cell.numFmt, '#,##0.00', `${field}: money format`)
      t.equal(typeof cell.value, 'number', `${field}: a number Excel can add`)
      // The double written is the one nearest the exact decimal: its shortest form is the decimal.
      t.equal((cell.value as number).toFixed(2), t0[field], `${field}: shows exactly ${t0[field]}`)
    }
    for (const [i, g] of json.groups.entries()) {
      const row = sheet.getRow(i + 2)
      t.same(
        [row.getCell(1).value, row.getCell(3).value, row.getCell(4).value],
        [g.prefecture, g.year, g.count],
      )
      t.equal((row.getCell(6).value as number).toFixed(2), g.amountPaid)
    }
  })

  t.test('content negotiation', async (t) => {
    t.match((await report('', { accept: XLSX })).headers['content-type'], XLSX)
    t.match(
      (await report('', { accept: 'text/csv;q=0.5, application/json' })).headers['content-type'],
      /json/,
    )
    t.match((await report('', { accept: 'application/json;q=0.1, text/csv' })).headers['content-type'], /csv/)
    t.match((await report('', { accept: '*/*' })).headers['content-type'], /json/)
    const refused = await report('', { accept: 'image/png' })
    t.equal(refused.statusCode, 406)
    t.match(refused.json(), { status: 406, errors: [{ header: 'accept' }] })
    t.equal((await report('?format=csv', { accept: 'image/png' })).statusCode, 200, 'format= needs no Accept')
  })

  t.test(
    'one snapshot: while decisions are stored, every report’s totals are its groups’ sums',
    async (t) => {
      // On PostgreSQL the writes and reads really interleave (a pool of connections): groups and totals
      // read outside one snapshot would disagree as soon as a decision commits between the two.
      const writes = Array.from({ length: 16 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/v1/applications',
          headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
          payload: inPrefecture(
            i % 2 ? 'lijiang' : 'baoshan',
            `s-${i}`,
            '1000000.00',
            `2015-0${1 + (i % 9)}-15`,
          ),
        }),
      )
      const reads = Array.from({ length: 12 }, () => report('?groupBy=prefecture,measure,year'))
      const answers = await Promise.all([...reads, ...writes])
      t.same(
        answers.slice(reads.length).map((w) => w.statusCode),
        writes.map(() => 201),
        'every application stored',
      )
      const reports = answers.slice(0, reads.length)
      for (const r of reports) {
        const body = r.json()
        const groups = body.groups as { count: number; amountDue: string; amountPaid: string }[]
        t.same(
          [
            groups.reduce((n, g) => n + g.count, 0),
            yuan(groups.reduce((s, g) => s + fen(g.amountDue), 0n)),
            yuan(groups.reduce((s, g) => s + fen(g.amountPaid), 0n)),
          ],
          [body.totals.count, body.totals.amountDue, body.totals.amountPaid],
          `${body.totals.decisions} decisions: totals = sum of groups`,
        )
        t.equal(body.totals.count, 12 * body.totals.decisions, 'every decision counted with its 12 outcomes')
      }
    },
  )

  t.test('roles and bad input', async (t) => {
    t.equal((await report('', {}, keys.auditor)).statusCode, 200, 'auditors read it')
    t.equal((await report('', {}, keys.enterpriseA)).statusCode, 403, 'enterprises do not')
    t.equal((await app.inject({ method: 'GET', url: '/v1/reports/grants' })).statusCode, 401)
    for (const [query, parameter] of [
      ['?groupBy=county', 'groupBy'],
      ['?groupBy=year,year', 'groupBy'],
      ['?status=paid', 'status'],
      ['?status=eligible,eligible', 'status'],
      ['?from=2015-02-30', 'from'],
      ['?from=2016-01-01&to=2015-12-31', 'to'],
      ['?format=pdf', 'format'],
      ['?extra=1', 'extra'],
    ]) {
      const r = await report(query!)
      t.equal(r.statusCode, 400, `${query}: 400`)
      t.match(r.headers['content-type'], /^application\/problem\+json/)
      t.match(r.json().errors, [{ parameter }], `names ${parameter}`)
    }
    // what the values may be, in words, not the regular expression
    const county = (await report('?groupBy=county')).json()
    t.match(county.errors[0].detail, /^必须是以逗号分隔的 prefecture、measure、year/)
    t.notMatch(county.detail, /\^|\(prefecture\|/, 'no pattern shown')
    const paid = (await report('?status=paid', { 'accept-language': 'en' })).json()
    t.match(paid.errors[0].detail, /must be outcome statuses, comma-separated: eligible, ineligible, capped/)
  })
})
