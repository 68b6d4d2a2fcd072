// Module hooks that run the TypeScript of src/ and test/ in tap's test processes: esbuild strips the
// types of each .ts file (no type check: `npm run typecheck` does that), ~2× less CPU per test file
// than tap's default ts-node transpiler, which loads the TypeScript compiler in every process.
// Whitespace is kept and the source map is inline, so coverage and stack traces point at the
// original lines. The source is read through the rest of the chain (nextLoad), so tap's process
// info still sees every file a test loads. Registered by ts-loader.mjs (package.json "tap".node-arg).
//
// Two dependencies, typebox and kysely, are ES modules of hundreds of files each (373 and 263), and
// with hooks registered every module is resolved and loaded through the hooks thread: importing
// them cost about 0.9 and 0.8 s of CPU in every test process, against 0.3 s each without hooks.
// They are loaded instead from one esbuild bundle per package (every entry point of its exports,
// split so that the entry points share one copy of the package's modules), built once per
// installed version under node_modules/.cache/test-deps and reused by every later process. The
// service itself (npm start, tsx) loads them as installed; this changes only how tests load them.

import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, transform } from 'esbuild'

const TS = /\.[cm]?ts$/
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const BUNDLED = new Set(['typebox', 'kysely'])

/** package → Promise of { export subpath ('.', './value'…) → bundle file URL } */
const bundles = new Map()

const bundleOf = (name) => {
  let found = bundles.get(name)
  if (!found) {
    found = buildBundle(name)
    bundles.set(name, found)
  }
  return found
}

const buildBundle = async (name) => {
  const packageDir = join(ROOT, 'node_modules', name)
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
  // Every subpath the package exports to `import`, e.g. { '.': 'index', './helpers/postgres': 'helpers/postgres' }.
  const entries = Object.entries(manifest.exports)
    .filter(([subpath, target]) => !subpath.includes('*') && typeof target?.import === 'string')
    .map(([subpath, target]) => ({
      subpath,
      out: subpath === '.' ? 'index' : subpath.slice(2),
      in: join(packageDir, target.import),
    }))
  const dir = join(ROOT, 'node_modules', '.cache', 'test-deps', `${name}@${manifest.version}`)
  if (!existsSync(join(dir, 'done'))) {
    // Another test process may build it at the same time: each builds in its own directory, and the
    // first rename wins (the others find it there and drop theirs).
    const tmp = `${dir}.${process.pid}.${Date.now()}`
    await build({
      entryPoints: entries.map((e) => ({ in: e.in, out: e.out })),
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node}`,
      outExtension: { '.js': '.mjs' },
      sourcemap: 'linked',
      logLevel: 'silent',
    })
    await writeFile(join(tmp, 'done'), '')
    await mkdir(dirname(dir), { recursive: true })
    await rename(tmp, dir).catch(() => rm(tmp, { recursive: true, force: true }))
  }
  return new Map(entries.map((e) => [e.subpath, pathToFileURL(join(dir, `${e.out}.mjs`)).href]))
}

export const resolve = async (specifier, context, nextResolve) => {
  const resolved = await nextResolve(specifier, context)
  const name = specifier.split('/')[0]
  // Only the top-level copy is bundled: an importer with a copy of its own (a nested node_modules,
  // another version) keeps it.
  if (
    BUNDLED.has(name) &&
    resolved.url.startsWith(pathToFileURL(join(ROOT, 'node_modules', name)).href + '/')
  ) {
    const subpath = specifier === name ? '.' : `.${specifier.slice(name.length)}`
    const url = (await bundleOf(name)).get(subpath)
    if (url) return { url, format: 'module', shortCircuit: true }
  }
  return resolved
}

export const load = async (url, context, nextLoad) => {
  if (!url.startsWith('file:') || !TS.test(new URL(url).pathname)) return nextLoad(url, context)
  const format = url.endsWith('.cts') ? 'commonjs' : 'module'
  const { source } = await nextLoad(url, { ...context, format })
  const { code } = await transform(String(source), {
    loader: 'ts',
    format: format === 'module' ? 'esm' : 'cjs',
    target: `node${process.versions.node}`,
    sourcemap: 'inline',
    sourcefile: url,
    // As tsconfig.json: imports are kept as written, only `import type` disappears.
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
  })
  return { format, source: code, shortCircuit: true }
}
