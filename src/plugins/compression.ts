// Responses compressed when the client accepts it (issue #11: a stored application answers ~28 KB
// of JSON; a grant report's CSV grows with the groups). @fastify/compress's onSend hook works on the
// serialized payload, so it applies alike to routes with `serializerCompiler: () => JSON.stringify`,
// to the compiled serializers, and to an idempotent replay, whose stored body (kept uncompressed in
// idempotency_keys) is sent as a string: the replay stays byte for byte the same once decoded.
// - Below COMPRESSION_THRESHOLD_BYTES nothing is compressed: headers and CPU would cost more than
//   the bytes saved (the plugin's default, named here).
// - Brotli at quality BROTLI_QUALITY: the default (11) costs tens of milliseconds per 100 KB; 4
//   compresses JSON about as well as gzip -6, faster.
// - Request bodies are not decompressed: a compressed upload would pass bodyLimit and then inflate.
// - Already-compressed types (XLSX is a zip) are skipped by the plugin's compressibility check.
// - A request without Accept-Encoding (most API clients, the benchmarks) skips the plugin's onSend
//   hook: with these options it would only pass the payload on unchanged, after looking up four
//   headers and the MIME database (~6 µs a request, issue #10). The hooks the plugin adds to each
//   route are found by what it added (the route's onSend before and after its onRoute hook ran),
//   not by name, and wrapped.

import { constants } from 'node:zlib'
import compress from '@fastify/compress'
import type { FastifyInstance, onSendHookHandler, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'

export const COMPRESSION_THRESHOLD_BYTES = 1024
export const BROTLI_QUALITY = 4

type OnSend = onSendHookHandler<unknown>

const onSendList = (routeOptions: RouteOptions): OnSend[] => {
  const hooks = routeOptions.onSend as OnSend | OnSend[] | undefined
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]
}

/**
 * The plugin's onSend hook, run only when the request says which encodings it accepts. Without the
 * header the plugin compresses nothing (getEncodingHeader answers undefined, and neither
 * onUnsupportedEncoding nor inflateIfDeflated is set), so skipping it sends the same bytes and headers.
 */
const whenAcceptEncoding = (hook: OnSend): OnSend =>
  function (this: FastifyInstance, request, reply, payload, done) {
    if (request.headers['accept-encoding'] === undefined) return done(null, payload)
    return hook.call(this, request, reply, payload, done)
  }

export default fp(
  async (app: FastifyInstance) => {
    // The route's own onSend hooks, before the plugin's onRoute hook adds its own.
    const before = new WeakMap<RouteOptions, Set<OnSend>>()
    app.addHook('onRoute', (routeOptions) => {
      before.set(routeOptions, new Set(onSendList(routeOptions)))
    })
    await app.register(compress, {
      global: true,
      globalDecompression: false,
      threshold: COMPRESSION_THRESHOLD_BYTES,
      encodings: ['br', 'gzip', 'deflate'],
      brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
    })
    app.addHook('onRoute', (routeOptions) => {
      const own = before.get(routeOptions) ?? new Set()
      const hooks = onSendList(routeOptions)
      if (hooks.every((hook) => own.has(hook))) return
      routeOptions.onSend = hooks.map((hook) => (own.has(hook) ? hook : whenAcceptEncoding(hook)))
    })
  },
  { name: 'compression' },
)
