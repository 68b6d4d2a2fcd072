// The stored compact record, format 3 (src/engine/stored-record.ts): the same facts as the engine's
// record in fewer bytes (issue #10: the 12-measure record ≤ 8 KB), read back exactly. Rendering from
// it is checked byte for byte against the goldens in test/engine/golden.test.ts; here: the frozen code
// lists, the size, and the forms a record may hold.

import { createHash } from 'node:crypto'
import t from 'tap'
import { FULL_APPLICATION } from '../../bench/application.ts'
import { decideCompact } from '../../src/engine/decide.ts'
import { definitions } from '../../src/engine/facts.ts'
import { MEASURES } from '../../src/engine/measures/index.ts'
import { DEFAULT_PARAMETERS, PARAMETER_DEFINITIONS } from '../../src/engine/parameters/index.ts'
import { FACT_KEYS, MEASURE_IDS, PARAMETER_NAMES } from '../../src/engine/record-codes.ts'
import { isStoredRecord, recordOf, type StoredRecord, storedRecord } from '../../src/engine/stored-record.ts'
import { deepProcessing } from '../helpers/fixtures.ts'

const digest = (list: readonly string[]) => createHash('sha256').update(JSON.stringify(list)).digest('hex')
/** The benchmark's stored application: one measure applied for, the others missing inputs. */
const SPARSE_APPLICATION = deepProcessing('sparse', '120000000.00')
const roundTrip = (r: StoredRecord) => recordOf(JSON.parse(JSON.stringify(r)) as StoredRecord)

t.test('the code lists begin exactly as they were frozen (entries are only ever appended)', async (t) => {
  // Stored records are read with these lists for ever: a changed, removed or reordered entry would
  // make every record stored before read another key. Append new entries after these.
  t.equal(
    digest(FACT_KEYS.slice(0, 88)),
    '4af1b01ea648a156e185be2a103fd1f826020da6e88e56cbb5d4fc44ef600b23',
    'fact keys 0..87',
  )
  t.equal(
    digest(PARAMETER_NAMES.slice(0, 92)),
    '98259a9f70f3477fb1bbdec406c08c3e784e80143a6956090a59336bf8f6349a',
    'parameter names 0..91',
  )
  t.equal(
    digest(MEASURE_IDS.slice(0, 12)),
    '3c2de0a26f6b318c5e3867b69fb10a3811b4b7122c57161ca4949b81c06571b2',
    'measure ids 0..11',
  )
  for (const list of [FACT_KEYS, PARAMETER_NAMES, MEASURE_IDS])
    t.equal(new Set(list).size, list.length, 'no entry twice')
})

t.test('every fact key, parameter name and measure has a code', async (t) => {
  const d = definitions()
  const keys = new Set([...d.conditions, ...d.steps, ...d.notes].map(([, def]) => def.key))
  t.same(
    [...keys].filter((k) => !FACT_KEYS.includes(k)),
    [],
    'fact keys without a code (append them)',
  )
  t.same(
    PARAMETER_DEFINITIONS.map((p) => p.name).filter((n) => !PARAMETER_NAMES.includes(n)),
    [],
    'parameter names without a code (append them)',
  )
  t.same(
    MEASURES.map((m) => m.id).filter((id) => !MEASURE_IDS.includes(id)),
    [],
    'measures without a code (append them)',
  )
})

t.test('the 12-measure record of the benchmark application is at most 8 KB stored', async (t) => {
  const record = decideCompact(FULL_APPLICATION)
  t.equal(record.outcomes.length, 12)
  const bytes = Buffer.byteLength(JSON.stringify(storedRecord(record)))
  t.ok(bytes <= 8192, `${bytes} B stored (the working form: ${Buffer.byteLength(JSON.stringify(record))} B)`)
  t.same(roundTrip(storedRecord(record)), JSON.parse(JSON.stringify(record)), 'read back exactly')
  t.equal(storedRecord(record).ruleset, record.ruleset.version, "the ruleset's id is left out")
})

