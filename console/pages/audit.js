// The audit page: the chain's status (GET /v1/audit/verify: entries checked, first_bad_seq and why),
// a checkpoint to download (GET /v1/audit/checkpoint) and to verify against later (the same route
// with size, root and head_hash from the uploaded file), and the entries of one entity.

import { api } from '../api.js'
import { h, saveBlob, table } from '../dom.js'
import { shortId, time } from '../format.js'
import { t } from '../i18n.js'
import { keyName } from '../people.js'
import { failure } from '../problems.js'

export const entriesTable = (entries) =>
  entries.length === 0
    ? h('p', { class: 'muted' }, t('audit.none'))
    : table(
        [
          t('audit.seq'),
          t('audit.time'),
          t('audit.actor'),
          t('audit.action'),
          t('audit.entityCol'),
          t('audit.hash'),
        ],
        entries.map((e) => [
          String(e.seq),
          time(e.time),
          e.actor?.keyId ? keyName(e.actor.keyId) : (e.actor?.role ?? '—'),
          h('code', {}, e.action),
          h(
            'span',
            { class: 'mono' },
            e.entity.type === 'decision'
              ? h('a', { href: `#/decision/${e.entity.id}` }, `${e.entity.type}:${shortId(e.entity.id)}`)
              : `${e.entity.type}:${shortId(e.entity.id)}`,
          ),
          h('span', { class: 'mono', title: e.entry_hash }, e.entry_hash.slice(0, 12)),
        ]),
        { class: 'entries' },
      )

const verification = (result) =>
  h(
    'div',
    { class: `verification ${result.valid ? 'valid' : 'invalid'}`, id: 'verification', role: 'status' },
    h(
      'p',
      { class: result.valid ? 'pass' : 'fail' },
      result.valid ? `✓ ${t('audit.valid')}` : `✗ ${t('audit.invalid')}`,
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('audit.checked')),
      h('dd', { id: 'checked' }, String(result.checked)),
      h('dt', {}, t('audit.firstBad')),
      h('dd', { id: 'first-bad-seq' }, result.first_bad_seq === null ? '—' : String(result.first_bad_seq)),
      h('dt', {}, t('audit.reason')),
      h('dd', { id: 'problem' }, result.problem ?? '—'),
      result.expected
        ? [h('dt', {}, t('audit.expected')), h('dd', { class: 'mono' }, result.expected)]
        : null,
      result.actual ? [h('dt', {}, t('audit.actual')), h('dd', { class: 'mono' }, result.actual)] : null,
      result.checkpoint
        ? [h('dt', {}, t('audit.checkpoint')), h('dd', { class: 'mono' }, JSON.stringify(result.checkpoint))]
        : null,
    ),
  )

const runVerify = async (out, checkpoint) => {
  out.replaceChildren(h('p', { class: 'loading' }, t('loading')))
  try {
    const q = checkpoint
      ? `?${new URLSearchParams({ size: String(checkpoint.size), root: checkpoint.root, head_hash: checkpoint.head_hash })}`
      : ''
    out.replaceChildren(verification(await api(`/v1/audit/verify${q}`)))
  } catch (error) {
    out.replaceChildren(failure(error))
  }
}

export const auditPage = async () => {
  const status = h('div', { id: 'chain-status' })
  const verify = h('button', { type: 'button', id: 'verify' }, t('audit.verify'))
  verify.addEventListener('click', () => runVerify(status))

  const download = h('button', { type: 'button', id: 'download-checkpoint' }, t('audit.download'))
  const checkpointOut = h('div', { id: 'checkpoint' })
  download.addEventListener('click', async () => {
    try {
      const checkpoint = await api('/v1/audit/checkpoint')
      checkpointOut.replaceChildren(h('pre', { class: 'mono' }, JSON.stringify(checkpoint, null, 2)))
      const blob = new Blob([`${JSON.stringify(checkpoint, null, 2)}\n`], { type: 'application/json' })
      saveBlob(blob, `audit-checkpoint-${checkpoint.size}.json`)
    } catch (error) {
      checkpointOut.replaceChildren(failure(error))
    }
  })

  const upload = h('input', { type: 'file', id: 'checkpoint-file', accept: 'application/json,.json' })
  upload.addEventListener('change', async () => {
    const file = upload.files?.[0]
    if (!file) return
    let checkpoint = null
    try {
      checkpoint = JSON.parse(await file.text())
    } catch {}
    if (!checkpoint || checkpoint.size === undefined || !checkpoint.root || !checkpoint.head_hash) {
      status.replaceChildren(h('p', { class: 'problem', role: 'alert' }, t('audit.badFile')))
      return
    }
    runVerify(status, checkpoint)
  })

  const entity = h('input', {
    id: 'entity',
    name: 'entity',
    class: 'mono',
    placeholder: 'decision:…',
    required: true,
  })
  const entries = h('div', { id: 'entity-entries' })
  const form = h(
    'form',
    { class: 'filters', id: 'entity-form' },
    h('label', { class: 'field wide' }, h('span', {}, t('audit.entity')), entity),
    h('button', { type: 'submit' }, t('audit.show')),
  )
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    try {
      const page = await api(`/v1/audit/entries?entity=${encodeURIComponent(entity.value.trim())}`)
      entries.replaceChildren(entriesTable(page.entries))
    } catch (error) {
      entries.replaceChildren(failure(error))
    }
  })

  return h(
    'div',
    {},
    h('h1', {}, t('audit.title')),
    h('section', { class: 'card' }, verify, status),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('audit.checkpoint')),
      h('div', { class: 'row' }, download, h('label', { class: 'upload' }, t('audit.upload'), ' ', upload)),
      checkpointOut,
    ),
    h('section', { class: 'card' }, h('h2', {}, t('audit.entries')), form, entries),
  )
}
