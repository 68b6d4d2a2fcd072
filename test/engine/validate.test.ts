import t from 'tap'
import { isEngineError } from '../../src/engine/errors.ts'
import { industryCodeProblem } from '../../src/engine/industry-codes.ts'
import { PREFECTURES, prefecture } from '../../src/engine/prefectures.ts'
import type { Application } from '../../src/engine/types.ts'
import {
  applicationProblems,
  creditCodeCheckCharacter,
  creditCodeProblem,
  validateApplication,
} from '../../src/engine/validate.ts'

const VALID_CODES = [
  '91530300MA6K5A1B2G',
  '91530100MA6N2X3P4X',
  '91530400MA6L7Q8R10',
  '91532300MA6M4T5U6X',
  '91530100216543210J',
]

const valid = (): Application => ({
  applicationDate: '2015-06-01',
  enterprise: {
    creditCode: '91530300MA6K5A1B2G',
    name: 'Qujing Industrial Co.',
    registeredOn: '2014-03-01',
    taxRecords: [{ from: '2015-01-01', to: '2015-12-31', vat: '2000000.00', enterpriseIncomeTax: '1000000' }],
  },
  project: {
    id: 'p-1',
    name: 'Plant',
    buildType: 'new-build',
    industryCode: 'C3311',
    policyClass: 'encouraged',
    meetsAccessConditions: true,
    prefecture: 'qujing',
    inCentralYunnanZone: false,
    park: { id: 'park-1', name: 'Park', level: 'provincial' },
    investment: '120000000.00',
    capacityProduct: 'copper-smelting',
    capacity: { newCapacity: '100000', replacedCapacity: '100000', selfProducedRawMaterialShare: '0.50' },
    land: {
      areaMu: '50',
      quotedPricePerMu: '180000',
      plotRatio: '0.84',
      buildingCoefficient: '0.42',
      inPriorityCatalogue: true,
      meetsInvestmentIntensity: true,
    },
    power: { voltageKv: '35', unitEnergyConsumption: '1.1', industryStandard: '1.2' },
  },
  claims: {
    rdPlatforms: [
      { id: 'a', kind: 'national-lab', recognisedOn: '2015-01-01' },
      { id: 'b', kind: 'provincial-rd-platform', recognisedOn: '2015-01-01' },
    ],
    standards: [{ id: 's', kind: 'national-standard', date: '2016-02-29' }],
    talents: [
      {
        personId: 'x',
        name: 'X',
        role: 'executive',
        designatedExcellent: true,
        year: 2015,
        individualIncomeTax: '100000.00',
      },
      {
        personId: 'x',
        name: 'X',
        role: 'executive',
        designatedExcellent: true,
        year: 2016,
        individualIncomeTax: '100000.00',
      },
    ],
  },
})

/** The application with one change made by `edit`, as a plain object (wrong types included). */
// biome-ignore lint/suspicious/noExplicitAny: the edits put values of any type anywhere, on purpose
type Editable = any
const withEdit = (edit: (a: Editable) => void): Application => {
  const a = valid() as Editable
  edit(a)
  return a as Application
}

const problemsOf = (app: Application) => applicationProblems(app)

t.test('unified social credit code (GB 32100)', async (t) => {
  for (const code of VALID_CODES) t.equal(creditCodeProblem(code), null, `${code} is valid`)
  t.equal(
    creditCodeCheckCharacter('91530300MA6K5A1B2'),
    'G',
    'check character computed from weights 3^i mod 31',
  )

  t.match(creditCodeProblem('91530300MA6K5A1B2H')?.en, /check character .*"H".*"G"/, 'wrong check character')
  t.match(
    creditCodeProblem('91530100MA6N2X3P4Y')?.en,
    /check character/,
    'wrong check character (X expected)',
  )
  // Both languages, for the API's Accept-Language (zh-CN by default): the Chinese names the same characters.
  t.same(
    creditCodeProblem('91530300MA6K5A1B2H'),
    {
      zh: '统一社会信用代码的校验码为"H"，按 GB 32100 应为"G"',
      en: 'the check character of the unified social credit code is "H"; GB 32100 gives "G"',
    },
    'the message in Chinese and English',
  )
  t.match(
    creditCodeProblem('91530400MA6L7Q8R11')?.en,
    /check character/,
    'a digit check character off by one',
  )
  for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
    t.match(
      creditCodeProblem(`91530300MA6K5A1B2${letter}`)?.en,
      new RegExp(`"${letter}"`),
      `the letter ${letter} is not in the alphabet`,
    )
    t.match(
      creditCodeProblem(`9153030${letter}MA6K5A1B2G`)?.en,
      /may contain only/,
      `${letter} inside the code`,
    )
  }
  t.match(creditCodeProblem('91530300ma6k5a1b2g')?.en, /may contain only/, 'lowercase is rejected')
  t.match(
    creditCodeProblem('91530300MA6K5A1B2g')?.en,
    /may contain only/,
    'a lowercase check character is rejected',
  )
  t.match(creditCodeProblem('91530300MA6K5A1B2')?.en, /18 characters, not 17/, 'too short')
  t.match(creditCodeProblem('91530300MA6K5A1B2GG')?.en, /18 characters, not 19/, 'too long')
  t.match(creditCodeProblem('')?.en, /18 characters, not 0/, 'empty')
  t.match(creditCodeProblem(915303)?.en, /must be a string/, 'not a string')
  t.equal(
    creditCodeProblem(`91110000${'MA6K5A1B2'}${creditCodeCheckCharacter('91110000MA6K5A1B2')}`),
    null,
    'a code registered outside Yunnan (Beijing 110000) is accepted: enterprises from elsewhere may invest',
  )
})

