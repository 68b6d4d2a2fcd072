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
  // Two representations of one exact value, so the common case costs no bigint arithmetic: safe
  // integers (|x| ≤ 2^53 − 1) in `sn`/`sd` while numerator and denominator fit, bigints in `bn`/`bd`
  // (and `sn`/`sd` NaN) once a product or sum would not. Every operation that can overflow checks
  // its result with Number.isSafeInteger (a product beyond 2^53 never comes back as a safe integer)
  // and redoes the work in bigint; so the value is always exact, whichever representation holds it.
  private readonly sn: number
  private readonly sd: number
  private readonly bn: bigint | null
  private readonly bd: bigint | null

  private constructor(sn: number, sd: number, bn: bigint | null, bd: bigint | null) {
    this.sn = sn
    this.sd = sd
    this.bn = bn
    this.bd = bd
  }

  /** numerator; carries the sign */
  get n(): bigint {
    return this.bn ?? BigInt(this.sn)
  }
  /** denominator; always > 0 */
  get d(): bigint {
    return this.bd ?? BigInt(this.sd)
  }
  /** The numerator and denominator as safe integers, or null when they do not fit. */
  get small(): readonly [number, number] | null {
    return this.bn === null ? [this.sn, this.sd] : null
  }

  static of(n: bigint, d: bigint = 1n): Rational {
    if (d === 0n) throw new RangeError('division by zero')
    if (d < 0n) {
      n = -n
      d = -d
    }
    if (d === 1n) return fromBig(n, 1n)
    const g = gcd(n, d)
    return g === 1n ? fromBig(n, d) : fromBig(n / g, d / g)
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
    // a safe integer of fen (every amount the policy pays) reduces without bigint arithmetic
    if (fen <= MAX_SAFE && fen >= -MAX_SAFE) return Rational.ofSmall(Number(fen), 100)
    return Rational.of(fen, 100n)
  }

  static int(k: number | bigint): Rational {
    return typeof k === 'number' && Number.isSafeInteger(k)
      ? new Rational(k, 1, null, null)
      : fromBig(BigInt(k), 1n)
  }

  /** An exact value from safe integers (d > 0), reduced. */
  static ofSmall(n: number, d: number): Rational {
    return small(n, d) ?? Rational.of(BigInt(n), BigInt(d))
  }

  /**
   * The value as plain JSON for a stored fact: an integer, [numerator, denominator] as safe
   * integers, or "n/d" when they do not fit. Exact, and no number is ever a binary fraction.
   */
  toCompact(): number | [number, number] | string {
    if (this.bn === null) return this.sd === 1 ? this.sn : [this.sn, this.sd]
    return `${this.bn}/${this.bd}`
  }

  static fromCompact(v: number | readonly [number, number] | string): Rational {
    if (typeof v === 'number') return Rational.ofSmall(v, 1)
    if (typeof v === 'string') {
      const slash = v.indexOf('/')
      return Rational.of(BigInt(v.slice(0, slash)), BigInt(v.slice(slash + 1)))
    }
    return Rational.ofSmall(v[0], v[1])
  }

  plus(o: Rational): Rational {
    if (this.bn === null && o.bn === null) {
      const r =
        this.sd === o.sd
          ? small(this.sn + o.sn, this.sd)
          : small(this.sn * o.sd + o.sn * this.sd, this.sd * o.sd)
      if (r) return r
    }
    return Rational.of(this.n * o.d + o.n * this.d, this.d * o.d)
  }

  minus(o: Rational): Rational {
    if (this.bn === null && o.bn === null) {
      const r =
        this.sd === o.sd
          ? small(this.sn - o.sn, this.sd)
          : small(this.sn * o.sd - o.sn * this.sd, this.sd * o.sd)
      if (r) return r
    }
    return Rational.of(this.n * o.d - o.n * this.d, this.d * o.d)
  }

  times(o: Rational): Rational {
    if (this.bn === null && o.bn === null) {
      // cross-reduce first: keeps the products small (0.25 × 1200000/31 stays far below 2^53)
      const g1 = gcdSmall(this.sn, o.sd)
      const g2 = gcdSmall(o.sn, this.sd)
      const n = (this.sn / g1) * (o.sn / g2)
      const d = (this.sd / g2) * (o.sd / g1)
      // Both factors are reduced (every Rational is), so after the cross-reduction no prime divides
      // both n and d: the result is reduced as it stands, and small()'s gcd would be 1. Zero is left
      // to small() (0/d reduces to 0/1).
      if (n !== 0 && Number.isSafeInteger(n) && Number.isSafeInteger(d))
        return new (Rational as unknown as RationalCtor)(n, d, null, null)
      const r = small(n, d)
      if (r) return r
    }
    return Rational.of(this.n * o.n, this.d * o.d)
  }

  dividedBy(o: Rational): Rational {
    if (o.isZero()) throw new RangeError('division by zero')
    if (this.bn === null && o.bn === null) {
      const sign = o.sn < 0 ? -1 : 1
      const r = small(sign * this.sn * o.sd, sign * this.sd * o.sn)
      if (r) return r
    }
    return Rational.of(this.n * o.d, this.d * o.n)
  }

  cmp(o: Rational): -1 | 0 | 1 {
    if (this.bn === null && o.bn === null) {
      if (this.sd === o.sd) return this.sn < o.sn ? -1 : this.sn > o.sn ? 1 : 0
      const l = this.sn * o.sd
      const r = o.sn * this.sd
      if (Number.isSafeInteger(l) && Number.isSafeInteger(r)) return l < r ? -1 : l > r ? 1 : 0
    }
    const l = this.n * o.d
    const r = o.n * this.d
    return l < r ? -1 : l > r ? 1 : 0
  }

  eq(o: Rational): boolean {
    if (this.bn === null && o.bn === null) return this.sn === o.sn && this.sd === o.sd
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
    return this.bn === null ? this.sn === 0 : this.bn === 0n
  }
  isNegative(): boolean {
    return this.bn === null ? this.sn < 0 : this.bn < 0n
  }

  min(o: Rational): Rational {
    return this.lte(o) ? this : o
  }
  max(o: Rational): Rational {
    return this.gte(o) ? this : o
  }

  /** Whole fen, rounded half-up (half away from zero), as a safe integer; null when it does not fit. */
  fenHalfUp(): number | null {
    if (this.bn !== null) return null
    const scaled = this.sn * 100
    if (!Number.isSafeInteger(scaled)) return null
    if (this.sd === 1) return scaled === 0 ? 0 : scaled // whole yuan (most amounts): no division
    // % and the division of a multiple are exact on safe integers (no float rounding)
    const r = remainder(scaled, this.sd)
    const q = (scaled - r) / this.sd
    if (Math.abs(r) * 2 >= this.sd) return scaled < 0 ? q - 1 : q + 1
    return q === 0 ? 0 : q // no negative zero
  }

  /** Rounds half-up (half away from zero) to whole fen: the one rounding of a measure. */
  toFenHalfUp(): bigint {
    const fast = this.fenHalfUp()
    if (fast !== null) return BigInt(fast)
    const n = this.n
    const d = this.d
    const scaled = n * 100n
    const q = scaled / d
    const r = scaled % d
    const twice = (r < 0n ? -r : r) * 2n
    if (twice >= d) return scaled < 0n ? q - 1n : q + 1n
    return q
  }

  /** The value rounded half-up to the fen, as a Rational (the one rounding of a measure). */
  roundedToFen(): Rational {
    const fast = this.fenHalfUp()
    return fast !== null ? Rational.ofSmall(fast, 100) : Rational.fromFen(this.toFenHalfUp())
  }

  /** Money on the wire: rounded half-up to the fen, exactly two decimals. */
  toMoney(): string {
    const fast = this.fenHalfUp()
    return fast !== null ? formatFenNumber(fast) : formatFen(this.toFenHalfUp())
  }

  /** Whether the value is a whole number of fen (so toYuan shows it with exactly two decimals). */
  isWholeFen(): boolean {
    if (this.bn === null) return 100 % this.sd === 0
    return (this.bn * 100n) % this.bd! === 0n
  }

  /** Whether the decimal expansion terminates (the denominator has no prime factor but 2 and 5). */
  terminates(): boolean {
    if (this.bn === null) {
      // safe integers: / 2 and / 5 of a multiple are exact
      let d = this.sd
      while (d % 2 === 0) d /= 2
      while (d % 5 === 0) d /= 5
      return d === 1
    }
    let d = this.bd!
    while (d % 2n === 0n) d /= 2n
    while (d % 5n === 0n) d /= 5n
    return d === 1n
  }

  /**
   * The exact value for a trace: a plain decimal when it terminates ("0.84", "7200000"),
   * otherwise the reduced fraction ("2000000/3").
   */
  toString(): string {
    if (this.bn === null) {
      if (this.sd === 1) return String(this.sn)
      const fast = this.smallString()
      if (fast !== null) return fast
    }
    const n = this.n
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
    if (d !== 1n) return `${n}/${this.d}`
    const places = Math.max(twos, fives)
    if (places === 0) return n.toString()
    return decimalDigits((n * pow10(places)) / this.d, places)
  }

  /** toString() on safe integers, or null when the scaled numerator would not be one. */
  private smallString(): string | null {
    let d = this.sd
    let twos = 0
    let fives = 0
    while (d % 2 === 0) {
      d /= 2
      twos++
    }
    while (d % 5 === 0) {
      d /= 5
      fives++
    }
    if (d !== 1) return `${this.sn}/${this.sd}`
    const places = Math.max(twos, fives)
    if (places > 15) return null
    // sd divides 10^places, so the scaled numerator is sn × (10^places / sd), a whole number
    const scaled = this.sn * (SMALL_POWERS_OF_TEN[places]! / this.sd)
    return Number.isSafeInteger(scaled) ? decimalDigitsSmall(scaled, places) : null
  }

  /**
   * The value as a decimal, never a fraction: exact when it terminates, else its first `places`
   * decimals (truncated toward zero) followed by "…" ("316438.356164…"). Used by the presentation
   * of ruleset 1.2.0, which shows intermediate quantities as decimals and the rounding as a step.
   */
  toDecimal(places = 6): string {
    if (this.terminates()) return this.toString()
    let text: string | undefined
    if (this.bn === null && places <= 15) {
      const a = this.sn * SMALL_POWERS_OF_TEN[places]!
      if (Number.isSafeInteger(a)) {
        // truncated toward zero, exactly: % and the division of a multiple are exact on safe integers
        const r = a % this.sd
        text = decimalDigitsSmall((a - r) / this.sd, places)
      }
    }
    text ??= decimalDigits((this.n * pow10(places)) / this.d, places)
    // a value between −1 and 0 truncates to "0.000…": keep its sign
    return `${this.isNegative() && !text.startsWith('-') ? '-' : ''}${text}…`
  }

  /**
   * A money value for a trace: two decimals when exact to the fen ("7200000.00"), otherwise the
   * exact value (a longer decimal or a fraction), so a trace never hides a rounding.
   */
  toYuan(): string {
    if (this.bn === null && Number.isSafeInteger(this.sn * 100)) {
      if (100 % this.sd === 0) return formatFenNumber((this.sn * 100) / this.sd)
      return this.toString()
    }
    const n = this.n
    const d = this.d
    if ((n * 100n) % d === 0n) return formatFen((n * 100n) / d)
    return this.toString()
  }

  /** Like toYuan, but a value that does not terminate shows as a decimal ("316438.356164…"). */
  toYuanDecimal(): string {
    return this.isWholeFen() ? this.toYuan() : this.toDecimal()
  }

  toJSON(): string {
    return this.toString()
  }
}

