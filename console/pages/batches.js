// Batches (issue #11, the bureau's day in the browser): the templates, an upload (CSV, the XLSX
// template filled in, or JSON Lines; dry run or submit: POST /v1/batches, finance keys), the batch's
// progress as GET /v1/batches/{id} gives it (rows done of total, rows per second, ETA, counts by
// status, the first row errors), its results as CSV or XLSX, and the batches so far (GET /v1/batches).
// A finance key cancels a batch (POST /v1/batches/{id}/cancel: the rows decided stay decided) and
// retries one failed or cancelled (POST /v1/batches/{id}/retry: it resumes at the first row not
// decided). Everything shown is what the API answers: nothing is recomputed or decided here.

import { api, download } from '../api.js'
import { h, saveBlob, table } from '../dom.js'
import { shortId, time } from '../format.js'
import { t } from '../i18n.js'
import { failure } from '../problems.js'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
/** A file's media type by its name, as `npm run batch` picks it. */
const typeOf = (name) =>
  /\.(jsonl|ndjson)$/i.test(name) ? 'application/jsonl' : /\.xlsx$/i.test(name) ? XLSX : 'text/csv'
const RUNNING = new Set(['receiving', 'queued', 'running'])
/** What the API lets a finance key do to a batch in each status (the cancel and retry routes). */
const CANCELLABLE = new Set(['queued', 'running', 'failed'])
const RETRIABLE = new Set(['failed', 'cancelled'])
/** How often a running batch's progress is read again. */
const POLL_MS = 1000

const downloadButton = (id, label, path, filename, problems) => {
  const button = h('button', { type: 'button', id, class: 'secondary' }, label)
  button.addEventListener('click', async () => {
    try {
      const { blob, filename: name } = await download(path, filename)
      saveBlob(blob, name)
    } catch (error) {
      problems.replaceChildren(failure(error, path))
    }
  })
  return button
}

/**
 * One batch's progress, read again every second while it runs (and while it is on the page).
 * `act`: a finance key's session (cancel and retry shown); `changed`: called after either.
 */
const progressPanel = (panel, id, act = false, changed = () => {}) => {
  const problems = h('div', {})
  const action = (name, label) => {
    const button = h('button', { type: 'button', id: `batch-${name}`, class: 'secondary' }, label)
    button.addEventListener('click', async () => {
      button.disabled = true
      const path = `/v1/batches/${encodeURIComponent(id)}/${name}`
      try {
        await api(path, { method: 'POST' })
        await progressPanel(panel, id, act, changed)
        changed()
      } catch (error) {
        button.disabled = false
        problems.replaceChildren(failure(error, `/v1/batches/{id}/${name}`))
      }
    })
    return button
  }
  const show = (batch) => {
    const { total, done, failed } = batch.rows
    const counts = Object.entries(batch.counts)
    // h() flattens its children and leaves out the absent ones (replaceChildren would print them)
    panel.replaceChildren(
      h(
        'div',
        {},
        h('h2', {}, `${t('batches.batch')} ${shortId(batch.id)}`),
        h(
          'p',
          { id: 'batch-status', 'data-status': batch.status },
          `${t(`batches.mode.${batch.mode}`)} · ${batch.format.toUpperCase()} · `,
          h('strong', {}, t(`batches.status.${batch.status}`)),
        ),
        h('progress', { id: 'batch-progress', max: Math.max(total, 1), value: done }),
        h(
          'p',
          { id: 'batch-rows' },
          t('batches.rows', { done, total, failed }),
          batch.rowsPerSecond === null
            ? ''
            : ` · ${t('batches.rate', { rate: Math.round(batch.rowsPerSecond) })}`,
          RUNNING.has(batch.status) && batch.etaSeconds !== null
            ? ` · ${t('batches.eta', { seconds: Math.ceil(batch.etaSeconds) })}`
            : '',
        ),
        batch.error ? h('p', { class: 'problem', role: 'alert' }, batch.error) : null,
        counts.length
          ? table(
              [t('batches.outcome'), t('batches.count')],
              counts.map(([status, n]) => [t(`status.${status}`), String(n)]),
              { class: 'batch-counts' },
            )
          : null,
        batch.errors.length
          ? [
              h('h3', {}, t('batches.errors')),
              table(
                [t('batches.row'), t('batches.column'), t('batches.message')],
                batch.errors.map((e) => [String(e.row), e.column ?? e.pointer, e.message]),
                { class: 'batch-errors' },
              ),
            ]
          : null,
        act && (CANCELLABLE.has(batch.status) || RETRIABLE.has(batch.status))
          ? h(
              'div',
              { class: 'row' },
              CANCELLABLE.has(batch.status) ? action('cancel', t('batches.cancel')) : null,
              RETRIABLE.has(batch.status) ? action('retry', t('batches.retry')) : null,
              h('span', { class: 'help' }, t('batches.actionsHelp')),
            )
          : null,
        h(
          'div',
          { class: 'row' },
          ['csv', 'xlsx'].map((format) =>
            downloadButton(
              `results-${format}`,
              `${t('batches.results')} ${format.toUpperCase()}`,
              `${batch.results}?format=${format}`,
              `batch-${shortId(batch.id)}-results.${format}`,
              problems,
            ),
          ),
        ),
        problems,
      ),
    )
  }
  const poll = async () => {
    // another batch opened in the panel since, or the page left: this one is no longer read
    if (panel.dataset.batch !== id || (!panel.isConnected && panel.dataset.shown)) return
    try {
      const batch = await api(`/v1/batches/${encodeURIComponent(id)}`)
      show(batch)
      panel.dataset.shown = 'yes'
      if (RUNNING.has(batch.status)) setTimeout(poll, POLL_MS)
    } catch (error) {
      panel.replaceChildren(failure(error, '/v1/batches/{id}'))
    }
  }
  panel.hidden = false
  panel.dataset.batch = id
  delete panel.dataset.shown
  return poll()
}