t.test('GB/T 4754-2017 industry codes', async (t) => {
  for (const code of [
    'C3311',
    '3311',
    'C33',
    '33',
    'C331',
    'A0111',
    '01',
    'B06',
    'D4411',
    'K70',
    'P83',
    'T97',
    'S96',
  ])
    t.equal(industryCodeProblem(code), null, `${code} is valid`)
  t.match(industryCodeProblem('B33')?.en, /belongs to section C, not B/, 'letter does not match the division')
  t.match(industryCodeProblem('A06')?.en, /belongs to section B/, 'division 06 is section B')
  t.match(industryCodeProblem('C44')?.en, /belongs to section D/, 'division 44 is section D')
  t.match(industryCodeProblem('00')?.en, /does not exist/, 'division 00 does not exist')
  t.match(industryCodeProblem('98')?.en, /does not exist/, 'division 98 does not exist')
  t.match(industryCodeProblem('U97')?.en, /optional uppercase section letter/, 'section U does not exist')
  t.match(industryCodeProblem('c3311')?.en, /optional uppercase section letter/, 'lowercase letter')
  t.match(industryCodeProblem('C3')?.en, /2 to 4 digits/, 'one digit')
  t.match(industryCodeProblem('C33111')?.en, /2 to 4 digits/, 'five digits')
  t.match(industryCodeProblem('CC33')?.en, /2 to 4 digits/, 'two letters')
})

t.test('prefectures: the 16 of Yunnan with pinyin ids and GB/T 2260 codes', async (t) => {
  t.equal(PREFECTURES.length, 16)
  t.equal(new Set(PREFECTURES.map((p) => p.id)).size, 16, 'ids unique')
  t.ok(
    PREFECTURES.every((p) => /^53\d{4}$/.test(p.code)),
    'every code is a Yunnan code',
  )
  t.same(problemsOf(withEdit((a) => (a.project.prefecture = 'dali'))), [])
  t.match(problemsOf(withEdit((a) => (a.project.prefecture = '530300'))), [
    { pointer: '/project/prefecture', message: { en: /pinyin id/ } },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.prefecture = 'Qujing'))), [
    { pointer: '/project/prefecture' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.prefecture = 'chengdu'))), [
    { pointer: '/project/prefecture' },
  ])
})

t.test('a valid application passes', async (t) => {
  t.same(problemsOf(valid()), [])
  t.doesNotThrow(() => validateApplication(valid()))
  t.same(
    problemsOf({ applicationDate: '2015-01-01', enterprise: { creditCode: VALID_CODES[0]!, name: 'A' } }),
    [],
  )
})

t.test('dates must be real calendar dates', async (t) => {
  t.match(problemsOf(withEdit((a) => (a.applicationDate = '2015-02-29'))), [{ pointer: '/applicationDate' }])
  t.same(problemsOf(withEdit((a) => (a.applicationDate = '2016-02-29'))), [], '2016 is a leap year')
  t.match(problemsOf(withEdit((a) => (a.applicationDate = '2015-6-1'))), [{ pointer: '/applicationDate' }])
  t.match(problemsOf(withEdit((a) => (a.enterprise.registeredOn = '2015-04-31'))), [
    { pointer: '/enterprise/registeredOn' },
  ])
  t.match(problemsOf(withEdit((a) => (a.claims.rdPlatforms[1].recognisedOn = '2015-13-01'))), [
    { pointer: '/claims/rdPlatforms/1/recognisedOn' },
  ])
  t.match(problemsOf(withEdit((a) => (a.enterprise.taxRecords[0].to = '2015-11-31'))), [
    { pointer: '/enterprise/taxRecords/0/to' },
  ])
  t.match(problemsOf(withEdit((a) => (a.applicationDate = undefined))), [
    { pointer: '/applicationDate', message: { en: 'is required' } },
  ])
})