const decimalDigits = (scaled: bigint, places: number): string => {
  const negative = scaled < 0n
  const digits = (negative ? -scaled : scaled).toString().padStart(places + 1, '0')
  const text = `${digits.slice(0, -places)}.${digits.slice(-places)}`
  return negative ? `-${text}` : text
}

/** 10^0 … 10^15, exact as doubles and safe integers. */
const SMALL_POWERS_OF_TEN: number[] = [1]
for (let k = 1; k <= 15; k++) SMALL_POWERS_OF_TEN.push(SMALL_POWERS_OF_TEN[k - 1]! * 10)

/** decimalDigits of a safe integer (places ≥ 1): the same text, without bigints. */
const decimalDigitsSmall = (scaled: number, places: number): string => {
  const negative = scaled < 0
  const digits = String(negative ? -scaled : scaled).padStart(places + 1, '0')
  const text = `${digits.slice(0, -places)}.${digits.slice(-places)}`
  return negative ? `-${text}` : text
}

const gcdSmall = (a: number, b: number): number => {
  let x = a < 0 ? -a : a
  let y = b < 0 ? -b : b
  // gcd(x, 1) = 1 (a whole number, a denominator of 1): no division at all
  if (x === 1 || y === 1) return 1
  // Both within 32 bits (most amounts in yuan, every rate and day count): the loop of gcd32, whose
  // % V8 compiles to an integer division; beyond, % on doubles is a call to fmod (the gcd's % was
  // ~4 % of a 12-measure decision).
  if (x <= INT32_MAX && y <= INT32_MAX) return gcd32(x, y)
  while (y !== 0) {
    const r = x % y
    x = y
    y = r
  }
  return x === 0 ? 1 : x
}