export const batchesPage = async (session) => {
  const panel = h('section', { class: 'card', id: 'batch', hidden: true })
  const list = h('div', { id: 'batches' })
  const problems = h('div', {})
  const finance = session.role === 'finance'

  const showList = async () => {
    try {
      const { items } = await api('/v1/batches?limit=20')
      if (items.length === 0) return list.replaceChildren(h('p', { class: 'muted' }, t('batches.none')))
      list.replaceChildren(
        table(
          [
            t('batches.createdAt'),
            t('batches.modeLabel'),
            t('batches.statusLabel'),
            t('batches.rowsLabel'),
            '',
          ],
          items.map((b) => {
            const open = h('button', { type: 'button', class: 'link' }, t('log.open'))
            open.addEventListener('click', () => progressPanel(panel, b.id, finance, showList))
            return [
              time(b.createdAt),
              `${t(`batches.mode.${b.mode}`)} · ${b.format.toUpperCase()}`,
              t(`batches.status.${b.status}`),
              `${b.rows.done} / ${b.rows.total}`,
              open,
            ]
          }),
          { class: 'batch-list' },
        ),
      )
    } catch (error) {
      list.replaceChildren(failure(error, '/v1/batches'))
    }
  }

  let upload = null
  if (finance) {
    const file = h('input', {
      type: 'file',
      id: 'batch-file',
      name: 'file',
      accept: '.csv,.xlsx,.jsonl,.ndjson',
      required: true,
    })
    const mode = h(
      'select',
      { id: 'batch-mode', name: 'mode' },
      ['dry-run', 'submit'].map((m) => h('option', { value: m }, t(`batches.mode.${m}`))),
    )
    const form = h(
      'form',
      { class: 'filters', id: 'batch-form' },
      h('label', { class: 'field' }, h('span', {}, t('batches.file')), file),
      h('label', { class: 'field' }, h('span', {}, t('batches.modeLabel')), mode),
      h('button', { type: 'submit' }, t('batches.upload')),
    )
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      const chosen = file.files?.[0]
      if (!chosen) return
      problems.replaceChildren(h('p', { class: 'loading' }, t('batches.uploading')))
      try {
        const batch = await api(`/v1/batches?mode=${encodeURIComponent(mode.value)}`, {
          method: 'POST',
          body: chosen,
          headers: { 'content-type': typeOf(chosen.name) },
        })
        problems.replaceChildren()
        await progressPanel(panel, batch.id, finance, showList)
        showList()
      } catch (error) {
        problems.replaceChildren(failure(error, '/v1/batches'))
      }
    })
    upload = h(
      'section',
      { class: 'card' },
      h('h2', {}, t('batches.new')),
      h('p', { class: 'help' }, t('batches.help')),
      h(
        'div',
        { class: 'row' },
        downloadButton(
          'template-csv',
          `${t('batches.template')} CSV`,
          '/v1/batches/template.csv?headers=zh',
          'batch-template.csv',
          problems,
        ),
        downloadButton(
          'template-xlsx',
          `${t('batches.template')} XLSX`,
          '/v1/batches/template.xlsx',
          'batch-template.xlsx',
          problems,
        ),
      ),
      form,
      problems,
    )
  }

  await showList()
  return h(
    'div',
    {},
    h('h1', {}, t('batches.title')),
    upload,
    panel,
    h('section', { class: 'card' }, h('h2', {}, t('batches.list')), list),
  )
}