t.test('a tax record must not end before it starts', async (t) => {
  t.match(problemsOf(withEdit((a) => (a.enterprise.taxRecords[0].from = '2016-01-01'))), [
    {
      pointer: '/enterprise/taxRecords/0/to',
      message: { en: /ends \(2015-12-31\) before it starts \(2016-01-01\)/ },
    },
  ])
  t.same(
    problemsOf(withEdit((a) => (a.enterprise.taxRecords[0] = { from: '2015-03-01', to: '2015-03-01' }))),
    [],
    'a one-day period is fine',
  )
})

t.test('amounts: non-negative, at most 2 decimals', async (t) => {
  t.same(problemsOf(withEdit((a) => (a.project.investment = '0'))), [])
  t.same(problemsOf(withEdit((a) => (a.project.investment = '12.5'))), [])
  t.match(problemsOf(withEdit((a) => (a.project.investment = '12.345'))), [
    { pointer: '/project/investment' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.investment = '-1.00'))), [{ pointer: '/project/investment' }])
  t.match(problemsOf(withEdit((a) => (a.project.investment = 1000))), [{ pointer: '/project/investment' }])
  t.match(problemsOf(withEdit((a) => (a.project.investment = '1e6'))), [{ pointer: '/project/investment' }])
  t.match(problemsOf(withEdit((a) => (a.project.investment = '1,000.00'))), [
    { pointer: '/project/investment' },
  ])
  t.match(problemsOf(withEdit((a) => (a.enterprise.taxRecords[0].vat = '-5'))), [
    { pointer: '/enterprise/taxRecords/0/vat' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.land.quotedPricePerMu = '180000.001'))), [
    { pointer: '/project/land/quotedPricePerMu' },
  ])
})

t.test('ratios and quantities', async (t) => {
  t.same(problemsOf(withEdit((a) => (a.project.land.plotRatio = '2.5'))), [], 'a plot ratio may exceed 1')
  t.same(problemsOf(withEdit((a) => (a.project.capacity.selfProducedRawMaterialShare = '1.00'))), [])
  t.same(problemsOf(withEdit((a) => (a.project.capacity.selfProducedRawMaterialShare = '0.4999'))), [])
  t.match(problemsOf(withEdit((a) => (a.project.capacity.selfProducedRawMaterialShare = '1.01'))), [
    { pointer: '/project/capacity/selfProducedRawMaterialShare' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.capacity.selfProducedRawMaterialShare = '50%'))), [
    { pointer: '/project/capacity/selfProducedRawMaterialShare' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.land.buildingCoefficient = '1.2'))), [
    { pointer: '/project/land/buildingCoefficient' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.land.plotRatio = '-0.84'))), [
    { pointer: '/project/land/plotRatio' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.power.voltageKv = 35))), [
    { pointer: '/project/power/voltageKv' },
  ])
  t.match(problemsOf(withEdit((a) => delete a.project.land.areaMu)), [
    { pointer: '/project/land/areaMu', message: { en: 'is required' } },
  ])
})

t.test('vocabularies', async (t) => {
  t.match(problemsOf(withEdit((a) => (a.project.buildType = 'greenfield'))), [
    { pointer: '/project/buildType' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.policyClass = 'banned'))), [
    { pointer: '/project/policyClass' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.park.level = 'municipal'))), [
    { pointer: '/project/park/level' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.capacityProduct = 'aluminium'))), [
    { pointer: '/project/capacityProduct' },
  ])
  t.match(problemsOf(withEdit((a) => (a.claims.rdPlatforms[0].kind = 'national'))), [
    { pointer: '/claims/rdPlatforms/0/kind' },
  ])
})

