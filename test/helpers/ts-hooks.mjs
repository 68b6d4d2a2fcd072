// Module hooks that run the TypeScript of src/ and test/ in tap's test processes: esbuild strips the
// types of each .ts file (no type check: `npm run typecheck` does that), ~2× less CPU per test file
// than tap's default ts-node transpiler, which loads the TypeScript compiler in every process.
// Whitespace is kept and the source map is inline, so coverage and stack traces point at the
// original lines. The source is read through the rest of the chain (nextLoad), so tap's process
// info still sees every file a test loads. Registered by ts-loader.mjs (package.json "tap".node-arg).

import { transform } from 'esbuild'

const TS = /\.[cm]?ts$/

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
