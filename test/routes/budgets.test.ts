// Budget pools (POLICY.md §3): set and read by the finance bureau, drawn by approvals in submission
// order, `unfunded` once spent (amount due, nothing paid), reproduced by replay, funded by a top-up
// in queue order exactly once. Runs on PGlite by default and on PostgreSQL with TEST_DATABASE_URL.

import { sql } from 'kysely'
import t from 'tap'
import { subjectKey } from '../../src/engine/ledgers.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

type Outcome = { measure: string; status: string; amount: string | null; reasons: { code: string }[] }

t.test('budget pools', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)
  let n = 0

  const submit = async (project: string, investment: string, date = '2015-06-01') => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...finance, 'idempotency-key': `budget-${++n}` },
      payload: deepProcessing(project, investment, date),
    })
    t.equal(r.statusCode, 201, `application ${project} stored`)
    const decision = r.json().decisions[0]
    const outcome: Outcome = decision.evaluation.outcomes.find(
      (o: Outcome) => o.measure === 'interest-subsidy',
    )
    return { decision, outcome, totalAmount: decision.evaluation.totalAmount as string }
  }
  const put = (path: string, payload: object, key = keys.finance) =>
    app.inject({ method: 'PUT', url: `/v1/budgets/${path}`, headers: bearer(key), payload })
  const list = async (year: string) => {
    const r = await app.inject({
      method: 'GET',
      url: `/v1/budgets?year=${year}`,
      headers: bearer(keys.auditor),
    })
    t.equal(r.statusCode, 200)
    return r.json().budgets as {
      measure: string
      prefecture: string | null
      amount: string
      drawn: string
      remaining: string
      queue: { count: number; amount: string }
      note: string | null
    }[]
  }

  t.test('bad input is a 400 naming the field; roles are enforced', async (t) => {
    const cases: [string, object, string][] = [
      ['20x5/interest-subsidy', { amount: '1.00' }, 'year'],
      ['1800/interest-subsidy', { amount: '1.00' }, 'year'],
      ['2015/no-such-measure', { amount: '1.00' }, 'measure'],
      ['2015/land-price-ceiling', { amount: '1.00' }, 'measure'],
      ['2015/interest-subsidy/atlantis', { amount: '1.00' }, 'prefecture'],
      ['2015/interest-subsidy', { amount: '-5.00' }, 'amount'],
      ['2015/interest-subsidy', { amount: '5.5' }, 'amount'],
      ['2015/interest-subsidy', { amount: 5 }, 'amount'],
      ['2015/interest-subsidy', {}, 'amount'],
      ['2015/interest-subsidy', { amount: '1.00', extra: true }, 'extra'],
    ]
    for (const [path, body, field] of cases) {
      const r = await put(path, body)
      t.equal(r.statusCode, 400, `${path} ${JSON.stringify(body)} → 400`)
      t.match(r.headers['content-type'], /application\/problem\+json/)
      t.match(r.body, field, `the problem names ${field}`)
    }
    t.equal((await put('2015/interest-subsidy', { amount: '1.00' }, keys.auditor)).statusCode, 403)
    t.equal((await put('2015/interest-subsidy', { amount: '1.00' }, keys.enterpriseA)).statusCode, 403)
    // The role is checked before the body: a caller without it learns nothing about the schema.
    t.equal((await put('2015/interest-subsidy', { amount: '1.005' }, keys.auditor)).statusCode, 403)
    const anonymous = await app.inject({
      method: 'PUT',
      url: '/v1/budgets/2015/interest-subsidy',
      payload: { amount: '1.005' },
    })
    t.equal(anonymous.statusCode, 401, 'no key, a bad body: 401, not 400')
    const get = await app.inject({ method: 'GET', url: '/v1/budgets', headers: bearer(keys.enterpriseA) })
    t.equal(get.statusCode, 403, 'enterprises do not read budgets')
    t.same(await list('2015'), [], 'nothing was set by refused requests')
  })

  t.test('no budget: no limit, and no budget in the history', async (t) => {
    const { decision, outcome } = await submit('p-free', '1000000.00', '2017-03-01')
    t.equal(outcome.status, 'eligible')
    t.equal(outcome.amount, '60000.00')
    t.notOk(decision.history?.budgets, 'the history holds no budget')
  })

  // 6% of 1 000 000.00 = 60 000.00 due per application; 150 000.00 pays two of them.
  const queued: { decisionId: string; project: string; amount: string }[] = []
  const fundedBy: string[] = []
  t.test('approvals draw the budget; then outcomes are unfunded and queue in order', async (t) => {
    const set = await put('2015/interest-subsidy', { amount: '150000.00', note: 'appropriation 2015-01' })
    t.equal(set.statusCode, 200)
    t.match(set.json(), {
      budget: { amount: '150000.00', drawn: '0.00', remaining: '150000.00', queue: { count: 0 } },
      change: { amount: '150000.00', previousAmount: null, note: 'appropriation 2015-01' },
      funded: [],
    })

    for (const p of ['p-1', 'p-2']) {
      const { outcome, totalAmount } = await submit(p, '1000000.00')
      t.equal(outcome.status, 'eligible')
      t.equal(totalAmount, '60000.00')
    }
    const third = await submit('p-3', '1000000.00')
    t.equal(third.outcome.status, 'unfunded', 'the third no longer fits: unfunded')
    t.equal(third.outcome.amount, '60000.00', 'the amount is the amount due')
    t.equal(third.totalAmount, '0.00', 'nothing is paid')
    t.same(
      third.outcome.reasons.map((r) => r.code),
      ['BUDGET_EXHAUSTED'],
    )
    t.match(third.decision.history.budgets, [{ amount: '150000.00', drawn: '120000.00', queued: 0 }])
    queued.push({ decisionId: third.decision.id, project: 'p-3', amount: '60000.00' })

    // 6 000.00 would fit the 30 000.00 left, but an earlier outcome waits: submission order.
    const fourth = await submit('p-4', '100000.00')
    t.equal(fourth.outcome.status, 'unfunded')
    t.equal(fourth.outcome.amount, '6000.00')
    t.same(
      fourth.outcome.reasons.map((r) => r.code),
      ['BUDGET_QUEUE'],
    )
    queued.push({ decisionId: fourth.decision.id, project: 'p-4', amount: '6000.00' })

    const [budget] = await list('2015')
    t.match(budget, {
      measure: 'interest-subsidy',
      prefecture: null,
      amount: '150000.00',
      drawn: '120000.00',
      remaining: '30000.00',
      queue: { count: 2, amount: '66000.00' },
      note: 'appropriation 2015-01',
    })
    // The project ledgers were not drawn by the unfunded outcomes.
    const projectTotal = await sql<{ total: string }>`
      select total from ledger_subjects where ledger = 'interest-subsidy'
      and key = ${subjectKey({ ledger: 'interest-subsidy', creditCode: '91530300MA6K5A1B2G', projectId: 'p-3' })}`.execute(
      database.db,
    )
    t.equal(projectTotal.rows[0]?.total ?? '0.00', '0.00', 'an unfunded outcome claims nothing')
  })

  t.test('a replay of an unfunded decision reproduces it', async (t) => {
    for (const q of queued) {
      const r = await app.inject({
        method: 'POST',
        url: `/v1/decisions/${q.decisionId}/replay`,
        headers: finance,
      })
      t.equal(r.statusCode, 200)
      t.equal(r.json().identical, true, `${q.project}: identical`)
      t.match(
        r.json().measures.find((m: { measure: string }) => m.measure === 'interest-subsidy'),
        {
          stored: { status: 'unfunded', amount: q.amount },
          replayed: { status: 'unfunded', amount: q.amount },
        },
      )
    }
  })

  t.test('an amount below what was drawn is 409, and changes nothing', async (t) => {
    const r = await put('2015/interest-subsidy', { amount: '100000.00' })
    t.equal(r.statusCode, 409)
    t.match(r.json(), { type: '/problems/budget-below-drawn', errors: [{ pointer: '#/amount' }] })
    t.match((await list('2015'))[0], { amount: '150000.00', queue: { count: 2 } })
  })

  t.test('a top-up funds the queue in submission order, as corrections', async (t) => {
    // 200 000.00 − 120 000.00 = 80 000.00: the 60 000.00 then the 6 000.00.
    const r = await put('2015/interest-subsidy', { amount: '200000.00', note: 'supplementary' })
    t.equal(r.statusCode, 200)
    const body = r.json()
    t.same(
      body.funded.map((f: { supersededDecisionId: string; amount: string }) => [
        f.supersededDecisionId,
        f.amount,
      ]),
      queued.map((q) => [q.decisionId, q.amount]),
      'both queued outcomes funded, in submission order',
    )
    t.match(body.budget, {
      amount: '200000.00',
      drawn: '186000.00',
      remaining: '14000.00',
      queue: { count: 0 },
    })
    t.match(body.change, { previousAmount: '150000.00', amount: '200000.00' })
    for (const f of body.funded) {
      fundedBy.push(f.decisionId)
      const d = await app.inject({ method: 'GET', url: `/v1/decisions/${f.decisionId}`, headers: finance })
      t.equal(d.json().supersedes, f.supersededDecisionId, 'the new decision supersedes the queued one')
      const o = d.json().evaluation.outcomes.find((x: Outcome) => x.measure === 'interest-subsidy')
      t.equal(o.status, 'eligible')
      t.match(d.json().correctionReason, /budget top-up/)
    }
    // The ledger equals the sum of current decisions' paid outcomes.
    const paid = await sql<{ sum: string }>`
      select coalesce(sum(o.amount), 0)::numeric(18, 2)::text as sum
      from decision_outcomes o join decisions d on d.id = o.decision_id join applications a on a.id = d.application_id
      where o.measure = 'interest-subsidy' and o.status = 'eligible' and a.application_date between '2015-01-01' and '2015-12-31'
        and not exists (select 1 from decisions n where n.supersedes = d.id)`.execute(database.db)
    t.equal(paid.rows[0]!.sum, '186000.00', 'drawn = the sum of what current decisions pay')

    const again = await put('2015/interest-subsidy', { amount: '200000.00', note: 'supplementary' })
    t.equal(again.statusCode, 200)
    t.same(again.json().funded, [], 'the same PUT again funds nothing twice')
    t.equal(again.json().change, null, 'and records no change')
  })

  t.test("a prefecture's budget pays its applications instead of the province-wide one", async (t) => {
    t.equal((await put('2016/interest-subsidy', { amount: '9000000.00' })).statusCode, 200)
    t.equal((await put('2016/interest-subsidy/qujing', { amount: '0.00' })).statusCode, 200)
    const { outcome, decision } = await submit('p-qj', '1000000.00', '2016-02-01')
    t.equal(outcome.status, 'unfunded', "Qujing's own budget (0.00) applies")
    t.same(
      decision.history.budgets.map((b: { prefecture: string | null }) => b.prefecture),
      ['qujing'],
      'only the budget that applies is in the history',
    )
    const budgets = await list('2016')
    t.same(
      budgets.map((b) => [b.prefecture, b.drawn, b.queue.count]),
      [
        [null, '0.00', 0],
        ['qujing', '0.00', 1],
      ],
      'province-wide first; only the Qujing budget was drawn on',
    )
  })

  t.test(
    "a prefecture's budget is not created while its applications' outcomes wait province-wide",
    async (t) => {
      // Qujing's outcomes wait in the province-wide queue (no Qujing budget yet). A Qujing budget created
      // now would pay Qujing's later applications before them, and a province-wide top-up would then
      // fund them with Qujing's money (a correction draws the budget that applies when it is decided):
      // 409, nothing changed. Funded province-wide first, the Qujing budget can be created.
      t.equal((await put('2017/interest-subsidy', { amount: '0.00' })).statusCode, 200)
      const first = await submit('p17-1', '10000000.00', '2017-03-01')
      const second = await submit('p17-2', '10000000.00', '2017-03-02')
      t.same(
        [first.outcome.status, second.outcome.status],
        ['unfunded', 'unfunded'],
        'the province budget is spent',
      )

      const refused = await put('2017/interest-subsidy/qujing', { amount: '10000000.00' })
      t.equal(refused.statusCode, 409)
      t.match(refused.json(), {
        type: '/problems/budget-prefecture-outcomes-waiting',
        status: 409,
        detail: /^2项曲靖市申请的结果（应付1200000\.00）/,
      })
      const budgets = () =>
        list('2017').then((all) => all.map((b) => [b.prefecture, b.amount, b.drawn, b.queue.count]))
      t.same(await budgets(), [[null, '0.00', '0.00', 2]], 'no Qujing budget; both still wait province-wide')

      const province = await put('2017/interest-subsidy', { amount: '1200000.00' })
      t.same(
        province.json().funded.map((f: { supersededDecisionId: string }) => f.supersededDecisionId),
        [first.decision.id, second.decision.id],
        'funded province-wide, in submission order',
      )
      t.equal((await put('2017/interest-subsidy/qujing', { amount: '10000000.00' })).statusCode, 200)
      const third = await submit('p17-3', '10000000.00', '2017-04-01')
      t.same([third.outcome.status, third.outcome.amount], ['eligible', '600000.00'], 'paid by Qujing now')
      t.same(await budgets(), [
        [null, '1200000.00', '1200000.00', 0],
        ['qujing', '10000000.00', '600000.00', 0],
      ])
      t.equal(
        (await put('2017/interest-subsidy/qujing', { amount: '11000000.00' })).statusCode,
        200,
        'raising an existing prefecture budget is never refused for it',
      )
    },
  )

  t.test('a prefecture in the path by its code or Chinese name is the same budget', async (t) => {
    const byName = await put(`2018/interest-subsidy/${encodeURIComponent('曲靖')}`, { amount: '100.00' })
    t.equal(byName.statusCode, 200)
    t.match(byName.json().budget, { prefecture: 'qujing', amount: '100.00' })
    const byCode = await put('2018/interest-subsidy/530300', { amount: '200.00' })
    t.match(byCode.json(), {
      budget: { prefecture: 'qujing', amount: '200.00' },
      change: { previousAmount: '100.00' },
    })
    t.same(
      (await list('2018')).map((b) => [b.prefecture, b.amount]),
      [['qujing', '200.00']],
      'one budget, stored under the id',
    )
  })

  t.test('one budget is read at the address it was set at; none set is 404', async (t) => {
    const get = (path: string, key = keys.auditor, language = 'en') =>
      app.inject({ url: `/v1/budgets/${path}`, headers: { ...bearer(key), 'accept-language': language } })
    const listed = (await list('2018')).find((b) => b.prefecture === 'qujing')
    const byName = await get(`2018/interest-subsidy/${encodeURIComponent('曲靖市')}`)
    t.equal(byName.statusCode, 200)
    t.same(byName.json(), listed, "the prefecture's budget, as GET /v1/budgets lists it")
    t.equal((await get('2018/interest-subsidy/qujing', keys.finance)).statusCode, 200, 'finance reads it too')
    const none = await get('2018/interest-subsidy')
    t.equal(none.statusCode, 404)
    t.match(none.json().detail, /^No 2018 budget of interest-subsidy province-wide is set/)
    t.match(
      (await get('2018/interest-subsidy/yuxi', keys.auditor, 'zh')).json().detail,
      /^2018年度未设立interest-subsidy的玉溪市预算/,
    )
    t.equal(
      (await get('2018/interest-subsidy/qujing', keys.enterpriseA)).statusCode,
      403,
      'not an enterprise',
    )
    const bad = await get('18/interest-subsidy')
    t.equal(bad.statusCode, 400)
    t.match(bad.json().errors, [{ parameter: 'year', detail: 'must be a year from 1900 to 2999' }])
  })

  t.test('every change is audited and the log verifies', async (t) => {
    const r = await app.inject({
      method: 'GET',
      url: '/v1/audit/entries?entity=budget-change',
      headers: bearer(keys.auditor),
    })
    t.equal(r.statusCode, 200)
    const entries = r.json().entries
    t.equal(
      entries.filter((e: { action: string }) => e.action === 'budget.set').length,
      10,
      'ten changes: 150 000.00, 200 000.00, the two budgets of 2016, the four of 2017 (the Qujing budget refused with 409 changed nothing) and the two of 2018',
    )
    for (const id of fundedBy) {
      const d = await app.inject({
        method: 'GET',
        url: `/v1/audit/entries?entity=decision:${id}`,
        headers: bearer(keys.auditor),
      })
      t.same(
        d.json().entries.map((e: { action: string }) => e.action),
        ['decision.superseded'],
        'the funding correction is audited like any correction',
      )
    }
    const verify = await app.inject({ method: 'GET', url: '/v1/audit/verify', headers: bearer(keys.auditor) })
    t.equal(verify.json().valid, true)
  })
})
