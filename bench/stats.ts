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
