// The serializer of POST /v1/evaluations (and of the bench's plumbing route, which must stay the same
// stack): JSON.stringify, as before (faster than the compiled serializer for these large,
// union-typed answers, BENCHMARKS.md), handed to Fastify as UTF-8 bytes rather than as a string.
// Given a string, Fastify walks it once to count its UTF-8 bytes for Content-Length, then Node glues
// the header block in front of it (a copy) and encodes the lot to UTF-8 as it writes; given a Buffer,
// the length is known, the body is encoded once and written as it is (issue #10: ~18 µs of a 45 KB
// full trace). The bytes on the wire are the same: Buffer.from writes the string as UTF-8, which is
// what Node did with the string.

export const jsonBytes = (data: unknown): Buffer => Buffer.from(JSON.stringify(data))

/**
 * For a route's `serializerCompiler`: every status (answers and problems) is serialized so. Fastify's
 * types say a serializer returns a string; at run time a Buffer is sent as it is (its reply.js
 * accepts a string or a Buffer from the serializer, and so do the onSend hooks here), hence the cast.
 */
export const jsonBytesCompiler = () => jsonBytes as unknown as (data: unknown) => string
