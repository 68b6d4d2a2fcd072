// The dependency rule of src/engine (STYLE.md "Habits"; /tmp rules "src/engine is PURE"): every file
// imports only files inside src/engine — no package, no node: module, no relative path escaping it —
// and never reads a clock, randomness, floating-point parsing or the process: no Date.now(), no
// `new Date()` without arguments, no Math.random, parseFloat, toFixed or process. Checked on the
// syntax tree (TypeScript's parser), so comments and strings do not count.

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import t from 'tap'
import ts from 'typescript'

const ENGINE = resolve(import.meta.dirname, '../../src/engine')

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.(ts|mts|cts|js|mjs|cjs|json)$/.test(entry.name) ? [path] : []
  })

const isInside = (path: string, root: string): boolean => {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..')
}

const isPropertyName = (node: ts.Identifier): boolean => {
  const parent = node.parent
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isPropertyAssignment(parent) && parent.name === node) ||
    (ts.isPropertyDeclaration(parent) && parent.name === node) ||
    (ts.isPropertySignature(parent) && parent.name === node) ||
    (ts.isMethodDeclaration(parent) && parent.name === node) ||
    (ts.isMethodSignature(parent) && parent.name === node) ||
    (ts.isQualifiedName(parent) && parent.right === node)
  )
}

/** The violations in one file's source, as "line: what". */
const violations = (fileName: string, text: string, root: string): string[] => {
  const found: string[] = []
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true)
  const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1
  const checkSpecifier = (node: ts.Node, specifier: string) => {
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(fileName), specifier)
      if (!isInside(target, root)) found.push(`${at(node)}: import "${specifier}" leaves src/engine`)
    } else {
      found.push(`${at(node)}: import "${specifier}" is a package or node: module`)
    }
  }
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) checkSpecifier(node, node.moduleSpecifier.text)
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression
      found.push(`${at(node)}: import = require(${ts.isStringLiteral(e) ? `"${e.text}"` : '…'})`)
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression
      const first = node.arguments[0]
      if (callee.kind === ts.SyntaxKind.ImportKeyword) {
        if (first && ts.isStringLiteralLike(first)) checkSpecifier(node, first.text)
        else found.push(`${at(node)}: dynamic import of a computed path`)
      } else if (ts.isIdentifier(callee) && callee.text === 'require') {
        found.push(`${at(node)}: require()`)
      }
    } else if (ts.isNewExpression(node)) {
      if (ts.isIdentifier(node.expression) && node.expression.text === 'Date' && !node.arguments?.length)
        found.push(`${at(node)}: new Date() reads the clock`)
    } else if (ts.isPropertyAccessExpression(node)) {
      const object = node.expression
      const name = node.name.text
      if (ts.isIdentifier(object) && object.text === 'Date' && name === 'now')
        found.push(`${at(node)}: Date.now reads the clock`)
      if (ts.isIdentifier(object) && object.text === 'Math' && name === 'random')
        found.push(`${at(node)}: Math.random`)
      if (ts.isIdentifier(object) && object.text === 'globalThis' && name === 'process')
        found.push(`${at(node)}: process`)
      if (name === 'toFixed') found.push(`${at(node)}: toFixed (floating point)`)
      if (name === 'parseFloat') found.push(`${at(node)}: parseFloat (floating point)`)
    } else if (ts.isIdentifier(node) && !isPropertyName(node)) {
      if (node.text === 'parseFloat') found.push(`${at(node)}: parseFloat (floating point)`)
      if (node.text === 'process') found.push(`${at(node)}: process`)
    } else if (ts.isElementAccessExpression(node)) {
      const key = node.argumentExpression
      if (ts.isStringLiteralLike(key) && ['now', 'random', 'toFixed', 'parseFloat'].includes(key.text))
        found.push(`${at(node)}: ["${key.text}"]`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

t.test('the detector finds what it must and ignores comments and strings', async (t) => {
  const file = join(ENGINE, 'measures', 'example.ts')
  const bad = [
    "import { readFileSync } from 'node:fs'",
    "import fastify from 'fastify'",
    "import { x } from '../../db/ledger.ts'",
    "export * from '../../app.ts'",
    "const m = await import('kysely')",
    'const now = Date.now()',
    'const today = new Date()',
    'const r = Math.random()',
    "const f = parseFloat('1.5')",
    "const g = Number.parseFloat('1.5')",
    'const s = (1.5).toFixed(2)',
    'const env = process.env.X',
    'const p = globalThis.process',
    "const n = Date['now']()",
  ]
  for (const line of bad) t.equal(violations(file, line, ENGINE).length, 1, line)
  const good = [
    "import { Rational } from '../money.ts'",
    "import type { Trace } from './trace.ts'",
    "export { evaluate } from '../evaluate.ts'",
    '// Date.now() and parseFloat are forbidden, process too',
    "const text = 'new Date() Math.random process'",
    'const d = new Date(Date.UTC(2016, 1, 29))',
    'const e = new Date(0)',
    'const o = { process: 1 }; o.process',
    'interface X { process: number }',
  ]
  for (const line of good) t.same(violations(file, line, ENGINE), [], line)
})

t.test('src/engine is pure', async (t) => {
  const files = sourceFiles(ENGINE)
  t.ok(files.length > 10, `${files.length} files checked`)
  for (const file of files) {
    if (file.endsWith('.json')) continue
    t.same(violations(file, readFileSync(file, 'utf8'), ENGINE), [], relative(ENGINE, file))
  }
})
