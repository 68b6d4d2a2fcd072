// Who decided: a key id resolved to its label and role through GET /v1/keys/{id} (auditor, finance,
// admin). Where the route answers 403/404 (an enterprise key, or a service without the route) the
// short key id is shown instead, never a guess.

import { api } from './api.js'
import { h } from './dom.js'
import { shortId } from './format.js'
import { t } from './i18n.js'

// One request per key per session, failures included (a 404 is not retried on every row).
const known = new Map()
const lookup = (keyId) => {
  if (!known.has(keyId)) known.set(keyId, api(`/v1/keys/${encodeURIComponent(keyId)}`))
  return known.get(keyId)
}

let viewerRole = null
/** Enterprise keys may not read other keys: the console does not ask (and log a 403) for them. */
export const setViewer = (role) => {
  viewerRole = role
}

export const keyName = (keyId) => {
  const cell = h('span', { class: 'key', title: keyId ?? '' }, shortId(keyId))
  if (!keyId || viewerRole === 'enterprise') return cell
  lookup(keyId).then(
    (key) => {
      cell.textContent = `${key.label || key.prefix || shortId(keyId)} · ${t(`role.${key.role}`)}`
      cell.dataset.role = key.role
    },
    () => {
      cell.dataset.unresolved = 'true'
    },
  )
  return cell
}