const INT32_MAX = 0x7fffffff
const TWO_POW_52 = 2 ** 52

/**
 * a % b for a safe integer a and a whole b > 0, as JS gives it (the sign of a), without fmod when it
 * can: int32 operands divide as integers; below 2^52 the quotient, truncated, is off by at most one
 * and the product and difference are exact, so one correction gives the exact remainder. Money texts
 * and the fen rounding take remainders of amounts in fen, beyond int32 (V8's % on doubles calls fmod).
 */
export const remainder = (a: number, b: number): number => {
  if (a <= INT32_MAX && a >= -INT32_MAX && b <= INT32_MAX) return remainder32(a, b)
  if (a < TWO_POW_52 && a > -TWO_POW_52 && b < TWO_POW_52) {
    let r = a - Math.trunc(a / b) * b
    if (a >= 0) {
      if (r < 0) r += b
      else if (r >= b) r -= b
    } else if (r > 0) r -= b
    else if (r <= -b) r += b
    return r === 0 ? signedZero(a) : r
  }
  return a % b
}

/** 0 with the sign a % b gives it: -0 for a negative multiple of b (and for -0), else 0. */
const signedZero = (a: number): number => (1 / a < 0 ? -0 : 0)

/** remainder() of int32 operands: an integer division, on the magnitude (integer % has no -0). */
const remainder32 = (a: number, b: number): number => {
  if (a < 0) {
    const r = (-a | 0) % (b | 0)
    return r === 0 ? -0 : -r
  }
  const r = (a | 0) % (b | 0)
  return r === 0 ? signedZero(a) : r
}