t.test('format 1 (stored between migrations T1545 and T1700) is read as it is', async (t) => {
  const record = JSON.parse(JSON.stringify(decideCompact(FULL_APPLICATION)))
  t.notOk(isStoredRecord(record))
  t.equal(recordOf(record), record, 'the same object')
  t.ok(isStoredRecord(storedRecord(record)))
})

t.test('overrides, another ruleset id and keys without a code are kept', async (t) => {
  const parameters = DEFAULT_PARAMETERS.withOverrides({ 'interestSubsidy.rate': '0.07' })
  const record = JSON.parse(JSON.stringify(decideCompact(FULL_APPLICATION, { parameters })))
  t.ok(record.overriddenParameters.length > 0)
  t.same(roundTrip(storedRecord(record)), record, 'an override (a copy) round-trips')
  const odd = structuredClone(record)
  odd.ruleset.id = 'another-ruleset'
  odd.outcomes[0].trace.c.push(['a-key-without-code', false, 1, 2])
  odd.outcomes[0].trace.n.push(['a-note-without-code'])
  odd.parametersUsed.push(['a.parameter.without.code', '2014-01-01'])
  const stored = storedRecord(odd)
  t.match(JSON.stringify(stored), /a-key-without-code/, 'an uncoded key is stored as itself')
  t.same(roundTrip(stored), odd, 'and read back')
})

t.test('a code the lists do not hold is an error, never another key', async (t) => {
  const stored = JSON.parse(JSON.stringify(storedRecord(decideCompact(FULL_APPLICATION))))
  stored.outcomes[0].t.c[0] = 100000
  t.throws(() => recordOf(stored), /unknown code 100000/)
})

t.test('format 3: a missing-input reason is its bare code, read back word for word', async (t) => {
  const record = decideCompact(SPARSE_APPLICATION)
  const stored = JSON.parse(JSON.stringify(storedRecord(record))) as StoredRecord
  t.equal(stored.format, 3)
  const bare = stored.outcomes.filter((o) => o.r?.includes('MISSING_INPUT'))
  t.ok(bare.length >= 5, `${bare.length} outcomes hold the bare code`)
  const missing = record.outcomes.filter((o) => o.reasons.some((r) => r.code === 'MISSING_INPUT'))
  t.ok(missing.length >= bare.length, 'only missing-input reasons are bare')
  t.same(roundTrip(stored), JSON.parse(JSON.stringify(record)), 'read back exactly, texts and fields')
  t.equal(
    JSON.stringify(recordOf(stored)),
    JSON.stringify(record),
    'members in the same order, so the rendering is the same bytes',
  )

  // A format 2 record (stored before) holds every reason whole: it reads the same.
  const format2 = JSON.parse(JSON.stringify(stored))
  format2.format = 2
  for (const [i, o] of format2.outcomes.entries()) if (o.r) o.r = record.outcomes[i]!.reasons
  t.ok(isStoredRecord(format2), 'format 2 is still a stored record')
  t.same(recordOf(format2), recordOf(stored), 'format 2 and 3 read the same')

  // A missing-input reason worded otherwise is kept whole.
  const odd = decideCompact(SPARSE_APPLICATION)
  const outcome = odd.outcomes.find((o) => o.reasons[0]?.code === 'MISSING_INPUT')!
  outcome.reasons[0] = { ...outcome.reasons[0]!, message: { zh: '另一种措辞', en: 'worded otherwise' } }
  const kept = storedRecord(odd).outcomes.find((o) => o.m === MEASURE_IDS.indexOf(outcome.measure))!
  t.same(kept.r, [outcome.reasons[0]], 'kept whole')
  t.same(roundTrip(storedRecord(odd)), JSON.parse(JSON.stringify(odd)), 'and read back')

  // A bare code with no details.missing to read it from is an error, never an empty reason.
  const broken = JSON.parse(JSON.stringify(stored))
  delete broken.outcomes.find((o: { r?: unknown[] }) => o.r?.includes('MISSING_INPUT')).d
  t.throws(() => recordOf(broken), /bare MISSING_INPUT/)
})
