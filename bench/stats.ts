// Small numeric helpers shared by the benchmarks.

/** The q-quantile (0..1) of ascending `sorted` (nearest rank); NaN when empty. */
export const percentile = (sorted: readonly number[], q: number): number => {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank]!
}

/** 12345.6 → "12 346"; small figures keep one decimal. */
export const fmt = (value: number, decimals = value < 100 ? 1 : 0): string =>
  Number.isFinite(value)
    ? value
        .toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
        .replace(/,/g, ' ')
    : 'n/a'

export const ratio = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN)

/** The `n` largest parts of a total, one line each: "  12.3 %  name" (the profilers' tables). */
export const topShares = (parts: ReadonlyMap<string, number>, n: number): string => {
  let total = 0
  for (const v of parts.values()) total += v
  return [...parts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${name}\n`)
    .join('')
}