t.test('duplicate ids in claims', async (t) => {
  t.match(problemsOf(withEdit((a) => (a.claims.rdPlatforms[1].id = 'a'))), [
    { pointer: '/claims/rdPlatforms/1/id', message: { en: /duplicates \/claims\/rdPlatforms\/0/ } },
  ])
  t.match(
    problemsOf(
      withEdit((a) => a.claims.standards.push({ id: 's', kind: 'industry-standard', date: '2016-03-01' })),
    ),
    [{ pointer: '/claims/standards/1/id' }],
  )
  t.match(
    problemsOf(
      withEdit((a) => {
        a.claims.researchEvents = [
          { id: 'r', kind: 'research-institute', date: '2015-01-01' },
          { id: 'r', kind: 'achievement-industrialisation', date: '2015-02-01' },
        ]
      }),
    ),
    [{ pointer: '/claims/researchEvents/1/id' }],
  )
  t.match(problemsOf(withEdit((a) => (a.claims.talents[1].year = 2015))), [
    { pointer: '/claims/talents/1/personId' },
  ])
})

t.test('ids that differ only in letter case are duplicates (ruleset 1.5.0 on)', async (t) => {
  // one platform to the ledger (src/engine/ledgers.ts foldKey), so claiming both claims it twice
  const twice = withEdit((a) => (a.claims.rdPlatforms[1].id = 'A'))
  t.match(problemsOf(twice), [
    { pointer: '/claims/rdPlatforms/1/id', message: { en: /duplicates \/claims\/rdPlatforms\/0 \("A"\)/ } },
  ])
  t.same(applicationProblems(twice, '1.4.0'), [], '1.4.0 compared ids as written')
  t.match(
    problemsOf(
      withEdit((a) => {
        a.claims.talents[1].personId = 'X'
        a.claims.talents[1].year = 2015
      }),
    ),
    [{ pointer: '/claims/talents/1/personId' }],
  )
  t.same(
    applicationProblems(
      withEdit((a) => (a.claims.rdPlatforms[1].id = 'а')),
      '1.5.0',
    ),
    [],
    'a Cyrillic а is another letter, not another case (and from 1.6.0 outside the repertoire)',
  )
})

t.test('every problem is listed in one InvalidInput error', async (t) => {
  const app = withEdit((a) => {
    a.enterprise.creditCode = '91530300MA6K5A1B2H'
    a.project.prefecture = 'xian'
    a.project.industryCode = 'B33'
    a.applicationDate = '2015-02-30'
    a.claims.rdPlatforms[1].id = 'a'
  })
  const error = t.throws(() => validateApplication(app)) as unknown
  t.ok(isEngineError(error, 'InvalidInput'))
  if (!isEngineError(error, 'InvalidInput')) return
  t.equal(error.pointer, '/applicationDate', 'the pointer of the first problem, in document order')
  t.same(
    (error.details.errors as { pointer: string }[]).map((e) => e.pointer),
    [
      '/applicationDate',
      '/enterprise/creditCode',
      '/project/industryCode',
      '/project/prefecture',
      '/claims/rdPlatforms/1/id',
    ],
  )
  t.match(error.message, /^5 invalid inputs: /)
  t.match(
    error.text.zh,
    /^5 项输入无效：\/applicationDate：必须是实际存在的日历日期/,
    'the summary in Chinese',
  )
})

t.test('a single problem: its pointer and message', async (t) => {
  const error = t.throws(() =>
    validateApplication(withEdit((a) => (a.enterprise.creditCode = '91530300MA6K5A1B2I'))),
  ) as unknown
  t.ok(isEngineError(error, 'InvalidInput'))
  if (!isEngineError(error)) return
  t.equal(error.pointer, '/enterprise/creditCode')
  t.match(error.message, /^\/enterprise\/creditCode: .*"I"/)
  t.match(error.text.zh, /^\/enterprise\/creditCode：统一社会信用代码只能包含.*"I"/)
  t.equal((error.details.errors as unknown[]).length, 1)
})

