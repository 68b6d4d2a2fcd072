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

import { constants } from 'node:zlib'
import compress from '@fastify/compress'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const COMPRESSION_THRESHOLD_BYTES = 1024
export const BROTLI_QUALITY = 4

export default fp(
  async (app: FastifyInstance) => {
    await app.register(compress, {
      global: true,
      globalDecompression: false,
      threshold: COMPRESSION_THRESHOLD_BYTES,
      encodings: ['br', 'gzip', 'deflate'],
      brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
    })
  },
  { name: 'compression' },
)
