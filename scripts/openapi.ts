// Writes the OpenAPI document the code generates to openapi/openapi.json (no database needed).
// A test fails when the committed file differs from this output: run `npm run openapi` and commit.

import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateOpenApi } from '../src/openapi-document.ts'

const target = join(import.meta.dirname, '..', 'openapi', 'openapi.json')
await mkdir(join(import.meta.dirname, '..', 'openapi'), { recursive: true })
await writeFile(target, await generateOpenApi())
process.stdout.write(`wrote ${target}\n`)