t.test('the shape of the application', async (t) => {
  t.match(problemsOf(withEdit((a) => (a.enterprise = undefined))), [
    { pointer: '/enterprise', message: { en: 'is required' } },
  ])
  t.match(problemsOf(withEdit((a) => (a.enterprise.creditCode = undefined))), [
    { pointer: '/enterprise/creditCode', message: { en: 'is required' } },
  ])
  t.match(problemsOf(withEdit((a) => (a.project = 'p-1'))), [
    { pointer: '/project', message: { en: 'must be an object' } },
  ])
  t.match(problemsOf(withEdit((a) => (a.claims = []))), [
    { pointer: '/claims', message: { en: 'must be an object' } },
  ])
  t.match(problemsOf(withEdit((a) => (a.claims.rdPlatforms = {}))), [{ pointer: '/claims/rdPlatforms' }])
  t.match(problemsOf(withEdit((a) => (a.claims.rdPlatforms[0] = 'a'))), [
    { pointer: '/claims/rdPlatforms/0' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.land = 'big'))), [{ pointer: '/project/land' }])
  t.match(problemsOf(withEdit((a) => (a.project.park = []))), [{ pointer: '/project/park' }])
  t.match(problemsOf(withEdit((a) => (a.enterprise.emergingIndustryRanking = 3))), [
    { pointer: '/enterprise/emergingIndustryRanking' },
  ])
  t.match(
    problemsOf(
      withEdit(
        (a) => (a.enterprise.emergingIndustryRanking = { industry: 'biomedicine', year: 2015.5, rank: 0 }),
      ),
    ),
    [
      { pointer: '/enterprise/emergingIndustryRanking/year' },
      { pointer: '/enterprise/emergingIndustryRanking/rank' },
    ],
  )
  t.match(problemsOf(withEdit((a) => (a.project.name = '  '))), [{ pointer: '/project/name' }])
  t.match(problemsOf(withEdit((a) => (a.project.meetsAccessConditions = 'yes'))), [
    { pointer: '/project/meetsAccessConditions' },
  ])
  t.match(problemsOf(withEdit((a) => (a.project.industryCode = 3311))), [
    { pointer: '/project/industryCode', message: { en: 'must be a string' } },
  ])
})

t.test('prefecture lookup', async (t) => {
  t.match(prefecture('chuxiong'), { zh: '楚雄彝族自治州', code: '532300' })
  t.equal(prefecture('530300'), undefined, 'codes are not ids')
})

/** A valid application whose platform, first talent and project have these ids (the ledger keys). */
const withIds = (platform: string, person: string, project: string): Application => {
  const a = valid()
  a.project!.id = project
  a.claims!.rdPlatforms = [{ id: platform, kind: 'national-lab', recognisedOn: '2015-01-01' }]
  a.claims!.talents![0]!.personId = person
  return a
}

// Ruleset 1.4.0: an identifier that keys a ledger is taken only in its standard form, so one platform,
// person or project cannot be two ledger subjects ("nerc-1" and "nerc-1 " were each granted).
t.test(
  'ledger identifiers only in their standard form (1.4.0); earlier rulesets take them as written',
  async (t) => {
    t.same(
      applicationProblems(withIds('nerc-1', 'ID530102198001011234', 'GB/T 34567-2017')),
      [],
      'standard forms',
    )
    t.same(
      applicationProblems(withIds('云南省 重点实验室', 'x', 'Café'), '1.5.0'),
      [],
      'Chinese, one space inside, composed é (refused from 1.6.0: outside ASCII and Chinese)',
    )
    t.same(
      applicationProblems(withIds('Москва-1', 'β-catenin-lab', 'Αθήνα'), '1.5.0'),
      [],
      'wholly Cyrillic or Greek ids keep their letters; a Greek letter that looks like no Latin one stays (until 1.6.0)',
    )
    const cases: [string, string][] = [
      ['nerc-1 ', 'nerc-1'],
      [' nerc-1', 'nerc-1'],
      ['ｎｅｒｃ－１', 'nerc-1'],
      ['nerc\u200b-1', 'nerc-1'],
      ['\ufeffnerc-1', 'nerc-1'],
      ['nerc\t-1', 'nerc -1'],
      ['GB/T  34567', 'GB/T 34567'],
      ['GB/T\u300034567', 'GB/T 34567'],
      ['Cafe\u0301', 'Café'],
      // dashes that look like "-", and Cyrillic or Greek letters that look like Latin ones
      ['nerc\u2010rare\u2010metals', 'nerc-rare-metals'],
      ['nerc\u2013rare\u2013metals', 'nerc-rare-metals'],
      ['nerc\u2014rare\u2212metals', 'nerc-rare-metals'],
      ['n\u0435rc-rare-metals', 'nerc-rare-metals'],
      ['qj-copp\u0435r-foil', 'qj-copper-foil'],
      ['\u0391\u0392C-1', 'ABC-1'],
      ['GB/T 0000\u2013\u03bf', 'GB/T 0000-o'],
    ]
    for (const [written, standard] of cases) {
      const problems = applicationProblems(withIds(written, written, written))
      t.same(
        problems.map((p) => p.pointer),
        ['/project/id', '/claims/rdPlatforms/0/id', '/claims/talents/0/personId'],
        `${JSON.stringify(written)} refused where it keys a ledger`,
      )
      t.match(
        problems[0]?.message.en,
        JSON.stringify(standard),
        `the form to write: ${JSON.stringify(standard)}`,
      )
      t.match(problems[0]?.message.zh, '标准形式')
      t.same(
        applicationProblems(withIds(written, written, written), '1.3.0'),
        [],
        'a 1.3.0 decision replays as sent',
      )
    }
    t.same(
      applicationProblems(withIds('\u200b', 'x', 'p')).map((p) => [p.pointer, p.message.en]),
      [['/claims/rdPlatforms/0/id', 'must contain a visible character']],
    )
    // two spellings of one platform in one application: the second is refused (not paid twice)
    const twice = valid()
    twice.claims!.rdPlatforms = [
      { id: 'dup-ws', kind: 'national-lab', recognisedOn: '2015-01-01' },
      { id: 'dup-ws ', kind: 'national-lab', recognisedOn: '2015-01-01' },
    ]
    t.same(
      applicationProblems(twice).map((p) => p.pointer),
      ['/claims/rdPlatforms/1/id'],
    )
  },
)

