// /docs (Swagger UI) works under the service's Content-Security-Policy: loaded in headless
// Chromium, the page renders the operations and reports no CSP violation. The same CSP will hold
// the web console to self-hosted scripts and styles. Needs Debian's chromium (/usr/bin/chromium);
// without it the test is reported as skipped (and fails with CI=true).

import { existsSync } from 'node:fs'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { unavailableDatabase } from '../../src/db/unavailable.ts'

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'

const missing = !existsSync(CHROMIUM)
if (missing && process.env['CI'] === 'true') t.fail(`no Chromium at ${CHROMIUM} (apt-get install chromium)`)

t.test(
  '/docs renders under the CSP with no violation',
  { skip: missing && `no Chromium at ${CHROMIUM}` },
  async (t) => {
    const { chromium } = await import('playwright-core')
    const app = await buildApp({ database: unavailableDatabase() })
    t.teardown(() => app.close())
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    const port = typeof address === 'object' && address ? address.port : 0

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    t.teardown(() => browser.close())
    const page = await browser.newPage()
    const violations: string[] = []
    const consoleErrors: string[] = []
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v))
    // Runs in the page (a string: the test's TypeScript has no DOM types).
    await page.addInitScript(`
    document.addEventListener('securitypolicyviolation', (e) =>
      window.reportViolation(e.violatedDirective + ' blocked ' + e.blockedURI + ' ' + e.sample))
  `)
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })

    const response = await page.goto(`http://127.0.0.1:${port}/docs`, { waitUntil: 'networkidle' })
    t.match(response?.headers()['content-security-policy'], /script-src 'self'/)
    // Swagger UI fetched /openapi.json and rendered an operation: the scripts ran.
    await page.waitForSelector('.opblock-summary', { timeout: 20_000 })
    const operations = await page.locator('.opblock').count()
    t.ok(operations >= 20, `Swagger UI rendered ${operations} operations`)
    const styled = await page.evaluate(
      "getComputedStyle(document.querySelector('.swagger-ui .opblock')).borderStyle",
    )
    t.equal(styled, 'solid', 'the self-hosted stylesheet applied')
    t.same(violations, [], 'no CSP violation')
    t.same(
      consoleErrors.filter((e) => /Content Security Policy/i.test(e)),
      [],
      'no CSP error in the console',
    )
  },
)
