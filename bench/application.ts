// The one application the benchmarks evaluate: the facts of every examples/*.json merged, so that a
// single evaluation runs all 12 measures with their full traces (none stops at MISSING_INPUT).

import type { Application } from '../src/engine/types.ts'

export const FULL_APPLICATION: Application = {
  applicationDate: '2016-06-15',
  enterprise: {
    creditCode: '91530300MA6K5A1B2G',
    name: 'Qujing Integrated Industries Co.',
    registeredOn: '2015-03-01',
    techSmeCertified: true,
    emergingIndustryRanking: { industry: 'electronic-information', year: 2015, rank: 2 },
    taxRecords: [
      { from: '2014-01-01', to: '2014-12-31', vat: '8000000.00', enterpriseIncomeTax: '5000000.00' },
      { from: '2015-01-01', to: '2015-12-31', vat: '10000000.00', enterpriseIncomeTax: '6000000.00' },
      { from: '2016-01-01', to: '2016-04-30', vat: '80000.00', businessTax: '5000.00' },
    ],
  },
  project: {
    id: 'qj-integrated-line',
    name: 'Integrated copper foil and circuit board line',
    buildType: 'new-build',
    industryCode: 'C39',
    emergingIndustry: 'electronic-information',
    policyClass: 'encouraged',
    meetsAccessConditions: true,
    prefecture: 'qujing',
    park: {
      id: 'qujing-economic-development-zone',
      name: 'Qujing Economic Development Zone',
      level: 'provincial',
    },
    inCentralYunnanZone: false,
    deepProcessing: true,
    investment: '120000000.00',
    commissionedOn: '2014-10-01',
    taxRecords: [
      { from: '2015-01-01', to: '2015-12-31', vat: '2000000.00', enterpriseIncomeTax: '1000000.00' },
    ],
    keyTransformationLibrary: true,
    majorTransformationProject: true,
    land: {
      areaMu: '50',
      quotedPricePerMu: '180000.00',
      plotRatio: '1.20',
      buildingCoefficient: '0.50',
      inPriorityCatalogue: true,
      meetsInvestmentIntensity: true,
      existingLandPlotRatioIncrease: true,
      assessedAdditionalPremium: '2400000.00',
    },
    power: { voltageKv: '110', unitEnergyConsumption: '11000', industryStandard: '12000' },
  },
  claims: {
    top3AwardYear: 2015,
    rdPlatforms: [
      { id: 'nerc-rare-metals', kind: 'national-engineering-research-center', recognisedOn: '2015-05-01' },
    ],
    researchEvents: [{ id: 'qujing-materials-institute', kind: 'research-institute', date: '2015-07-01' }],
    standards: [{ id: 'GB/T 00000-2015', kind: 'national-standard', date: '2015-10-01' }],
    talents: [
      {
        personId: 'talent-0001',
        name: 'Li Wei',
        role: 'senior-technical',
        designatedExcellent: true,
        year: 2015,
        individualIncomeTax: '250000.00',
      },
    ],
  },
}

/** The POST /v1/evaluations body the HTTP benchmarks send (and the plumbing route is measured with). */
export const FULL_REQUEST = { application: FULL_APPLICATION }
