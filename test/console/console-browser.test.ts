// The web console in a real browser (Debian's Chromium through playwright-core): sign in as each
// role, find a decision, read its trace (a clause, a condition, an amount), replay it, verify the
// audit chain (also against a downloaded checkpoint), tamper with the log as a database superuser and
// see the first bad entry, switch the language, export totals, run a batch from the XLSX template
// (upload, progress, row errors, results). Every page at 1280×800 and 390×844,
// with no horizontal overflow, and any console error or page error fails the test.
// One browser for the whole file; one context (tab session) per role.
// CONSOLE_SCREENSHOTS=1 writes a screenshot of each page to docs/console/ (committed; README
// "Console").
// Waits on routes other branches add: GET /v1/keys/{id} (decided-by labels), GET
// /v1/reports/grants (totals, export), GET /v1/budgets (budget use).

import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { createApiKey } from '../../src/db/keys-repository.ts'
import { testApp } from '../helpers/app.ts'
import { sealedBatch } from '../helpers/batches.ts'
import { testDatabase } from '../helpers/database.ts'
import { deepProcessing, ENTERPRISE_A, ENTERPRISE_B } from '../helpers/fixtures.ts'
import { applicationOf, EXAMPLES } from '../helpers/requests.ts'

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const missing = !existsSync(CHROMIUM)
if (missing && process.env['CI'] === 'true') t.fail(`no Chromium at ${CHROMIUM} (apt-get install chromium)`)
const SCREENSHOTS = process.env['CONSOLE_SCREENSHOTS']
  ? join(import.meta.dirname, '..', '..', 'docs', 'console')
  : null
/** What the test reads in the page (its TypeScript has no DOM types). */
interface InPage {
  document: { documentElement: { scrollWidth: number } }
  innerWidth: number
  sessionStorage: { getItem(key: string): string | null }
}
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } }

