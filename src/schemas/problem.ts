// RFC 9457 problem details: every error the API answers has this shape, as application/problem+json.

import { Type } from 'typebox'

export const ProblemFieldError = Type.Object(
  {
    detail: Type.String({ description: 'What is wrong with this field, in plain words.' }),
    pointer: Type.Optional(
      Type.String({
        description:
          'JSON pointer (RFC 6901) into the request body, as a URI fragment: "#/project/investment".',
      }),
    ),
    parameter: Type.Optional(Type.String({ description: 'Name of the offending query or path parameter.' })),
    header: Type.Optional(Type.String({ description: 'Name of the offending request header.' })),
  },
  { additionalProperties: false },
)

export const Problem = Type.Object(
  {
    type: Type.String({
      description: 'URI reference identifying the problem type; "about:blank" for plain HTTP errors.',
    }),
    title: Type.String({ description: 'Short summary of the problem type.' }),
    status: Type.Integer({ description: 'HTTP status code.' }),
    detail: Type.Optional(Type.String({ description: 'Explanation specific to this occurrence.' })),
    instance: Type.Optional(Type.String({ description: 'The request path that produced the problem.' })),
    code: Type.Optional(Type.String({ description: 'Stable machine-readable error code.' })),
    errors: Type.Optional(Type.Array(ProblemFieldError, { description: 'One entry per offending field.' })),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details.' },
)

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, { ...Type.Ref('Problem'), description: 'Problem details (RFC 9457).' }]),
  )
