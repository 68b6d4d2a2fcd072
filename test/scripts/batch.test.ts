// `npm run batch` against a stand-in for the API (node:http): it follows a batch until it is done,
// failed or cancelled — a batch cancelled while the bar runs ends the command (exit 1, the summary
// says cancelled and how to resume) instead of polling forever — and an API that stops answering
// with a batch ends it with the answer, not a crash. --help prints the usage; an unknown option says
// which, with the usage, not a stack trace.

import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('_TAPJS_')),
)

const batchView = (status: string, done: number) => ({
  id: 'b-1',
  status,
  rows: { total: 3, done, decided: done, failed: 0 },
  rowsPerSecond: null,
  etaSeconds: null,
  counts: {},
  errors: [],
  error: null,
})

/** A server answering the upload with 202, then each GET of the batch with the next of `views`. */
const standIn = async (t: Test, views: { status: number; body: unknown }[]) => {
  let polls = 0
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume()
    request.on('end', () => {
      const answer =
        request.method === 'POST'
          ? { status: 202, body: batchView('queued', 0) }
          : views[Math.min(polls++, views.length - 1)]!
      response.writeHead(answer.status, { 'content-type': 'application/json' })
      response.end(JSON.stringify(answer.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, polls: () => polls }
}

/** `npm run batch` with `args`, as a user runs it (tsx, no tap hooks). */
const command = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'scripts/batch.ts', ...args],
      { cwd: ROOT, env: childEnv, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    )
  })

const run = (url: string) => {
  const file = join(tmpdir(), `batch-${process.pid}.csv`)
  writeFileSync(file, 'project.investment\n1\n2\n3\n')
  return command([file, '--mode', 'submit', '--url', url, '--key', 'yik_test'])
}

t.test('--help prints the usage; an unknown option is named, with the usage, exit 1', async (t) => {
  const help = await command(['--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /^usage: npm run batch -- file\.csv\|file\.xlsx\|file\.jsonl .*INCENTIVES_API_KEY/s)
  const unknown = await command(['--bogus'])
  t.equal(unknown.code, 1)
  t.match(unknown.stderr, /Unknown option '--bogus'.*\nusage: npm run batch/s)
  t.notMatch(unknown.stderr, /\n\s+at /, 'no stack trace')
})

t.test('a batch cancelled while it runs ends the command: exit 1, says how to resume', async (t) => {
  const api = await standIn(t, [
    { status: 200, body: batchView('running', 1) },
    { status: 200, body: batchView('cancelled', 1) },
    { status: 200, body: batchView('running', 2) },
  ])
  const { code, stdout, stderr } = await run(api.url)
  t.equal(code, 1)
  t.equal(JSON.parse(stdout).status, 'cancelled')
  t.match(stderr, /the batch is cancelled: POST .*\/v1\/batches\/b-1\/retry resumes it/)
  t.equal(api.polls(), 2, 'no poll after the batch was cancelled')
})

t.test('a batch done: exit 0', async (t) => {
  const api = await standIn(t, [{ status: 200, body: batchView('done', 3) }])
  const { code, stdout } = await run(api.url)
  t.equal(code, 0)
  t.match(JSON.parse(stdout), { status: 'done', rows: { done: 3 } })
})

t.test('an API that stops answering with the batch: exit 1 with its answer', async (t) => {
  const api = await standIn(t, [
    { status: 200, body: batchView('running', 1) },
    { status: 404, body: { type: 'about:blank', status: 404, title: 'Not Found' } },
  ])
  const { code, stdout, stderr } = await run(api.url)
  t.equal(code, 1)
  t.equal(stdout, '')
  t.match(stderr, /404: \{/)
})
