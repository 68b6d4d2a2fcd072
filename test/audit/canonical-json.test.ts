// RFC 8785 (JCS) canonical JSON: the RFC's own examples first, then the refusals, then properties.

import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import t from 'tap'
import { canonicalize, hashCanonical, sha256Hex } from '../../src/audit/canonical-json.ts'

/** An IEEE 754 double from its 16 hex digits, as Appendix B lists them. */
const double = (bits: string): number => {
  const view = new DataView(new ArrayBuffer(8))
  view.setBigUint64(0, BigInt(`0x${bits}`))
  return view.getFloat64(0)
}

t.test('RFC 8785 Appendix B: number serialization', async (t) => {
  const cases: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // -0
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ]
  for (const [bits, expected] of cases) t.equal(canonicalize(double(bits)), expected, `${bits} → ${expected}`)
  t.equal(canonicalize(1e-7), '1e-7')
  t.equal(canonicalize(-0), '0')
  t.equal(canonicalize([-0]), '[0]')
  for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
    t.throws(() => canonicalize(double(bits)), TypeError, `${bits} (NaN/Infinity) is refused`)
  }
})

t.test('RFC 8785 §3.2.2: the example of all three kinds of primitive', async (t) => {
  const input = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`
  const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`
  t.equal(canonicalize(JSON.parse(input)), expected)
})

