// Exact arithmetic for money and ratios (POLICY.md §0: "Money is exact", "Ratios are exact").
//
// A Rational is a reduced fraction of two bigints. Decimal inputs ("0.06", "120000000.00") parse
// exactly; products stay exact; the one division the policy needs (proration by days, §0 (b)) stays
// exact too. Nothing is rounded until a measure's final amount, which is rounded half-up to the fen
// once, after its cap (POLICY.md §0).

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a
  let y = b < 0n ? -b : b
  while (y !== 0n) {
    const r = x % y
    x = y
    y = r
  }
  return x
}

const POWERS_OF_TEN: bigint[] = [1n]
const pow10 = (k: number): bigint => {
  for (let i = POWERS_OF_TEN.length; i <= k; i++) POWERS_OF_TEN.push(POWERS_OF_TEN[i - 1]! * 10n)
  return POWERS_OF_TEN[k]!
}

export class Rational {
  /** numerator; carries the sign */
  readonly n: bigint
  /** denominator; always > 0 */
  readonly d: bigint

  private constructor(n: bigint, d: bigint) {
    this.n = n
    this.d = d
  }

  static of(n: bigint, d: bigint = 1n): Rational {
    if (d === 0n) throw new RangeError('division by zero')
    if (d < 0n) {
      n = -n
      d = -d
    }
    if (d === 1n) return new Rational(n, 1n)
    const g = gcd(n, d)
    return g === 1n ? new Rational(n, d) : new Rational(n / g, d / g)
  }