t.test('the console', { skip: missing && `no Chromium at ${CHROMIUM}` }, async (t) => {
  const started = Date.now()
  const elapsed = (what: string) => t.comment(`${what}: ${Date.now() - started} ms`)
  const database = await testDatabase(t)
  const { db } = database
  const app = await testApp(t, database)
  const key = async (
    role: 'enterprise' | 'finance' | 'auditor' | 'admin',
    label: string,
    enterprise?: string,
  ) => (await createApiKey(db, { role, label, enterprise: enterprise ?? null }, 'system')).key
  const keys = {
    finance: await key('finance', '财政厅 finance'),
    auditor: await key('auditor', '审计厅 auditor'),
    enterprise: await key('enterprise', '曲靖企业 portal', ENTERPRISE_A),
    admin: await key('admin', 'root admin'),
  }

  // Applications: the §18 interest subsidy (POLICY.md §5 ex. 1: 6% × 120 000 000.00 = 7 200 000.00)
  // for enterprise A in Qujing, the land price ceiling for enterprise B in Kunming, and a correction of
  // A's decision.
  const submit = async (application: unknown) => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { authorization: `Bearer ${keys.finance}`, 'idempotency-key': randomUUID() },
      payload: application as Record<string, unknown>,
    })
    t.equal(r.statusCode, 201, 'application stored')
    return r.json()
  }
  const subsidy = await submit(applicationOf(ENTERPRISE_A))
  const land = EXAMPLES.find((e) => e.name === 'land-price-ceiling.json')!.body.application
  await submit({
    ...land,
    enterprise: { ...(land['enterprise'] as object), creditCode: ENTERPRISE_B },
    project: { ...(land['project'] as object), prefecture: 'kunming' },
  })
  const original = subsidy.decisions[0].id as string
  const corrected = await app.inject({
    method: 'POST',
    url: `/v1/decisions/${original}/corrections`,
    headers: { authorization: `Bearer ${keys.finance}`, 'idempotency-key': randomUUID() },
    payload: { reason: '复核更正 recomputed after review' },
  })
  t.equal(corrected.statusCode, 201, 'correction stored')
  const current = corrected.json().decisions.at(-1).id as string

  elapsed('database, app and data')
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/console/`

  const { chromium } = await import('playwright-core')
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  t.teardown(() => browser.close())
  elapsed('browser launched')
  if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true })

  /** A signed-in tab for a role; console errors and page errors are collected for `clean`. */
  const session = async (role: keyof typeof keys) => {
    const context: BrowserContext = await browser.newContext({
      viewport: VIEWPORTS.desktop,
      acceptDownloads: true,
    })
    // A missing element fails in seconds, not after playwright's default 30 s.
    context.setDefaultTimeout(5_000)
    const page = await context.newPage()
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`)
    })
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
    await page.goto(base)
    await page.fill('#api-key', keys[role])
    await page.click('#sign-in button[type=submit]')
    await page.waitForSelector(role === 'admin' ? '.note' : '#log table, #log .muted')
    return { page, context, errors }
  }

  /** Both viewports: nothing wider than the screen (tables scroll in their own box); a screenshot each. */
  const fits = async (t: Test, page: Page, name: string) => {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport)
      // Functions, not strings: the CSP (no 'unsafe-eval') refuses evaluating a string in the page.
      const overflow = await page.evaluate(() => {
        const w = globalThis as unknown as InPage
        return w.document.documentElement.scrollWidth - w.innerWidth
      })
      t.ok(
        Number(overflow) <= 0,
        `${name} fits ${viewport.width}×${viewport.height} (overflow ${overflow}px)`,
      )
      if (SCREENSHOTS)
        await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`), fullPage: true })
    }
    await page.setViewportSize(VIEWPORTS.desktop)
  }
  /** No console error or page error since the last check. */
  const clean = (t: Test, errors: string[]) => t.same(errors.splice(0), [], 'no console error, no page error')
  const text = (page: Page, selector: string) => page.locator(selector).first().innerText()

  const auditor = await session('auditor')
  const finance = await session('finance')
  elapsed('signed in twice')

  t.test('sign in as each role', async (t) => {
    for (const [role, label] of [
      ['auditor', '审计厅 auditor · 审计'],
      ['finance', '财政厅 finance · 财政'],
    ] as const) {
      const { page, errors } = role === 'auditor' ? auditor : finance
      t.equal(await text(page, '#who'), label, `${role}: the key's label and role`)
      t.ok(await page.locator('#nav a[href="#/audit"]').isVisible(), `${role} sees the audit page`)
      t.equal(await page.locator('#log tbody tr').count(), 2, `${role} sees both applications`)
      clean(t, errors)
    }
    await fits(t, auditor.page, 'decision-log')

    const enterprise = await session('enterprise')
    t.teardown(() => enterprise.context.close())
    t.match(await text(enterprise.page, '#who'), `曲靖企业 portal · 企业 · ${ENTERPRISE_A}`)
    t.notOk(
      await enterprise.page.locator('#nav a[href="#/audit"]').isVisible(),
      'no audit page for an enterprise',
    )
    const codes = await enterprise.page.locator('#log tbody tr td:nth-child(2)').allInnerTexts()
    t.same(codes, [ENTERPRISE_A], 'an enterprise sees its own application only')
    t.equal(await enterprise.page.locator('input[name=enterprise]').count(), 0, 'no enterprise filter for it')
    t.equal(
      await enterprise.page.evaluate(() =>
        (globalThis as unknown as InPage).sessionStorage.getItem('console.apiKey'),
      ),
      keys.enterprise,
      'the key is in sessionStorage',
    )
    t.notMatch(enterprise.page.url(), /yik_/, 'never in the URL')
    clean(t, enterprise.errors)

    const admin = await session('admin')
    t.teardown(() => admin.context.close())
    t.match(await text(admin.page, '.note'), /\/v1\/keys/, 'an admin key is told what it is for')
    clean(t, admin.errors)

    const stranger = await browser.newPage()
    t.teardown(() => stranger.close())
    await stranger.goto(base)
    await stranger.fill('#api-key', 'yik_notakey_0000')
    await stranger.click('#sign-in button[type=submit]')
    // The 401 is the answer being tested: Chromium logs it as a failed resource, so no clean() here.
    t.equal(await stranger.locator('#sign-in [role=alert]').innerText(), '密钥无效', 'a bad key is refused')
  })

  t.test('keyset paging', async (t) => {
    const { page, errors } = auditor
    await page.goto(`${base}#/decisions?limit=1`)
    await page.locator('#more').waitFor()
    t.equal(await page.locator('#log tbody tr').count(), 1, 'a page of one')
    await page.click('#more')
    await page.locator('#log table').nth(1).waitFor()
    t.same(
      await page.locator('#log tbody tr td:nth-child(2)').allInnerTexts(),
      [ENTERPRISE_B, ENTERPRISE_A],
      'the next page, newest first, nothing twice',
    )
    t.equal(await page.locator('#more').count(), 0, 'no page after the last')
    clean(t, errors)
  })

  t.test('find a decision, with who decided (needs GET /v1/keys/{id})', async (t) => {
    const { page, errors } = auditor
    await page.goto(`${base}#/decisions`)
    await page.waitForSelector('#log table')
    await page.selectOption('#filters select[name=measure]', 'interest-subsidy')
    await page.selectOption('#filters select[name=status]', 'eligible')
    await page.fill('#filters input[name=enterprise]', ENTERPRISE_A)
    await page.click('#filters button[type=submit]')
    await page.waitForSelector(`#log a[data-decision="${current}"]`)
    t.equal(await page.locator('#log tbody tr').count(), 1, 'the filters find the one application')
    t.match(
      page.url(),
      `#/decisions?enterprise=${ENTERPRISE_A}`,
      'the search is in the address (not the key)',
    )
    t.notMatch(page.url(), /yik_/)
    const row = page.locator('#log tbody tr').first()
    t.match(
      await row.locator('[data-measure=interest-subsidy]').innerText(),
      /精深加工、延长产业链项目贴息补助\s*符合\s*7,200,000\.00/,
    )
    await row.locator('.key[data-role], .key[data-unresolved]').waitFor()
    t.equal(await row.locator('.key').innerText(), '财政厅 finance · 财政', 'decided by: key label and role')
    clean(t, errors)
  })

  t.test('filter by prefecture (needs the `prefecture` filter of GET /v1/applications)', async (t) => {
    const { page, errors } = finance
    await page.fill('#filters input[name=prefecture]', 'qujing')
    await page.click('#filters button[type=submit]')
    await page.waitForSelector('#log table, #log [role=alert]')
    t.equal(await page.locator('#log [role=alert]').count(), 0, 'the filter is accepted')
    t.same(await page.locator('#log tbody tr td:nth-child(2)').allInnerTexts(), [ENTERPRISE_A], 'Qujing only')
    await page.fill('#filters input[name=prefecture]', '')
    await page.click('#filters button[type=submit]')
    await page.waitForSelector('#log table')
    clean(t, errors)
  })

  t.test('a decision: trace, chain, audit entries, replay', async (t) => {
    const { page, errors } = auditor
    await page.goto(`${base}#/decision/${current}`)
    await page.waitForSelector('article.decision')
    const outcome = page.locator('details.outcome[data-measure=interest-subsidy]')
    t.equal(await outcome.locator('summary .amount').innerText(), '7,200,000.00', 'the amount')
    t.equal(await text(page, '#total'), '7,200,000.00', 'the cash total')
    const clause = outcome.locator('details.clause[data-clause="§18"]')
    await clause.locator('summary').click()
    t.equal(
      await clause.locator('summary').innerText(),
      '§18 （十八） 强化财税政策导向',
      'the clause number and heading',
    )
    t.match(
      await clause.locator('.clause-text').innerText(),
      '对精深加工、延长产业链的项目，按照投资额的6%给予企业贴息补助，单个项目最高补助1000万元',
      'the clause text from the source',
    )
    const condition = outcome.locator('table.conditions tr', { hasText: '本次申请的投资额大于零' })
    t.same(
      (await condition.locator('td').allInnerTexts()).slice(0, 4),
      ['本次申请的投资额大于零', '120000000.00', '> 0.00', '✓ 通过'],
      'a condition: input against threshold, passed',
    )
    t.match(
      await outcome.locator('table.parameters').innerText(),
      /interestSubsidy\.rate\s+0\.06\s+2014-01-01 – …\s+§18/,
    )
    t.match(await outcome.locator('ol.steps').innerText(), /0\.06 × 120000000\.00 = 7200000\.00/)
    t.same(
      await page
        .locator('#chain li')
        .evaluateAll((items) => items.map((li) => li.getAttribute('data-decision'))),
      [original, current],
      'the supersede chain, oldest first',
    )
    t.match(await page.locator('.facts').first().innerText(), /复核更正/, 'the correction reason')
    t.ok(
      (await page.locator('table.entries tbody td:nth-child(5)').allInnerTexts()).every(
        (e) => e === `decision:${current.slice(0, 8)}`,
      ),
      'its audit entries, filed under it',
    )

    await page.click('#replay')
    await page.waitForSelector('#replay-result [data-identical]')
    t.equal(await page.getAttribute('#replay-result [data-identical]', 'data-identical'), 'true')
    t.match(await text(page, '#replay-result table'), /精深加工、延长产业链项目贴息补助[\s\S]*7,200,000\.00/)
    await fits(t, page, 'decision')
    clean(t, errors)

    // The old decision's page shows the same chain from the other end.
    await page.goto(`${base}#/decision/${original}`)
    await page.waitForSelector(`#chain li[data-decision="${current}"] a`)
    t.match(await text(page, `#chain li[data-decision="${original}"]`), /已被更正/)
    // Its trail shows the correction too (decision.superseded filed under the old decision as well).
    const actions = await page.locator('table.entries tbody td:nth-child(4)').allInnerTexts()
    t.ok(actions.includes('decision.made'), `made (${actions.join(', ')})`)
    t.ok(actions.includes('decision.superseded'), `and superseded (${actions.join(', ')})`)
    clean(t, errors)
  })

  t.test('the audit page: verify, checkpoint, tampering', async (t) => {
    const { page, errors } = auditor
    await page.goto(`${base}#/audit`)
    await page.click('#verify')
    await page.waitForSelector('#verification')
    t.match(await text(page, '#verification'), '哈希链完整')
    const checked = Number(await text(page, '#checked'))
    t.ok(checked >= 10, `${checked} entries checked`)
    t.equal(await text(page, '#first-bad-seq'), '—')

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-checkpoint')])
    const file = await download.path()
    const checkpoint = JSON.parse(readFileSync(file, 'utf8'))
    t.equal(checkpoint.size, checked, 'the downloaded checkpoint covers the log')
    await page.setInputFiles('#checkpoint-file', file)
    await page.locator('#verification dd.mono').first().waitFor()
    t.match(
      await text(page, '#verification'),
      /哈希链完整[\s\S]*"size":/,
      'verified against the uploaded checkpoint',
    )

    await page.fill('#entity', `decision:${original}`)
    await page.click('#entity-form button[type=submit]')
    await page.waitForSelector('#entity-entries table')
    t.match(await text(page, '#entity-entries'), 'decision.made')
    await fits(t, page, 'audit')
    clean(t, errors)

    // As a database superuser, past the triggers: rewrite entry 3's action.
    await db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx)
      await sql`update audit_log set action = 'decision.forged' where seq = 3`.execute(trx)
    })
    await page.click('#verify')
    await page.waitForSelector('#verification.invalid')
    t.match(await text(page, '#verification'), '哈希链被破坏')
    t.equal(await text(page, '#first-bad-seq'), '3', 'the first bad entry')
    t.not(await text(page, '#problem'), '—', 'and why')
    await fits(t, page, 'audit-tampered')
    clean(t, errors)
  })

  t.test('switch the language', async (t) => {
    const { page, errors } = finance
    await page.goto(`${base}#/decisions`)
    await page.waitForSelector('#log table')
    t.equal(await text(page, 'h1'), '决定记录', 'Chinese by default')
    await page.click('#lang')
    await page.locator('h1', { hasText: 'Decision log' }).waitFor()
    t.equal(await page.getAttribute('html', 'lang'), 'en')
    t.equal(await text(page, '#nav a[href="#/audit"]'), 'Audit')
    await page.goto(`${base}#/decision/${current}`)
    await page.waitForSelector('article.decision')
    t.match(
      await text(page, 'details.outcome[data-measure=interest-subsidy] table.conditions'),
      'the investment claimed is above zero',
      'API texts in English too',
    )
    t.match(await text(page, 'details.outcome[data-measure=interest-subsidy] table.conditions'), '✓ pass')
    await page.click('#lang')
    await page.locator('#lang', { hasText: 'English' }).waitFor()
    t.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'and back to Chinese')
    clean(t, errors)
  })

  t.test(
    'finance: totals, chart, export, budgets (needs GET /v1/reports/grants and GET /v1/budgets)',
    async (t) => {
      const { page, errors } = finance
      await page.goto(`${base}#/finance`)
      await page.waitForSelector('#totals table, #totals [role=alert]')
      await page.waitForSelector('#budgets table, #budgets [role=alert], #budgets .muted')
      await fits(t, page, 'finance')
      t.equal(await page.locator('#totals [role=alert]').count(), 0, 'the totals are shown, not an error')
      t.match(await text(page, '#totals table'), /曲靖|qujing/, 'totals by prefecture')
      t.match(await text(page, '#totals table'), '7,200,000.00', 'the subsidy granted in Qujing')
      t.ok(await page.locator('#totals svg.chart rect.chart-bar').count(), 'a bar chart')
      await page.selectOption('#group-by', 'measure')
      await page.click('#totals-form button[type=submit]')
      await page.waitForSelector('#totals table')
      t.match(await text(page, '#totals table'), '精深加工、延长产业链项目贴息补助', 'totals by measure')
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')])
      t.match(readFileSync(await csv.path(), 'utf8'), '7200000.00', 'the CSV export holds the amount')
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#export-xlsx')])
      t.equal(
        readFileSync(await xlsx.path())
          .subarray(0, 2)
          .toString(),
        'PK',
        'the XLSX export is a workbook',
      )
      t.equal(await page.locator('#budgets [role=alert]').count(), 0, 'budget use is shown, not an error')
      await fits(t, page, 'finance')
      clean(t, errors)
    },
  )

  t.test('batches: the XLSX template filled in, a dry run, progress, row errors, results', async (t) => {
    const { page, errors } = finance
    await page.goto(`${base}#/batches`)
    await page.waitForSelector('#batch-form')
    await page.waitForSelector('#batches .muted, #batches table')
    // The template as the page downloads it, uploaded as it is: a dry run of POLICY.md §5 ex. 1.
    const [template] = await Promise.all([page.waitForEvent('download'), page.click('#template-xlsx')])
    const xlsx = readFileSync(await template.path())
    t.equal(xlsx.subarray(0, 2).toString(), 'PK', 'the template is a workbook')
    await page.setInputFiles('#batch-file', {
      name: '申请.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: xlsx,
    })
    await page.selectOption('#batch-mode', 'dry-run')
    await page.click('#batch-form button[type=submit]')
    await page.waitForSelector('#batch-status[data-status=done]', { timeout: 30_000 })
    t.match(await text(page, '#batch-status'), /试算 · XLSX · 已完成/)
    t.match(await text(page, '#batch-rows'), /已处理 1 \/ 1 行，其中 0 行有错误/)
    t.equal(await page.getAttribute('#batch-progress', 'value'), '1', 'the progress bar full')
    t.match(await text(page, '#batch .batch-counts'), /符合\s+1/, 'counts by status')
    const [results] = await Promise.all([page.waitForEvent('download'), page.click('#results-csv')])
    const lines = readFileSync(await results.path(), 'utf8').split('\n')
    // Against the ledger as it stands: the example's project (enterprise A's) was granted 7 200 000.00
    // above, so of its §18 cap of 10 000 000.00 the dry run finds 2 800 000.00 left.
    t.ok(
      lines.some((l) => l.includes('interest-subsidy,eligible,2800000.00')),
      'the results: the interest subsidy of the example, capped at what the ledger leaves, 2 800 000.00',
    )
    t.match(await text(page, '#batches table'), /试算 · XLSX/, 'listed among the batches')

    // A CSV whose investment is not an amount: the row error names the row and the column.
    const csv = (
      await app.inject({
        url: '/v1/batches/template.csv?headers=zh',
        headers: { authorization: `Bearer ${keys.finance}` },
      })
    ).body.replace('120000000.00', '1.2亿')
    await page.setInputFiles('#batch-file', {
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    })
    await page.click('#batch-form button[type=submit]')
    await page.waitForSelector('#batch-status[data-status=done]:has-text("CSV")', { timeout: 30_000 })
    t.match(await text(page, '#batch-rows'), /其中 1 行有错误/)
    t.match(await text(page, '#batch .batch-errors'), /1\s+投资额/, 'row 1, column 投资额')
    await fits(t, page, 'batches')
    clean(t, errors)

    // The auditor reads the batches, and has no upload.
    await auditor.page.goto(`${base}#/batches`)
    await auditor.page.waitForSelector('#batches table')
    t.equal(await auditor.page.locator('#batch-form').count(), 0, 'no upload for the auditor')
    t.match(await text(auditor.page, '#batches table'), /试算 · CSV/)
    clean(t, auditor.errors)
  })

  t.test('batches: one cancelled before it ran, then resumed to the end', async (t) => {
    const { page, errors } = finance
    // A batch sealed but not handed to the runner: it stays queued until the page acts on it.
    const { id: financeKeyId } = await db
      .selectFrom('api_keys')
      .select('id')
      .where('role', '=', 'finance')
      .executeTakeFirstOrThrow()
    const id = await sealedBatch(db, {
      mode: 'dry-run',
      submittedBy: financeKeyId,
      facts: [deepProcessing('console-cancel', '10000000.00')],
    })
    // (the page is on #/batches already: reloaded, it lists the batches as they are now)
    await page.goto(`${base}#/batches`)
    await page.reload()
    await page.click('#batches table tbody tr:first-child button')
    await page.waitForSelector('#batch-status[data-status=queued]')
    t.equal(await page.locator('#batch-retry').count(), 0, 'a queued batch: nothing to resume')
    await page.click('#batch-cancel')
    await page.waitForSelector('#batch-status[data-status=cancelled]')
    t.match(await text(page, '#batch-status'), /已取消/)
    t.equal(await page.locator('#batch-cancel').count(), 0, 'cancelled: no second cancel')
    t.match(await text(page, '#batches table tbody tr:first-child'), /已取消/, 'the list says so too')
    await page.click('#batch-retry')
    await page.waitForSelector('#batch-status[data-status=done]', { timeout: 30_000 })
    t.match(
      await text(page, '#batch-rows'),
      /已处理 1 \/ 1 行，其中 0 行有错误/,
      'resumed and run to the end',
    )
    t.equal(await page.locator('#batch-cancel, #batch-retry').count(), 0, 'done: neither')
    clean(t, errors)

    // The auditor reads the batch and cannot act on it.
    await auditor.page.goto(`${base}#/batches`)
    await auditor.page.reload()
    await auditor.page.click('#batches table tbody tr:first-child button')
    await auditor.page.waitForSelector('#batch-status[data-status=done]')
    t.match(await text(auditor.page, '#batch h2'), new RegExp(id.slice(0, 8)), 'that batch')
    t.equal(
      await auditor.page.locator('#batch-cancel, #batch-retry').count(),
      0,
      'no actions for the auditor',
    )
    clean(t, auditor.errors)
  })
})
