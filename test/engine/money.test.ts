// Exact money and ratios (POLICY.md §0): parse and format, half-up rounding to the fen, no float
// drift, fractions kept exact in traces. Every expected value is computed by hand.

import t from 'tap'
import { formatFen, ONE, parseFen, Rational, sum, ZERO } from '../../src/engine/money.ts'

const r = (text: string) => Rational.parse(text)

t.test('parse and format decimals', async (t) => {
  t.equal(r('120000000.00').toMoney(), '120000000.00')
  t.equal(r('120000000.00').toString(), '120000000')
  t.equal(r('0.06').toString(), '0.06')
  t.equal(r('-3').toString(), '-3')
  t.equal(r('007.50').toString(), '7.5', 'leading zeros and trailing zeros')
  t.equal(r('-0.5').toMoney(), '-0.50')
  t.equal(r('0').toMoney(), '0.00')
  t.equal(r('5').toMoney(), '5.00')
  t.equal(r('0.1').toMoney(), '0.10')
  t.equal(JSON.stringify({ v: r('0.25') }), '{"v":"0.25"}', 'toJSON is the exact value')
  for (const bad of ['', '1e5', '.5', '1.', '+1', '1,000.00', ' 1', '0x10', 'NaN', '1.2.3']) {
    t.throws(() => r(bad), RangeError, `rejects ${JSON.stringify(bad)}`)
    t.notOk(Rational.isDecimal(bad))
  }
  t.ok(Rational.isDecimal('-12.345'))
})

t.test('formatFen', async (t) => {
  t.equal(formatFen(720000000n), '7200000.00')
  t.equal(formatFen(5n), '0.05')
  t.equal(formatFen(50n), '0.50')
  t.equal(formatFen(0n), '0.00')
  t.equal(formatFen(-5n), '-0.05')
  t.equal(formatFen(-123456n), '-1234.56')
})

t.test('half-up rounding to the fen (half away from zero)', async (t) => {
  const cases: [string, string][] = [
    ['0.005', '0.01'],
    ['0.004', '0.00'],
    ['0.0049999', '0.00'],
    ['0.015', '0.02'],
    ['0.025', '0.03'], // banker's rounding would give 0.02
    ['1.005', '1.01'], // binary float gives 1.00
    ['2.675', '2.68'], // binary float gives 2.67
    ['617.2835', '617.28'],
    ['-0.005', '-0.01'],
    ['-0.004', '0.00'],
    ['-1.005', '-1.01'],
    ['-2.675', '-2.68'],
    ['-0.015', '-0.02'],
    ['7200000', '7200000.00'],
  ]
  for (const [input, expected] of cases) t.equal(r(input).toMoney(), expected, `${input} → ${expected}`)
  t.equal(r('-0.004').toFenHalfUp(), 0n, 'no negative zero')
  t.equal(Rational.of(1n, 3n).toMoney(), '0.33')
  t.equal(Rational.of(2n, 3n).toMoney(), '0.67')
  t.equal(Rational.of(-2n, 3n).toMoney(), '-0.67')
  t.equal(Rational.of(1n, 200n).toMoney(), '0.01', '1/200 = 0.005 exactly → up')
  t.equal(Rational.of(-1n, 200n).toMoney(), '-0.01')
  t.equal(Rational.of(1n, 201n).toMoney(), '0.00', 'just below half')
})

t.test('1.4 × 0.6 equals 0.84 exactly (POLICY.md §0)', async (t) => {
  const product = r('1.4').times(r('0.6'))
  t.ok(product.eq(r('0.84')))
  t.equal(product.cmp(r('0.84')), 0)
  t.ok(product.gte(r('0.84')) && product.lte(r('0.84')))
  t.equal(product.toString(), '0.84')
  t.ok(r('0.1').plus(r('0.2')).eq(r('0.3')), '0.1 + 0.2 = 0.3')
  t.ok(r('0.06').times(r('120000000.00')).eq(r('7200000')), '§5 example 1')
  t.ok(r('10000000.00').minus(r('7200000.00')).eq(r('2800000')), '§5 example 2')
})

t.test('arithmetic and comparison', async (t) => {
  t.equal(r('1.5').plus(r('2.25')).toString(), '3.75')
  t.equal(r('1.5').minus(r('2.25')).toString(), '-0.75')
  t.equal(r('2').dividedBy(r('8')).toString(), '0.25')
  t.equal(r('3').plus(r('4')).toString(), '7', 'same denominator')
  t.ok(r('0.5').lt(r('0.51')) && r('0.51').gt(r('0.5')))
  t.equal(r('0.5').min(r('0.4')).toString(), '0.4')
  t.equal(r('0.5').max(r('0.4')).toString(), '0.5')
  t.ok(ZERO.isZero() && !ONE.isZero())
  t.ok(r('-1').isNegative() && !r('1').isNegative())
  t.equal(sum([]).toString(), '0')
  t.equal(sum([r('0.10'), r('0.20'), r('0.30')]).toMoney(), '0.60')
  t.equal(Rational.int(7).toString(), '7')
  t.equal(Rational.fromFen(123n).toString(), '1.23')
  t.throws(() => Rational.of(1n, 0n), RangeError)
  t.throws(() => r('1').dividedBy(ZERO), RangeError)
})

