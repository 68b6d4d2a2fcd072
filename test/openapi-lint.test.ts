// The committed document passes Redocly's recommended ruleset with no error and no warning
// (operation ids, security on every operation, 4xx responses, license, servers…), and a client
// generated from it with openapi-typescript typechecks against a small program that uses it.

import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..')
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
const document = join(root, 'openapi', 'openapi.json')

t.test('Redocly recommended ruleset: 0 errors, 0 warnings', async (t) => {
  // No redocly.yaml: the built-in `recommended` ruleset, as is.
  const { stdout } = await run(bin('redocly'), ['lint', document, '--format=json'], {
    cwd: root,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    // redocly exits 1 on errors; its JSON report is still on stdout.
    if (error.stdout) return { stdout: error.stdout }
    throw error
  })
  const report = JSON.parse(stdout) as {
    totals: { errors: number; warnings: number; ignored: number }
    problems: { ruleId: string; message: string; location?: { pointer?: string }[] }[]
  }
  const listed = report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`)
  t.same(report.totals, { errors: 0, warnings: 0, ignored: 0 }, listed.slice(0, 20).join('\n'))
})

t.test('a client generated with openapi-typescript typechecks', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'openapi-client-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await run(bin('openapi-typescript'), [document, '--output', join(dir, 'api.d.ts')], { cwd: root })

  // Uses the generated types the way a portal would; a wrong field or path fails to compile.
  await writeFile(
    join(dir, 'client.ts'),
    `import type { components, operations, paths } from './api.d.ts'

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never
type Problem = components['schemas']['Problem']

export type Submit = operations['submitApplication']
export const submitBody = (body: Submit['requestBody']) => body
export type Created = Json<Submit['responses'][201]>
export const total = (created: Created): string | null =>
  created.decisions[0]?.evaluation.totalAmount ?? null

export type Evaluate = paths['/v1/evaluations']['post']
export const firstAmount = (e: Json<Evaluate['responses'][200]>): string | null => e.outcomes[0]?.amount ?? null

export const rateLimited = (r: operations['listApplications']['responses'][429]): Problem =>
  r.content['application/problem+json']
export const idempotencyKey: operations['submitApplication']['parameters']['header']['idempotency-key'] = 'k-1'

// @ts-expect-error an unknown operation does not exist
export type Nope = operations['deleteEverything']
`,
  )
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        allowImportingTsExtensions: true,
        skipLibCheck: false,
        types: [],
      },
      files: ['client.ts'],
    }),
  )
  const result = await run(bin('tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: dir }).then(
    () => ({ ok: true, output: '' }),
    (error: { stdout?: string }) => ({ ok: false, output: error.stdout ?? String(error) }),
  )
  t.ok(result.ok, result.output)
})
