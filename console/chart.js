// A horizontal bar chart in hand-written SVG (no library): one bar per row, its length the amount's
// share of the largest amount, computed on integer fen (BigInt) so no float touches the money; the
// printed value is the API's own string.

import { fen, money } from './format.js'

const SVG = 'http://www.w3.org/2000/svg'
const svg = (tag, attributes = {}, text) => {
  const element = document.createElementNS(SVG, tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value))
  if (text !== undefined) element.textContent = text
  return element
}

// Each row: its label on a line of its own (measure titles are long; never clipped), the bar below.
const ROW = 46
const LABEL_LINE = 18
const BAR = 18
const WIDTH = 640
const VALUE = 130

/** bars: [{ label, amount }] with amount a decimal string. */
export const barChart = (bars, title) => {
  const height = ROW * bars.length + 10
  const chart = svg('svg', {
    class: 'chart',
    viewBox: `0 0 ${WIDTH} ${height}`,
    role: 'img',
    'aria-label': title,
    preserveAspectRatio: 'xMinYMin meet',
  })
  chart.append(svg('title', {}, title))
  const values = bars.map((b) => fen(b.amount) ?? 0n)
  let max = 0n
  for (const v of values) if (v > max) max = v
  const room = WIDTH - VALUE
  bars.forEach((bar, i) => {
    const y = 5 + i * ROW
    // Per mille of the longest bar, in integers; only the drawing is rounded.
    const share = max > 0n && values[i] > 0n ? Number((values[i] * 1000n) / max) : 0
    const length = Math.max(share > 0 ? 1 : 0, Math.round((room * share) / 1000))
    chart.append(
      svg('text', { x: 0, y: y + LABEL_LINE - 4, class: 'chart-label' }, bar.label),
      svg('rect', {
        x: 0,
        y: y + LABEL_LINE,
        width: length,
        height: BAR,
        class: 'chart-bar',
        'data-amount': bar.amount,
      }),
      svg('text', { x: length + 6, y: y + LABEL_LINE + BAR - 4, class: 'chart-value' }, money(bar.amount)),
    )
  })
  return chart
}