t.test('RFC 8785 §3.2.3: members sorted by UTF-16 code units', async (t) => {
  const input = String.raw`{
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  }`
  const canonical = canonicalize(JSON.parse(input))
  const names = Object.keys(JSON.parse(canonical))
  // Object.keys would put the integer-like "1" first whatever the text says, so read the order
  // from the text itself.
  const order = [...canonical.matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`))
  t.same(order, ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'])
  t.equal(names.length, 7)
  t.equal(
    canonical,
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  )
  // The emoji (U+1F600, surrogates D83D DE00) sorts before U+FB33 by code units, though not by
  // code points.
  t.ok('\ud83d\ude00' < '\ufb33')
})

t.test('strings are escaped as JSON.stringify does', async (t) => {
  t.equal(canonicalize('"\\/\b\f\n\r\t'), String.raw`"\"\\/\b\f\n\r\t"`)
  t.equal(canonicalize('\u0000\u001f\u007f'), '"\\u0000\\u001f\u007f"')
  t.equal(canonicalize('\u2028\u2029'), '"\u2028\u2029"')
  t.equal(canonicalize('中文 😀'), '"中文 😀"')
})

t.test('structure: sorting at every depth, no whitespace, arrays keep order', async (t) => {
  t.equal(
    canonicalize({ b: [3, 1, { z: 1, a: 2 }], a: { d: null, c: true } }),
    '{"a":{"c":true,"d":null},"b":[3,1,{"a":2,"z":1}]}',
  )
  t.equal(canonicalize({}), '{}')
  t.equal(canonicalize([]), '[]')
  t.equal(canonicalize(Object.assign(Object.create(null), { b: 1, a: 2 })), '{"a":2,"b":1}')
  t.equal(canonicalize({ '10': 1, '9': 2, a: 3 }), '{"10":1,"9":2,"a":3}', 'integer-like keys sort as text')
})

t.test('undefined is handled like JSON.stringify; toJSON is honoured', async (t) => {
  t.equal(canonicalize({ a: undefined, b: 1 }), '{"b":1}')
  t.equal(canonicalize([undefined, 1]), '[null,1]')
  // biome-ignore lint/suspicious/noSparseArray: a hole reads as undefined
  t.equal(canonicalize([, 1]), '[null,1]')
  t.equal(canonicalize({ at: new Date('2024-01-02T03:04:05.678Z') }), '{"at":"2024-01-02T03:04:05.678Z"}')
  t.equal(canonicalize({ v: { toJSON: (key: string) => `key=${key}` } }), '{"v":"key=v"}')
  t.throws(() => canonicalize(undefined), TypeError)
  t.throws(() => canonicalize({ toJSON: () => undefined }), TypeError)
})

t.test('values that have no faithful JSON form are refused with a TypeError', async (t) => {
  const cyclic: Record<string, unknown> = {}
  cyclic['self'] = cyclic
  const refused: [string, unknown][] = [
    ['BigInt', 1n],
    ['nested BigInt', { amount: [1n] }],
    ['NaN', { x: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['function', { f: () => 1 }],
    ['symbol', [Symbol('s')]],
    ['cycle', cyclic],
    ['Map', new Map([['a', 1]])],
    ['Set', { s: new Set([1]) }],
    [
      'class instance',
      new (class Point {
        x = 1
      })(),
    ],
    ['object without a constructor', Object.create(Object.create(null))],
    ['lone high surrogate', '\ud800'],
    ['lone low surrogate in a key', { '\udc00': 1 }],
  ]
  for (const [name, value] of refused) t.throws(() => canonicalize(value), TypeError, name)
  t.throws(() => canonicalize({ a: { b: [0, 1n] } }), /at "\/a\/b\/1"/, 'the error names the place')
  const shared = { x: 1 }
  t.equal(canonicalize([shared, shared]), '[{"x":1},{"x":1}]', 'a repeated object is not a cycle')
})

t.test(
  'values of any depth: the quick walk hands deep ones to the careful one, which writes the same',
  async (t) => {
    // canonicalize writes what it can in a quick walk and leaves deep values (past 64 levels: a cycle
    // looks like that to it), toJSON objects and refusals to a careful walk; both must write one text.
    let deep: unknown = { z: 1, a: '"' }
    let expected = '{"a":"\\"","z":1}'
    for (let i = 0; i < 100; i++) {
      deep = i % 2 === 0 ? [deep, i] : { y: deep, b: String(i) }
      expected = i % 2 === 0 ? `[${expected},${i}]` : `{"b":"${i}","y":${expected}}`
    }
    t.equal(canonicalize(deep), expected, '100 levels, sorted and escaped at every one')
    const cyclic: unknown[] = []
    let tail: unknown[] = cyclic
    for (let i = 0; i < 80; i++) {
      const next: unknown[] = []
      tail.push(next)
      tail = next
    }
    tail.push(cyclic)
    t.throws(() => canonicalize(cyclic), /contains a cycle/, 'a cycle deeper than the quick walk goes')
    t.equal(
      canonicalize({ when: [new Date('2024-01-02T03:04:05.678Z')], n: { toJSON: () => [2, 1] } }),
      '{"n":[2,1],"when":["2024-01-02T03:04:05.678Z"]}',
      'a Date in the quick walk, a toJSON object in the careful one',
    )
    t.equal(
      canonicalize({ 'é"': 'x', a: '\u0001' }),
      '{"a":"\\u0001","é\\"":"x"}',
      'escaped names sort as written',
    )
  },
)

t.test('hashes', async (t) => {
  t.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  t.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  t.equal(sha256Hex(new Uint8Array([0x61, 0x62, 0x63])), sha256Hex('abc'))
  t.equal(sha256Hex('€'), sha256Hex(Buffer.from([0xe2, 0x82, 0xac])), 'text is hashed as UTF-8')
  t.equal(hashCanonical({ b: 1, a: 2 }), sha256Hex('{"a":2,"b":1}'))
})

t.test('members are sorted the same however many there are', async (t) => {
  // few names are sorted in place by insertion, many by Array#sort: one order either way
  for (const n of [2, 31, 32, 33, 300]) {
    const names = Array.from({ length: n }, (_, i) => `k${String((i * 7919) % n).padStart(4, '0')}é`)
    const record = Object.fromEntries(names.map((name, i) => [name, i]))
    const expected = `{${[...names]
      .sort()
      .map((name) => `${JSON.stringify(name)}:${record[name]}`)
      .join(',')}}`
    t.equal(canonicalize(record), expected, `${n} names`)
  }
})

t.test('properties over arbitrary JSON', async (t) => {
  t.doesNotThrow(
    () =>
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const canonical = canonicalize(value)
          return (
            isDeepStrictEqual(JSON.parse(canonical), JSON.parse(JSON.stringify(value))) &&
            canonicalize(JSON.parse(canonical)) === canonical
          )
        }),
      ),
    'the same data as JSON.stringify, and canonical text is a fixed point',
  )
  t.doesNotThrow(
    () =>
      fc.assert(
        fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
          const reversed = Object.fromEntries(Object.entries(record).reverse())
          return canonicalize(reversed) === canonicalize(record)
        }),
      ),
    'member order in the input does not matter',
  )
})

/** JCS written plainly, as the RFC says it, for JSON data only: what canonicalize must agree with. */
const reference = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${reference((value as Record<string, unknown>)[name])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

/** The same data with every object's members in sorted order (`sorted`) or reversed, by depth. */
const reordered = (value: unknown, sorted: (depth: number) => boolean, depth = 0): unknown => {
  if (Array.isArray(value)) return value.map((v) => reordered(v, sorted, depth + 1))
  if (value === null || typeof value !== 'object') return value
  const names = Object.keys(value).sort()
  if (!sorted(depth)) names.reverse()
  return Object.fromEntries(
    names.map((n) => [n, reordered((value as Record<string, unknown>)[n], sorted, depth + 1)]),
  )
}

t.test('the plain reference text, whatever the order of members at any depth', async (t) => {
  // Against an independent, plain writing of the RFC: objects already in order, reversed, mixed by
  // depth; members skipped or not; names JSON.stringify lists out of §3.2.3's order (integer-like).
  const cases: [string, unknown, string][] = [
    ['all in order', { a: [1, 'x', null, true], b: { c: 2 } }, '{"a":[1,"x",null,true],"b":{"c":2}}'],
    ['a later member out of order', { a: 1, b: { d: 1, c: 2 }, e: 3 }, '{"a":1,"b":{"c":2,"d":1},"e":3}'],
    [
      'undefined members before and after',
      { a: undefined, b: { y: 1, x: 2 }, c: undefined, d: 4 },
      '{"b":{"x":2,"y":1},"d":4}',
    ],
    ['undefined only', { a: undefined, b: 1 }, '{"b":1}'],
    [
      'array items before one out of order',
      [1, { a: 1 }, undefined, { b: 1, a: 2 }, 'z'],
      '[1,{"a":1},null,{"a":2,"b":1},"z"]',
    ],
    [
      'integer-like names: JSON.stringify lists 9 before 10',
      { 9: 'nine', 10: 'ten', a: 1 },
      '{"10":"ten","9":"nine","a":1}',
    ],
    [
      'a Date among members in order',
      { a: new Date('2024-01-02T03:04:05.678Z'), b: 1 },
      '{"a":"2024-01-02T03:04:05.678Z","b":1}',
    ],
    ['escaped names in order', { '"': 1, '\\': { '\n': 2 } }, '{"\\"":1,"\\\\":{"\\n":2}}'],
    ['a null-prototype object', Object.assign(Object.create(null), { b: 1, a: 2 }), '{"a":2,"b":1}'],
  ]
  for (const [name, value, expected] of cases) t.equal(canonicalize(value), expected, name)
  t.throws(
    () => canonicalize({ a: 1, b: 'lone \ud800' }),
    /lone surrogate/,
    'a lone surrogate in order is refused',
  )
  t.throws(() => canonicalize({ a: 1, '\udc00': 2 }), /lone surrogate/, 'in a name too')
  t.throws(() => canonicalize({ a: [1, Number.NaN] }), /has no JSON form/, 'NaN in order is refused')
  t.doesNotThrow(
    () =>
      fc.assert(
        fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 3 }), (value, pattern) => {
          const variants = [
            value,
            reordered(value, () => true),
            reordered(value, (d) => d % 2 === pattern % 2),
            reordered(value, (d) => d < pattern),
          ]
          const expected = reference(value)
          return variants.every((v) => canonicalize(v) === expected)
        }),
        { numRuns: 500 },
      ),
    'the plain reference text, with objects in order, reversed, or mixed by depth',
  )
})
