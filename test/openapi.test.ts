// The committed openapi/openapi.json must be what the code generates: run `npm run openapi`.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import t from 'tap'
import { generateOpenApi } from '../src/openapi-document.ts'

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
