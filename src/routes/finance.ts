// The finance bureau's computations of POLICY.md §3, over the pure functions of src/engine/finance:
// stateless, explained like decisions (conditions, parameters read, arithmetic). Parameter overrides
// make what-ifs (e.g. the provincial shares of park tax retention, placeholders until the bureau
// sets them). Input the engine refuses leaves as a 400 problem naming the field.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { paidGroupsOfYear } from '../db/reports-repository.ts'
import { fundConcentration } from '../engine/finance/fund-concentration.ts'
import { landDevelopmentFund } from '../engine/finance/land-development-fund.ts'
import { parkTaxRetention } from '../engine/finance/park-tax-retention.ts'
import { fundConcentrationFromPaid } from '../engine/finance/stored-disbursements.ts'
import { DEFAULT_PARAMETERS } from '../engine/parameters/index.ts'
import type { ParameterOverride } from '../engine/parameters/types.ts'
import {
  FundConcentrationRequest,
  FundConcentrationResult,
  LandDevelopmentFundRequest,
  LandDevelopmentFundResult,
  ParkTaxRetentionRequest,
  ParkTaxRetentionResult,
  StoredFundConcentrationQuery,
  StoredFundConcentrationResult,
} from '../schemas/finance.ts'
import { problemResponses } from '../schemas/problem.ts'

const withOverrides = (overrides: Readonly<Record<string, ParameterOverride>> | undefined) => {
  const parameters = DEFAULT_PARAMETERS.withOverrides(overrides ?? {})
  return { parameters, overriddenParameters: [...parameters.overridden] }
}

const finance: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/finance/land-development-fund',
    {
      schema: {
        tags: ['finance'],
        summary: 'Industrial land development fund each prefecture and county sets aside (§14)',
        description:
          'rate (5%) × (land transfer revenue − industrial land transfer revenue), per government, rounded ' +
          'half-up to the fen; governments whose level is not covered are listed as not applicable.',
        body: LandDevelopmentFundRequest,
        response: { 200: LandDevelopmentFundResult, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { asOf, parameters: overrides, period, entities } = request.body
      const { parameters, overriddenParameters } = withOverrides(overrides)
      const result = landDevelopmentFund(
        { period, entities },
        { asOf: asOf ?? period.to, parameters, language: request.language },
      )
      return { ...result, overriddenParameters }
    },
  )

  app.post(
    '/v1/finance/park-tax-retention',
    {
      schema: {
        tags: ['finance'],
        summary: 'Provincial share of a provincial park’s new tax revenue, kept by the park (§18)',
        description:
          'Per tax type: (year − base year revenue) × provincial share (parameter ' +
          'parkTaxRetention.provincialShare — placeholders the finance bureau must set; override them here), ' +
          'netted across tax types, floored at zero.',
        body: ParkTaxRetentionRequest,
        response: { 200: ParkTaxRetentionResult, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { asOf, parameters: overrides, ...input } = request.body
      const { parameters, overriddenParameters } = withOverrides(overrides)
      const result = parkTaxRetention(input, {
        asOf: asOf ?? `${input.year}-12-31`,
        parameters,
        language: request.language,
      })
      return { ...result, overriddenParameters }
    },
  )

  app.post(
    '/v1/finance/fund-concentration',
    {
      schema: {
        tags: ['finance'],
        summary: 'Share of provincial special funds going to key industries, enterprises and projects (§18)',
        description: 'Passes when key ÷ disbursed ≥ the minimum share (60%, inclusive).',
        body: FundConcentrationRequest,
        response: { 200: FundConcentrationResult, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { asOf, parameters: overrides, disbursements } = request.body
      const { parameters, overriddenParameters } = withOverrides(overrides)
      const result = fundConcentration({ disbursements }, { asOf, parameters, language: request.language })
      return { ...result, overriddenParameters }
    },
  )

  app.get(
    '/v1/finance/fund-concentration',
    {
      // Before validation: a caller without the role learns nothing about the query (401/403, then 400).
      preValidation: app.requireRole('finance', 'auditor'),
      schema: {
        tags: ['finance'],
        summary: 'The §18 concentration check over what stored decisions actually paid in a year',
        description:
          'The disbursements are the paid outcomes (eligible, amount > 0) of the current decisions on the ' +
          'year’s applications, summed by designation; a group is key when it carries a designation listed in ' +
          'parameter fundConcentration.keyDesignations (emerging industry, key transformation project library, ' +
          'major transformation project, enterprise ranked in an emerging industry’s top 3). Unfunded outcomes ' +
          'paid nothing and count nothing. The POST form computes the same check from disbursements you give.',
        security: [{ apiKey: [] }],
        querystring: StoredFundConcentrationQuery,
        response: { 200: StoredFundConcentrationResult, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const year = Number(request.query.year)
      const groups = await paidGroupsOfYear(app.database.db, year)
      const asOf = request.query.asOf ?? `${request.query.year}-12-31`
      const result = fundConcentrationFromPaid(groups, {
        asOf,
        parameters: DEFAULT_PARAMETERS,
        language: request.language,
      })
      return { ...result, year, overriddenParameters: [] }
    },
  )
}

export default finance
