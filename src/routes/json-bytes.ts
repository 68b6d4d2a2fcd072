// The serializer of POST /v1/evaluations (and of the bench's plumbing route, which must stay the same
// stack): JSON.stringify, as before (faster than the compiled serializer for these large,
// union-typed answers, BENCHMARKS.md), handed to Fastify as UTF-8 bytes rather than as a string.
// - Given a string, Fastify walks it once to count its UTF-8 bytes for Content-Length, then Node
//   glues the header block in front of it (a copy) and encodes the lot as it writes; given a Buffer,
//   the length is known and the body is written as it is.
// - The bytes are encoded in one pass into a scratch buffer and copied out (a memcpy): Buffer.from
//   walks a string twice, once to size the buffer and once to write it, and the answers hold Chinese
//   text, so they are two-byte strings V8 encodes slowly (45 KB full trace: ~26 µs instead of ~44).
//   The scratch is only used synchronously, between JSON.stringify and the copy, so no two requests
//   ever share it.
// The bytes on the wire are the same: Node wrote the string as UTF-8 too, with the same encoder.

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_BYTES_PER_UNIT = 3
/** Answers up to 1 MiB / 3 of text go through the scratch; longer ones (none today) through Buffer.from. */
const scratch = Buffer.allocUnsafeSlow(1 << 20)

export const jsonBytes = (data: unknown): Buffer => {
  const text = JSON.stringify(data)
  if (text.length * MAX_UTF8_BYTES_PER_UNIT > scratch.length) return Buffer.from(text)
  const length = scratch.write(text, 0, 'utf8')
  const bytes = Buffer.allocUnsafe(length)
  scratch.copy(bytes, 0, 0, length)
  return bytes
}

/**
 * For a route's `serializerCompiler`: every status (answers and problems) is serialized so. Fastify's
 * types say a serializer returns a string; at run time a Buffer is sent as it is (its reply.js
 * accepts a string or a Buffer from the serializer, and so do the onSend hooks here), hence the cast.
 */
export const jsonBytesCompiler = () => jsonBytes as unknown as (data: unknown) => string