/** gcdSmall of two whole numbers in 0 … 2^31 − 1. */
const gcd32 = (a: number, b: number): number => {
  let x = a | 0
  let y = b | 0
  while (y !== 0) {
    const r = (x % y) | 0
    x = y
    y = r
  }
  return x === 0 ? 1 : x
}

/** A reduced Rational from safe integers (d > 0), or null when either is not a safe integer. */
const small = (n: number, d: number): Rational | null => {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d)) return null
  if (d === 1) return new (Rational as unknown as RationalCtor)(n, 1, null, null)
  const g = gcdSmall(n, d)
  return new (Rational as unknown as RationalCtor)(n / g, d / g, null, null)
}

type RationalCtor = new (sn: number, sd: number, bn: bigint | null, bd: bigint | null) => Rational

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
/** A Rational from reduced bigints: the small form when both fit. */
const fromBig = (n: bigint, d: bigint): Rational => {
  const Ctor = Rational as unknown as RationalCtor
  if (d <= MAX_SAFE && n <= MAX_SAFE && n >= -MAX_SAFE) return new Ctor(Number(n), Number(d), null, null)
  return new Ctor(Number.NaN, Number.NaN, n, d)
}

const PARSE_CACHE_SIZE = 4096
const PARSED = new Map<string, Rational>()

export const ZERO = Rational.int(0)
export const ONE = Rational.int(1)

/** Formats whole fen (a safe integer) as yuan with exactly two decimals: 720000000 → "7200000.00". */
export const formatFenNumber = (fen: number): string => {
  // yuan and fen apart, by exact integer arithmetic on a safe integer: no padded string cut in
  // three (the money texts of every outcome and detail are made here)
  const negative = fen < 0
  const abs = negative ? -fen : fen
  const cents = remainder(abs, 100)
  const yuan = (abs - cents) / 100
  return `${negative ? '-' : ''}${yuan}.${cents < 10 ? `0${cents}` : cents}`
}

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
  const fast = allocateFenSmall(parts)
  if (fast !== null) return fast
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

/** Below 2^26, a remainder (< d) times another denominator stays below 2^52: exact as a double. */
const SMALL_DENOMINATOR = 2 ** 26

/**
 * allocateFen on safe integers, the same shares exactly, or null when a value does not fit (then the
 * bigint path decides): a talent reward's split was ~15 bigint operations per decision. % and the
 * division of a multiple are exact on safe integers, and truncate toward zero as bigint's do.
 */
const allocateFenSmall = (parts: readonly Rational[]): { total: bigint; shares: bigint[] } | null => {
  const total = sum(parts).fenHalfUp()
  if (total === null) return null
  const floors: number[] = new Array(parts.length)
  const order: { i: number; r: number; d: number }[] = new Array(parts.length)
  let left = total
  for (let i = 0; i < parts.length; i++) {
    const small = parts[i]!.small
    if (small === null) return null
    const [n, d] = small
    const scaled = n * 100
    if (!Number.isSafeInteger(scaled) || d >= SMALL_DENOMINATOR) return null
    const r = scaled % d
    floors[i] = (scaled - r) / d
    left -= floors[i]!
    order[i] = { i, r, d }
  }
  // the remainders compared exactly by cross-multiplying, as allocateFen does
  order.sort((a, b) => {
    const x = a.r * b.d
    const y = b.r * a.d
    return x === y ? a.i - b.i : x > y ? -1 : 1
  })
  for (const { i } of order) {
    if (left <= 0) break
    floors[i]! += 1
    left -= 1
  }
  return { total: BigInt(total), shares: floors.map((f) => BigInt(f)) }
}
