// A tiny element builder: h('a', { href: '#/x', class: 'c' }, 'text', child). Text is always set as
// text (never parsed as markup), so API values cannot inject markup; no inline style (the CSP forbids it).

export const h = (tag, attributes = {}, ...children) => {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value)
    else if (value === true) element.setAttribute(name, '')
    else element.setAttribute(name, String(value))
  }
  append(element, children)
  return element
}

export const append = (element, children) => {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue
    element.append(child instanceof Node ? child : String(child))
  }
  return element
}

export const clear = (element) => {
  while (element.firstChild) element.firstChild.remove()
  return element
}

/** A table from a header row and rows of cells (strings or nodes). */
export const table = (headers, rows, attributes = {}) =>
  h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      attributes,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      h(
        'tbody',
        {},
        // data-label: on a phone each row is stacked as a card, each cell under its column name.
        rows.map((cells) =>
          h(
            'tr',
            {},
            cells.map((c, i) =>
              h('td', { 'data-label': typeof headers[i] === 'string' ? headers[i] : '' }, c),
            ),
          ),
        ),
      ),
    ),
  )

/** Saves a Blob as a file (the API needs the Authorization header, so a plain link cannot fetch it). */
export const saveBlob = (blob, filename) => {
  const url = URL.createObjectURL(blob)
  const a = h('a', { href: url, download: filename })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