t.test('fractions in toString, and toYuan', async (t) => {
  t.equal(Rational.of(2000000n, 3n).toString(), '2000000/3')
  t.equal(Rational.of(1n, -3n).toString(), '-1/3', 'sign on the numerator')
  t.equal(Rational.of(2n, 4n).toString(), '0.5', 'reduced')
  t.equal(Rational.of(6n, 4n).toString(), '1.5')
  t.equal(Rational.of(1n, 8n).toString(), '0.125')
  t.equal(Rational.of(-1n, 8n).toString(), '-0.125')
  t.equal(Rational.of(1n, 6n).toString(), '1/6', '6 = 2 × 3 does not terminate')
  t.equal(Rational.of(-7n, 1000n).toString(), '-0.007')
  t.equal(r('7200000').toYuan(), '7200000.00')
  t.equal(r('617.2835').toYuan(), '617.2835', 'a trace shows what rounding hides')
  t.equal(Rational.of(2000000n, 3n).toYuan(), '2000000/3')
  t.equal(r('-0.5').toYuan(), '-0.50')
})

t.test('parseFen', async (t) => {
  t.equal(parseFen('1234.5'), 123450n)
  t.equal(parseFen('1234.50'), 123450n)
  t.equal(parseFen('1234'), 123400n)
  t.equal(parseFen('0.01'), 1n)
  t.equal(parseFen('-0.01'), -1n)
  t.equal(parseFen('10000000.00'), 1000000000n)
  t.throws(() => parseFen('1.005'), RangeError, 'three decimals')
  t.throws(() => parseFen('0.001'), RangeError, 'three decimals')
  t.throws(() => parseFen('abc'), RangeError)
  t.throws(() => parseFen(''), RangeError)
})

// toString and toDecimal have a safe-integer path (no bigints) beside the bigint one; both must give
// the text of the exact value. The reference below is the bigint arithmetic, written out here.
t.test('toString and toDecimal on safe integers equal the bigint arithmetic', async (t) => {
  const reference = (n: bigint, d: bigint): { string: string; decimal: string } => {
    let rest = d
    let twos = 0
    let fives = 0
    while (rest % 2n === 0n) {
      rest /= 2n
      twos++
    }
    while (rest % 5n === 0n) {
      rest /= 5n
      fives++
    }
    const digits = (scaled: bigint, places: number): string => {
      const negative = scaled < 0n
      const text = (negative ? -scaled : scaled).toString().padStart(places + 1, '0')
      return `${negative ? '-' : ''}${text.slice(0, -places)}.${text.slice(-places)}`
    }
    if (rest !== 1n) {
      const text = digits((n * 10n ** 6n) / d, 6)
      return { string: `${n}/${d}`, decimal: `${n < 0n && !text.startsWith('-') ? '-' : ''}${text}…` }
    }
    const places = Math.max(twos, fives)
    const text = places === 0 ? n.toString() : digits((n * 10n ** BigInt(places)) / d, places)
    return { string: text, decimal: text }
  }
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b))
  // a fixed pseudo-random sequence (no Math.random: a failure must replay)
  let seed = 12345
  const next = (bound: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % bound
  }
  const denominators = [
    1,
    2,
    3,
    4,
    5,
    7,
    8,
    16,
    25,
    31,
    73,
    100,
    365,
    366,
    1024,
    3125,
    10000,
    2 ** 20,
    5 ** 10,
  ]
  const numerators = [0, 1, -1, 5, -7, 123456789, -987654321, 2 ** 40 + 3, -(2 ** 45) - 1, 9007199254740991]
  for (let i = 0; i < 300; i++) {
    const n = BigInt(
      i < 100 ? numerators[i % numerators.length]! : (next(2 ** 30) - 2 ** 29) * (next(1000) + 1),
    )
    const d = BigInt(denominators[next(denominators.length)]!)
    const g = gcd(n, d) || 1n
    const value = Rational.of(n, d)
    const expected = reference(n / g, d / g)
    t.equal(value.toString(), expected.string, `${n}/${d} toString`)
    t.equal(value.toDecimal(), expected.decimal, `${n}/${d} toDecimal`)
  }
})
