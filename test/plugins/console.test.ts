// The console's files: served under /console/ by the service itself, under the API's one CSP, with
// nothing from another origin and no inline script or style; kept out of the OpenAPI document.
// (test/console/console-browser.test.ts runs the pages in Chromium.)

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { unavailableDatabase } from '../../src/db/unavailable.ts'
import { CONSOLE_DIR } from '../../src/plugins/console.ts'

const app = await buildApp({ database: unavailableDatabase() })
t.teardown(() => app.close())

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
const served = files(CONSOLE_DIR).map((f) => relative(CONSOLE_DIR, f))

t.test('/console redirects to /console/, which is the page', async (t) => {
  const bare = await app.inject('/console')
  t.equal(bare.statusCode, 302)
  t.equal(bare.headers.location, '/console/')
  const page = await app.inject('/console/')
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.headers['content-security-policy'], /script-src 'self'/, 'the same CSP as the API')
  t.match(page.headers['content-security-policy'], /default-src 'none'/)
  t.match(page.body, '<script type="module" src="./app.js"></script>')
})

t.test('every file is served with its type', async (t) => {
  const types: Record<string, RegExp> = {
    js: /^application\/javascript|^text\/javascript/,
    css: /^text\/css/,
    html: /^text\/html/,
    json: /^application\/json/,
  }
  t.ok(served.length >= 10, `${served.length} files`)
  for (const file of served) {
    const r = await app.inject(`/console/${file}`)
    t.equal(r.statusCode, 200, file)
    t.match(
      r.headers['content-type'],
      types[file.split('.').pop()!]!,
      `${file}: ${r.headers['content-type']}`,
    )
  }
  t.equal((await app.inject('/console/../package.json')).statusCode, 404, 'nothing outside console/')
})

t.test('no CDN, no inline script or style: the CSP needs no exception', async (t) => {
  for (const file of served) {
    const text = readFileSync(join(CONSOLE_DIR, file), 'utf8')
    // The one absolute URL allowed is the SVG namespace, a name that is never fetched.
    const urls = [...text.matchAll(/https?:\/\/[^\s'"`)]+/g)].map((m) => m[0])
    t.same(
      urls.filter((u) => u !== 'http://www.w3.org/2000/svg'),
      [],
      `${file} loads nothing from another origin`,
    )
    if (file.endsWith('.html')) {
      t.notMatch(text, /<script(?![^>]*\bsrc=)[^>]*>/, `${file}: no inline script`)
      t.notMatch(text, /<style|\sstyle=|\son[a-z]+=/i, `${file}: no inline style or handler`)
    }
    if (file.endsWith('.js')) {
      t.notMatch(
        text,
        /\binnerHTML\b|\beval\(|new Function|\.style\./,
        `${file}: no markup or code from strings`,
      )
    }
  }
})

t.test('not an API operation', async (t) => {
  const paths = Object.keys((app.swagger() as { paths: Record<string, unknown> }).paths)
  t.same(
    paths.filter((p) => p.startsWith('/console')),
    [],
  )
})
