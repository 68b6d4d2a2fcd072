// Submitting, reading, listing, replaying and correcting applications through the real app.

import { sql } from 'kysely'
import t from 'tap'
import { subjectKey } from '../../src/engine/ledgers.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, ENTERPRISE_A, ENTERPRISE_B, keysFor } from '../helpers/fixtures.ts'

const projectKey = (projectId: string) =>
  subjectKey({ ledger: 'interest-subsidy', creditCode: ENTERPRISE_A, projectId })

const count = async (
  db: Awaited<ReturnType<typeof testDatabase>>,
  table: 'applications' | 'decisions' | 'audit_log',
) =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db.db)).rows[0]!.n)

t.test('applications', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const post = (key: string | null, body: unknown, idempotencyKey: string | null = crypto.randomUUID()) =>
    app.inject({
      method: 'POST',
      url: '/v1/applications?explain=full',
      headers: {
        ...(key ? bearer(key) : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      payload: body as object,
    })

  t.test('who may submit', async (t) => {
    const body = deepProcessing('p-auth', '1000000.00')
    t.equal((await post(null, body)).statusCode, 401, 'no key: 401')
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/applications?explain=full',
      headers: {
        authorization: 'Bearer yik_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        'idempotency-key': 'x',
      },
      payload: body,
    })
    t.equal(bad.statusCode, 401, 'unknown key: 401')
    t.equal((await post(keys.auditor, body)).statusCode, 403, 'auditor: 403')
    t.equal((await post(keys.enterpriseB, body)).statusCode, 403, 'another enterprise’s credit code: 403')
    const missing = await post(keys.enterpriseA, body, null)
    t.equal(missing.statusCode, 400, 'no Idempotency-Key: 400')
    t.match(missing.json().errors, [{ header: 'idempotency-key' }])
    t.equal(await count(database, 'applications'), 0, 'nothing stored')
  })

  t.test('bad input: 4xx and nothing stored', async (t) => {
    const before = await count(database, 'audit_log')
    const wrongType = await post(keys.enterpriseA, { ...deepProcessing('p-bad', '1.00'), extra: 1 })
    t.equal(wrongType.statusCode, 400)
    t.match(wrongType.json().errors, [{ pointer: '#/extra' }])
    const badCode = deepProcessing('p-bad', '1.00')
    badCode.enterprise.creditCode = '91530300MA6K5A1B2X'
    const finance = await post(keys.finance, badCode)
    t.equal(finance.statusCode, 400, 'a wrong check character is refused')
    t.match(finance.json().errors, [{ pointer: '#/enterprise/creditCode' }])
    // The detail is wholly in the request's language: Chinese by default, English on request.
    t.equal(
      finance.json().detail,
      '#/enterprise/creditCode: 统一社会信用代码的校验码为"X"，按 GB 32100 应为"G"',
    )
    const english = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID(), 'accept-language': 'en' },
      payload: badCode,
    })
    t.equal(
      english.json().detail,
      '#/enterprise/creditCode: the check character of the unified social credit code is "X"; GB 32100 gives "G"',
    )
    t.equal(english.json().errors[0].detail, english.json().detail.replace('#/enterprise/creditCode: ', ''))
    t.equal(await count(database, 'applications'), 0)
    t.equal(await count(database, 'audit_log'), before, 'no audit entry either')
  })

  t.test('an idempotent replay of an explained submission says the language it was written in', async (t) => {
    const body = deepProcessing('p-language', '1000000.00')
    const key = crypto.randomUUID()
    const send = (language: string, query = '?explain=full') =>
      app.inject({
        method: 'POST',
        url: `/v1/applications${query}`,
        headers: { ...bearer(keys.enterpriseA), 'idempotency-key': key, 'accept-language': language },
        payload: body,
      })
    const first = await send('en')
    t.equal(first.statusCode, 201)
    t.equal(first.headers['content-language'], 'en')
    t.equal(first.json().decisions[0].traceLanguage, 'en')
    const steps = first.json().decisions[0].evaluation.outcomes[0].trace.steps
    t.equal(steps[0].description, 'subsidy before the cap', 'the steps are in English')

    const retry = await send('zh-CN')
    t.equal(retry.statusCode, 201)
    t.equal(retry.body, first.body, 'the stored bytes, byte for byte')
    t.equal(retry.headers['content-language'], 'en', 'named as written, not as the retry asked')
    t.match(retry.headers.vary, /Accept-Language/)

    const summaryRetry = await send('zh-CN', '')
    t.equal(summaryRetry.body, first.body, 'the same key answers the stored bytes, whatever explain asks')
    t.equal(summaryRetry.headers['content-language'], 'en')

    // A summary holds no language-dependent text: its replay keeps the retry's language.
    const summaryKey = crypto.randomUUID()
    const summary = (language: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { ...bearer(keys.enterpriseA), 'idempotency-key': summaryKey, 'accept-language': language },
        payload: deepProcessing('p-language-summary', '1000000.00'),
      })
    const summaryFirst = await summary('en')
    t.notOk('traceLanguage' in summaryFirst.json().decisions[0], 'a summary names no trace language')
    const summaryAgain = await summary('zh-CN')
    t.equal(summaryAgain.body, summaryFirst.body)
    t.equal(summaryAgain.headers['content-language'], 'zh-CN')
  })

  const ids: string[] = []
  t.test('POLICY.md §5 examples 1–2: the cap holds across applications', async (t) => {
    const first = await post(keys.enterpriseA, deepProcessing('p-cap', '120000000.00'))
    t.equal(first.statusCode, 201)
    const a1 = first.json()
    const subsidy = (a: typeof a1) =>
      a.decisions[0].evaluation.outcomes.find((o: { measure: string }) => o.measure === 'interest-subsidy')
    t.match(subsidy(a1), { status: 'eligible', amount: '7200000.00' })
    t.match(a1.inputHash, /^[0-9a-f]{64}$/)
    t.match(a1.decisions[0].evaluation.ruleset, { id: 'yunnan-2014-industrial-transformation' })
    t.ok(
      a1.decisions[0].evaluation.parametersUsed.some(
        (p: { name: string }) => p.name === 'interestSubsidy.rate',
      ),
    )

    const second = (await post(keys.finance, deepProcessing('p-cap', '80000000.00', '2016-03-01'))).json()
    t.match(subsidy(second), { status: 'eligible', amount: '2800000.00' })
    t.same(
      second.decisions[0].history.totals,
      [{ ledger: 'interest-subsidy', key: projectKey('p-cap'), total: '7200000.00' }],
      'the history the engine saw is stored',
    )
    const third = (await post(keys.enterpriseA, deepProcessing('p-cap', '10000000.00', '2016-09-01'))).json()
    t.match(subsidy(third), { status: 'capped', amount: '0.00' })
    ids.push(a1.id, second.id, third.id)
  })

  t.test('idempotency', async (t) => {
    const body = deepProcessing('p-idem', '1000000.00')
    const first = await post(keys.enterpriseA, body, 'same-key')
    t.equal(first.statusCode, 201)
    const stored = await count(database, 'applications')
    const again = await post(keys.enterpriseA, body, 'same-key')
    t.equal(again.statusCode, 201)
    t.equal(again.body, first.body, 'the stored response, byte for byte')
    t.equal(first.headers.location, `/v1/applications/${first.json().id}`, '201 names what it created')
    t.equal(again.headers.location, first.headers.location, 'and so does its replay')
    const read = await app.inject({
      url: first.headers.location as string,
      headers: bearer(keys.enterpriseA),
    })
    t.equal(read.json().id, first.json().id)
    t.equal(await count(database, 'applications'), stored, 'nothing new stored')
    const other = await post(keys.enterpriseA, deepProcessing('p-idem', '2000000.00'), 'same-key')
    t.equal(other.statusCode, 422, 'same key, another body: 422')
    const otherCaller = await post(keys.finance, body, 'same-key')
    t.equal(otherCaller.statusCode, 201, 'keys are scoped to the caller: a new application')
    t.not(otherCaller.json().id, first.json().id)
  })

  t.test('reading: enterprises see only their own (404, not 403)', async (t) => {
    const id = ids[0]!
    t.equal(
      (await app.inject({ url: `/v1/applications/${id}`, headers: bearer(keys.enterpriseA) })).statusCode,
      200,
    )
    t.equal(
      (await app.inject({ url: `/v1/applications/${id}`, headers: bearer(keys.auditor) })).statusCode,
      200,
    )
    const other = await app.inject({ url: `/v1/applications/${id}`, headers: bearer(keys.enterpriseB) })
    t.equal(other.statusCode, 404)
    const decisionId = (
      await app.inject({ url: `/v1/applications/${id}?explain=full`, headers: bearer(keys.finance) })
    ).json().decisions[0].id
    t.equal(
      (await app.inject({ url: `/v1/decisions/${decisionId}`, headers: bearer(keys.enterpriseB) }))
        .statusCode,
      404,
    )
    const summary = await app.inject({
      url: `/v1/decisions/${decisionId}`,
      headers: bearer(keys.enterpriseA),
    })
    t.equal(summary.statusCode, 200)
    t.match(
      summary.json().evaluation.outcomes[0],
      { status: 'eligible', reasons: [] },
      'the summary by default',
    )
    t.equal(summary.json().evaluation.outcomes[0].trace, undefined, 'without the trace')
    const decision = await app.inject({
      url: `/v1/decisions/${decisionId}?explain=full`,
      headers: bearer(keys.enterpriseA),
    })
    t.equal(decision.statusCode, 200)
    t.ok(decision.json().evaluation.outcomes[0].trace.steps.length > 0, 'the full trace with explain=full')
    const preferred = await app.inject({
      url: `/v1/decisions/${decisionId}`,
      headers: { ...bearer(keys.enterpriseA), prefer: 'return=representation; explain=full' },
    })
    t.same(preferred.json(), decision.json(), 'Prefer: explain=full asks for the same')
    t.equal(preferred.headers['preference-applied'], 'explain=full', 'and says it was applied (RFC 7240)')
    t.equal(decision.headers['preference-applied'], undefined, 'a query parameter is no preference')
    const preferredApplication = await app.inject({
      url: `/v1/applications/${summary.json().applicationId}`,
      headers: { ...bearer(keys.enterpriseA), prefer: 'return=representation; explain=full' },
    })
    t.equal(preferredApplication.statusCode, 200)
    t.equal(preferredApplication.headers['preference-applied'], 'explain=full')
    t.ok(preferredApplication.json().decisions[0].evaluation.outcomes[0].trace, 'with the trace')
    const listB = await app.inject({ url: '/v1/applications', headers: bearer(keys.enterpriseB) })
    t.same(listB.json().items, [], 'B lists nothing of A’s')
    const sneaky = await app.inject({
      url: `/v1/applications?enterprise=91530300MA6K5A1B2G`,
      headers: bearer(keys.enterpriseB),
    })
    t.same(sneaky.json().items, [])
    t.equal(
      (await app.inject({ url: '/v1/applications', headers: bearer(keys.admin) })).statusCode,
      403,
      'admin: 403',
    )
  })

  t.test('listing: filters and cursor pagination', async (t) => {
    const page1 = (
      await app.inject({ url: '/v1/applications?project=p-cap&limit=2', headers: bearer(keys.finance) })
    ).json()
    t.equal(page1.items.length, 2)
    t.same(
      page1.items.map((i: { id: string }) => i.id),
      [ids[2], ids[1]],
      'newest first',
    )
    const page2 = (
      await app.inject({
        url: `/v1/applications?project=p-cap&limit=2&cursor=${page1.nextCursor}`,
        headers: bearer(keys.finance),
      })
    ).json()
    t.same(
      page2.items.map((i: { id: string }) => i.id),
      [ids[0]],
    )
    t.equal(page2.nextCursor, null)
    const capped = (
      await app.inject({
        url: '/v1/applications?measure=interest-subsidy&status=capped',
        headers: bearer(keys.auditor),
      })
    ).json()
    t.same(
      capped.items.map((i: { id: string }) => i.id),
      [ids[2]],
    )
    const bad = await app.inject({ url: '/v1/applications?limit=1000', headers: bearer(keys.finance) })
    t.equal(bad.statusCode, 400)
    t.match(bad.json().errors, [{ parameter: 'limit' }])
  })

  t.test('listing by prefecture and year: keyset pages hold exactly the matches', async (t) => {
    const stored: { id: string; prefecture: string; year: number }[] = []
    for (const [i, [prefecture, date]] of (
      [
        ['lijiang', '2015-02-01'],
        ['baoshan', '2015-03-01'],
        ['lijiang', '2016-04-01'],
        ['lijiang', '2015-05-01'],
        ['baoshan', '2016-06-01'],
        ['lijiang', '2015-07-01'],
      ] as const
    ).entries()) {
      const facts = deepProcessing(`p-where-${i}`, '1000000.00', date)
      const r = await post(keys.finance, { ...facts, project: { ...facts.project!, prefecture } })
      t.equal(r.statusCode, 201)
      stored.push({ id: r.json().id, prefecture, year: Number(date.slice(0, 4)) })
    }
    const list = async (query: string) => {
      const items: { id: string; prefecture: string; year: number; measures: string[] }[] = []
      let cursor: string | null = null
      do {
        const page: { items: typeof items; nextCursor: string | null } = (
          await app.inject({
            url: `/v1/applications?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
            headers: bearer(keys.auditor),
          })
        ).json()
        items.push(...page.items)
        cursor = page.nextCursor
      } while (cursor !== null)
      return items
    }
    const expected = (p: (s: (typeof stored)[number]) => boolean) =>
      stored
        .filter(p)
        .map((s) => s.id)
        .reverse()
    const lijiang2015 = await list('prefecture=lijiang&year=2015')
    t.same(
      lijiang2015.map((i) => i.id),
      expected((s) => s.prefecture === 'lijiang' && s.year === 2015),
      'both filters, newest first, across pages of 2',
    )
    t.match(lijiang2015[0], { prefecture: 'lijiang', year: 2015, measures: ['interest-subsidy'] })
    t.same(
      (await list('prefecture=baoshan')).map((i) => i.id),
      expected((s) => s.prefecture === 'baoshan'),
    )
    t.same(
      (await list('prefecture=lijiang&year=2016&measure=interest-subsidy&status=eligible')).map((i) => i.id),
      expected((s) => s.prefecture === 'lijiang' && s.year === 2016),
      'with the outcome filters',
    )
    t.same(await list('prefecture=lijiang&year=2014'), [])
    // Its GB/T 2260 code or Chinese name, as every prefecture input (README "Prefectures").
    for (const spelling of ['530700', '丽江市', '丽江'])
      t.same(
        (await list(`prefecture=${encodeURIComponent(spelling)}&year=2015`)).map((i) => i.id),
        lijiang2015.map((i) => i.id),
        `prefecture=${spelling}`,
      )
    for (const [query, parameter] of [
      ['prefecture=springfield', 'prefecture'],
      ['year=15', 'year'],
      ['from=2020-01-01&to=2015-01-01', 'to'],
    ]) {
      const bad = await app.inject({ url: `/v1/applications?${query}`, headers: bearer(keys.finance) })
      t.equal(bad.statusCode, 400)
      t.match(bad.json().errors, [{ parameter }])
    }
  })

  t.test('replay reproduces every stored decision', async (t) => {
    for (const id of ids) {
      const a = (
        await app.inject({ url: `/v1/applications/${id}?explain=full`, headers: bearer(keys.auditor) })
      ).json()
      const replay = await app.inject({
        method: 'POST',
        url: `/v1/decisions/${a.decisions[0].id}/replay`,
        headers: bearer(keys.auditor),
      })
      t.equal(replay.statusCode, 200)
      t.equal(replay.json().identical, true, `decision of ${id} reproduced`)
      t.same(replay.json().differences, [])
      const current = await app.inject({
        method: 'POST',
        url: `/v1/decisions/${a.decisions[0].id}/replay?ruleset=current`,
        headers: bearer(keys.auditor),
      })
      t.equal(current.json().against, 'current')
    }
    // A client that sends `Content-Type: application/json` on every POST, with nothing to send:
    // replay takes no body, so it answers as without the header (before: 400, empty JSON body).
    const a = (await app.inject({ url: `/v1/applications/${ids[0]}`, headers: bearer(keys.auditor) })).json()
    const typed = await app.inject({
      method: 'POST',
      url: `/v1/decisions/${a.decisions[0].id}/replay`,
      headers: { ...bearer(keys.auditor), 'content-type': 'application/json' },
      payload: '',
    })
    t.equal(typed.statusCode, 200, typed.body)
    t.equal(typed.json().identical, true, 'replayed with an empty JSON body')
  })

  t.test('a correction supersedes, both stay readable, the ledger follows', async (t) => {
    const original = (
      await app.inject({ url: `/v1/applications/${ids[0]}?explain=full`, headers: bearer(keys.finance) })
    ).json()
    const decisionId = original.decisions[0].id
    const facts = deepProcessing('p-cap', '100000000.00')
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: `/v1/decisions/${decisionId}/corrections`,
          headers: { ...bearer(keys.enterpriseA), 'idempotency-key': 'c-0' },
          payload: { reason: 'investment was mistyped' },
        })
      ).statusCode,
      403,
      'enterprises cannot correct',
    )
    const correct = (key: string, payload: unknown) =>
      app.inject({
        method: 'POST',
        url: `/v1/decisions/${decisionId}/corrections`,
        headers: { ...bearer(keys.finance), 'idempotency-key': key },
        payload: payload as object,
      })
    t.equal(
      (await correct('', { reason: 'no key' })).statusCode,
      400,
      'a correction needs an Idempotency-Key, as a submission does',
    )
    const corrected = await correct('c-1', { reason: 'investment was mistyped: 100 000 000.00', facts })
    t.equal(corrected.statusCode, 201)
    const retried = await correct('c-1', { reason: 'investment was mistyped: 100 000 000.00', facts })
    t.equal(retried.statusCode, 201, 'a retried correction replays its response…')
    t.equal(retried.body, corrected.body, '…byte for byte, and decides nothing again')
    t.equal(
      corrected.headers.location,
      `/v1/applications/${corrected.json().id}`,
      'the corrected application',
    )
    t.equal(retried.headers.location, corrected.headers.location)
    t.equal(
      (await correct('c-1', { reason: 'another reason', facts })).statusCode,
      422,
      'the same key with another body: 422',
    )
    const d = corrected.json().decisions[0]
    t.equal(d.supersedes, decisionId)
    t.equal(d.correctionReason, 'investment was mistyped: 100 000 000.00')
    // 7 200 000 given back, then 2 800 000 + 0 still granted → 7 200 000 left: 6 000 000 fits.
    t.match(
      d.evaluation.outcomes.find((o: { measure: string }) => o.measure === 'interest-subsidy'),
      { status: 'eligible', amount: '6000000.00' },
    )
    const old = (
      await app.inject({ url: `/v1/decisions/${decisionId}?explain=full`, headers: bearer(keys.auditor) })
    ).json()
    t.equal(old.supersededBy, d.id, 'the old decision is still readable and says what superseded it')
    const twice = await correct('c-2', { reason: 'again' })
    t.equal(twice.statusCode, 409)
    const total = await sql<{
      total: string
    }>`select total from ledger_subjects where ledger = 'interest-subsidy' and key = ${projectKey('p-cap')}`.execute(
      database.db,
    )
    t.equal(total.rows[0]!.total, '8800000.00', '2 800 000.00 + 6 000 000.00')
  })

  t.test('the audit trail of all of the above verifies: chain and entity hashes', async (t) => {
    const verify = await app.inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })
    t.equal(verify.statusCode, 200)
    t.match(verify.json(), { valid: true, first_bad_seq: null })
    const actions = await sql<{ action: string; n: string }>`
      select action, count(*) as n from audit_log group by action order by action`.execute(database.db)
    const counts = Object.fromEntries(actions.rows.map((r) => [r.action, Number(r.n)]))
    t.equal(counts['application.created'], await count(database, 'applications'), 'one entry per application')
    t.equal(
      (counts['decision.made'] ?? 0) + (counts['decision.superseded'] ?? 0),
      await count(database, 'decisions'),
      'one entry per decision',
    )
    t.ok(
      counts['ledger.granted']! > 0 && counts['ledger.reversed']! > 0,
      'ledger grants and reversals audited',
    )
  })

  t.test('unknown ids: 404; malformed ids: 400', async (t) => {
    t.equal(
      (await app.inject({ url: `/v1/applications/${crypto.randomUUID()}`, headers: bearer(keys.finance) }))
        .statusCode,
      404,
    )
    t.equal(
      (await app.inject({ url: '/v1/applications/nope', headers: bearer(keys.finance) })).statusCode,
      400,
    )
    t.equal(ENTERPRISE_B.length, 18)
  })
})