  /** Parses a plain decimal string such as "120000000.00", "0.06" or "-3". */
  static parse(text: string): Rational {
    // Rationals are immutable, so the same text can share one value: parameters and amounts are
    // parsed again and again by every evaluation.
    const cached = PARSED.get(text)
    if (cached) return cached
    const m = DECIMAL.exec(text)
    if (!m) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`)
    const fraction = m[3] ?? ''
    const n = BigInt(m[2]! + fraction) * (m[1] ? -1n : 1n)
    const value = Rational.of(n, pow10(fraction.length))
    if (PARSED.size >= PARSE_CACHE_SIZE) PARSED.clear()
    PARSED.set(text, value)
    return value
  }

  static isDecimal(text: string): boolean {
    return DECIMAL.test(text)
  }

  static fromFen(fen: bigint): Rational {
    return Rational.of(fen, 100n)
  }

  static int(k: number | bigint): Rational {
    return new Rational(BigInt(k), 1n)
  }

  plus(o: Rational): Rational {
    if (this.d === o.d) return Rational.of(this.n + o.n, this.d)
    return Rational.of(this.n * o.d + o.n * this.d, this.d * o.d)
  }

  minus(o: Rational): Rational {
    if (this.d === o.d) return Rational.of(this.n - o.n, this.d)
    return Rational.of(this.n * o.d - o.n * this.d, this.d * o.d)
  }

  times(o: Rational): Rational {
    return Rational.of(this.n * o.n, this.d * o.d)
  }

  dividedBy(o: Rational): Rational {
    return Rational.of(this.n * o.d, this.d * o.n)
  }

  cmp(o: Rational): -1 | 0 | 1 {
    const l = this.n * o.d
    const r = o.n * this.d
    return l < r ? -1 : l > r ? 1 : 0
  }

  eq(o: Rational): boolean {
    return this.n === o.n && this.d === o.d
  }
  lt(o: Rational): boolean {
    return this.cmp(o) < 0
  }
  lte(o: Rational): boolean {
    return this.cmp(o) <= 0
  }
  gt(o: Rational): boolean {
    return this.cmp(o) > 0
  }
  gte(o: Rational): boolean {
    return this.cmp(o) >= 0
  }
  isZero(): boolean {
    return this.n === 0n
  }
  isNegative(): boolean {
    return this.n < 0n
  }

  min(o: Rational): Rational {
    return this.lte(o) ? this : o
  }
  max(o: Rational): Rational {
    return this.gte(o) ? this : o
  }

  /** Rounds half-up (half away from zero) to whole fen: the one rounding of a measure. */
  toFenHalfUp(): bigint {
    const scaled = this.n * 100n
    const q = scaled / this.d
    const r = scaled % this.d
    const twice = (r < 0n ? -r : r) * 2n
    if (twice >= this.d) return scaled < 0n ? q - 1n : q + 1n
    return q
  }

  /** Money on the wire: rounded half-up to the fen, exactly two decimals. */
  toMoney(): string {
    return formatFen(this.toFenHalfUp())
  }

  /**
   * The exact value for a trace: a plain decimal when it terminates ("0.84", "7200000"),
   * otherwise the reduced fraction ("2000000/3").
   */
  toString(): string {
    let d = this.d
    let twos = 0
    let fives = 0
    while (d % 2n === 0n) {
      d /= 2n
      twos++
    }
    while (d % 5n === 0n) {
      d /= 5n
      fives++
    }
    if (d !== 1n) return `${this.n}/${this.d}`
    const places = Math.max(twos, fives)
    if (places === 0) return this.n.toString()
    const scaled = (this.n * pow10(places)) / this.d
    const negative = scaled < 0n
    const digits = (negative ? -scaled : scaled).toString().padStart(places + 1, '0')
    const text = `${digits.slice(0, -places)}.${digits.slice(-places)}`
    return negative ? `-${text}` : text
  }

  /**
   * A money value for a trace: two decimals when exact to the fen ("7200000.00"), otherwise the
   * exact value (a longer decimal or a fraction), so a trace never hides a rounding.
   */
  toYuan(): string {
    if ((this.n * 100n) % this.d === 0n) return formatFen((this.n * 100n) / this.d)
    return this.toString()
  }

  toJSON(): string {
    return this.toString()
  }
}

const PARSE_CACHE_SIZE = 4096
const PARSED = new Map<string, Rational>()

export const ZERO = Rational.int(0)
export const ONE = Rational.int(1)

/** Formats whole fen as yuan with exactly two decimals: 720000000n → "7200000.00". */
export const formatFen = (fen: bigint): string => {
  const negative = fen < 0n
  const digits = (negative ? -fen : fen).toString().padStart(3, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`
}

/** Parses a money string ("1234.5", "1234.50") to whole fen; more than two decimals is an error. */
export const parseFen = (text: string): bigint => {
  const m = DECIMAL.exec(text)
  if (!m || (m[3] ?? '').length > 2)
    throw new RangeError(`not an amount in yuan with at most 2 decimals: ${text}`)
  const fen = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'))
  return m[1] ? -fen : fen
}

export const sum = (values: readonly Rational[]): Rational => values.reduce((a, b) => a.plus(b), ZERO)

/**
 * Splits `total` (rounded half-up to the fen once) among `parts` (non-negative) so that the shares,
 * in whole fen, sum to it exactly: each part gets its amount rounded down to the fen, and the fens
 * left go one each to the parts with the largest remainders (ties: the earlier part). The largest
 * remainder (Hamilton) method.
 */
export const allocateFen = (parts: readonly Rational[]): { total: bigint; shares: bigint[] } => {
  const total = sum(parts).toFenHalfUp()
  const floors = parts.map((p) => (p.n * 100n) / p.d)
  let left = total - floors.reduce((a, b) => a + b, 0n)
  // remainder of part i, in fen: (n·100 mod d) / d — compared exactly by cross-multiplying
  const order = parts
    .map((p, i) => ({ i, r: (p.n * 100n) % p.d, d: p.d }))
    .sort((a, b) => {
      const x = a.r * b.d
      const y = b.r * a.d
      return x === y ? a.i - b.i : x > y ? -1 : 1
    })
  const shares = [...floors]
  for (const { i } of order) {
    if (left <= 0n) break
    shares[i] = shares[i]! + 1n
    left -= 1n
  }
  return { total, shares }
}
