// The committed openapi/openapi.json must be what the code generates: run `npm run openapi`.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import t from 'tap'
import { generateOpenApi } from '../src/openapi-document.ts'

// biome-ignore lint/suspicious/noExplicitAny: the document is JSON, read structurally
type Json = any

t.test('openapi/openapi.json is up to date', async (t) => {
  const committed = readFileSync(join(import.meta.dirname, '..', 'openapi', 'openapi.json'), 'utf8')
  const generated = await generateOpenApi()
  t.ok(
    committed === generated,
    'openapi/openapi.json differs from the generated document: run `npm run openapi`',
  )
  const doc = JSON.parse(generated)
  t.equal(doc.openapi, '3.1.0')
  t.ok(doc.components.schemas.Problem, 'Problem is a named component')
})

t.test('the document is valid OpenAPI 3.1 (an independent validator)', async (t) => {
  const result = await new Validator().validate(JSON.parse(await generateOpenApi()))
  t.equal(result.valid, true, JSON.stringify(result.errors ?? []))
})

t.test('every response declares the headers every answer carries', async (t) => {
  const doc = JSON.parse(await generateOpenApi())
  t.ok(doc.components.headers['X-Request-Id'], 'shared headers are named components')
  for (const [path, item] of Object.entries<Record<string, { responses: Record<string, Json> }>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const [status, response] of Object.entries(op.responses)) {
        const names = Object.keys(response.headers ?? {})
        t.ok(names.includes('X-Request-Id'), `${method} ${path} ${status}: X-Request-Id`)
        if (!path.startsWith('/health/'))
          t.ok(names.includes('RateLimit-Remaining'), `${method} ${path} ${status}: RateLimit-*`)
      }
    }
  }
})