// Ruleset 1.6.0: characters the standard form let through made new ledger subjects, each granted
// again ("AEC-1" with a combining grapheme joiner, "ВХТ-7" wholly in Cyrillic, a person's id ending in
// a Cyrillic "Х", Arabic-Indic digits): an identifier holds printable ASCII and Chinese only.
t.test('ledger identifiers within printable ASCII and Chinese characters (1.6.0)', async (t) => {
  t.same(
    applicationProblems(withIds('云南省 重点实验室', '53010219900101123X', 'GB/T 34567-2017')),
    [],
    'ASCII, Chinese and one space inside',
  )
  t.same(
    applicationProblems(withIds('二〇一五年 项目', '𠀀𪚥-1', '曲靖铜箔 (二期)')),
    [],
    'ideographs beyond the basic block, 〇, ASCII brackets',
  )
  const refused: [string, string][] = [
    ['AEC\u034f-1', 'U+034F'],
    ['AEC-1\ufe0f', 'U+FE0F'],
    ['AEC-1\u2800', 'U+2800'],
    ['BXT-7\u1160', 'U+1160'],
    ['BXT-7\u115f', 'U+115F'],
    ['BXT-7\u180b', 'U+180B'],
    ['BXT-7\u17b4', 'U+17B4'],
    ['AEC-\u0661', 'U+0661'],
    ['\u0968\u0966\u0967\u096b-001', 'U+0968'],
    ['AEC\u02d71', 'U+02D7'],
    ['BXT\u20437', 'U+2043'],
    ['\u0410\u0415\u0421-1', 'U+0410'],
    ['\u0412\u0425\u0422-7', 'U+0412'],
    ['53010219900101123\u0425', 'U+0425'],
    ['53010219900101123\u03a7', 'U+03A7'],
    ['Café', 'U+00E9'],
  ]
  for (const [written, code] of refused) {
    const problems = applicationProblems(withIds(written, written, written))
    t.same(
      problems.map((p) => p.pointer),
      ['/project/id', '/claims/rdPlatforms/0/id', '/claims/talents/0/personId'],
      `${JSON.stringify(written)} refused where it keys a ledger`,
    )
    t.match(problems[0]?.message.en, `, ${code} (`, `naming ${code}`)
    t.match(problems[0]?.message.zh, `ASCII 可打印字符（字母、数字、标点、空格）和汉字`)
    t.same(applicationProblems(withIds(written, written, written), '1.5.0'), [], 'a 1.5.0 decision replays')
  }
  t.match(
    applicationProblems(withIds('曲靖\u034f铜箔', 'x', 'p'))[0]?.message,
    { en: /character 3, U\+034F/, zh: /第 3 个字符 U\+034F/ },
    'the position counts characters, not UTF-16 units',
  )
  t.match(
    applicationProblems(withIds('𠀀𠀀\u034f', 'x', 'p'))[0]?.message.en,
    /character 3,/,
    'two astral ideographs before it are two characters',
  )
  // the enterprise's and other names are not ledger keys: their characters are not restricted
  const named = valid()
  named.enterprise.name = 'Société Générale (Yunnan) Ω'
  t.same(applicationProblems(named), [], 'names are free text')
})
