// The finance bureau's totals (issue #11): GET /v1/reports/grants as JSON, CSV or XLSX, chosen by
// ?format= or the Accept header. Thin: the repository reads one snapshot, the exporters write files.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { GRANT_GROUP_COLUMNS, type GrantGroupColumn, grantReport } from '../db/reports-repository.ts'
import { badParameter, checkRange } from '../plugins/problems.ts'
import { CSV_MEDIA_TYPE, grantReportCsv, grantReportXlsx, XLSX_MEDIA_TYPE } from '../reports/grant-export.ts'
import { HEADER_VALUE_PATTERN } from '../schemas/common.ts'
import { problemResponses } from '../schemas/problem.ts'
import { GrantReport, GrantReportQuery } from '../schemas/reports.ts'
import { formatFromAccept, notAcceptable } from './negotiate.ts'

type Format = 'json' | 'csv' | 'xlsx'

const MEDIA_TYPES: [string, Format][] = [
  ['application/json', 'json'],
  ['text/csv', 'csv'],
  [XLSX_MEDIA_TYPE, 'xlsx'],
]

/** A comma-separated list that names a value twice is a mistake to name (400), not to ignore. */
const refuseRepeats = (parameter: string, values: readonly string[]): void => {
  const twice = values.find((v, i) => values.indexOf(v) !== i)
  if (twice !== undefined)
    throw badParameter(parameter, { zh: `${twice} 出现了两次`, en: `names ${twice} twice` })
}

const reports: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/reports/grants',
    {
      // Before validation: a caller without the role learns nothing about the query (401/403, then 400).
      preValidation: app.requireRole('finance', 'auditor'),
      schema: {
        tags: ['reports'],
        summary: 'Totals of the grants: count, due, paid and unfunded per prefecture, measure and year',
        description:
          'Read from the indexed report columns of the current (not superseded) decisions’ outcomes, in one ' +
          'REPEATABLE READ snapshot: the totals equal the sum of the groups and of the decisions covered. ' +
          '`from`/`to` filter on the application date. Formats: JSON (default), CSV (text/csv, UTF-8 with BOM) ' +
          'and XLSX, chosen by `format` or by `Accept`; both files carry Chinese headers (州市编号, 州市, 措施编号, ' +
          '措施, 年度, 笔数, 应付金额（元）, 已拨付金额（元）, 未拨付金额（元）) and a totals row (合计); XLSX amounts are ' +
          "numbers formatted '#,##0.00' (exact for amounts below 10^13 yuan, text beyond).",
        security: [{ apiKey: [] }],
        querystring: GrantReportQuery,
        headers: Type.Object({
          accept: Type.Optional(
            Type.String({
              pattern: HEADER_VALUE_PATTERN,
              maxLength: 1000,
              description: `application/json, text/csv or ${XLSX_MEDIA_TYPE}; ignored when \`format\` is given.`,
            }),
          ),
        }),
        response: {
          200: {
            description: 'The report, in the format asked for.',
            headers: {
              'content-disposition': Type.String({
                description: 'CSV and XLSX only: attachment; filename="grants-<snapshot date>.csv|xlsx".',
              }),
              vary: Type.String({ description: 'Accept: the format depends on it.' }),
            },
            content: {
              'application/json': { schema: GrantReport },
              'text/csv': {
                schema: Type.String({ description: 'UTF-8 with BOM; header row, groups, 合计.' }),
              },
              [XLSX_MEDIA_TYPE]: {
                schema: Type.String({ contentEncoding: 'binary', description: 'One sheet, 奖补汇总.' }),
              },
            },
          },
          ...problemResponses(400, 401, 403, 406),
        },
      },
      // JSON.stringify: the compiled serializer would need one schema per content type (as for applications).
      serializerCompiler: () => JSON.stringify,
    },
    async (request, reply) => {
      const q = request.query
      const format = q.format ?? formatFromAccept(request.headers.accept, MEDIA_TYPES, 'json')
      reply.header('vary', 'Accept')
      if (format === null) throw notAcceptable(MEDIA_TYPES.map(([media]) => media))
      const groupBy = (q.groupBy ?? GRANT_GROUP_COLUMNS.join(','))
        .split(',')
        .filter(Boolean) as GrantGroupColumn[]
      refuseRepeats('groupBy', groupBy)
      checkRange(q.from, q.to)
      const statuses = q.status?.split(',')
      refuseRepeats('status', statuses ?? [])
      const report = await grantReport(app.database.db, { groupBy, from: q.from, to: q.to, statuses })
      if (format === 'json') {
        return reply.type('application/json; charset=utf-8').send({
          snapshotAt: report.snapshotAt,
          groupBy,
          filters: { from: q.from ?? null, to: q.to ?? null, status: statuses ?? null },
          groups: report.groups,
          totals: report.totals,
        })
      }
      const name = `grants-${report.snapshotAt.slice(0, 10)}`
      if (format === 'csv') {
        return reply
          .type(CSV_MEDIA_TYPE)
          .header('content-disposition', `attachment; filename="${name}.csv"`)
          .send(grantReportCsv(report, groupBy))
      }
      return reply
        .type(XLSX_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send((await grantReportXlsx(report, groupBy)) as never)
    },
  )
}

export default reports
