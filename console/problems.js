// How a failed API call is shown: the problem's detail (RFC 9457), or a clear note when the route
// does not exist yet (404 "No route") or the key's role may not use it (403).

import { ApiError } from './api.js'
import { h } from './dom.js'
import { t } from './i18n.js'

/**
 * `endpoint`: for a collection route that may not be deployed yet (reports, budgets), where a 404
 * can only mean the route is missing.
 */
export const problemMessage = (error, endpoint) => {
  if (error instanceof ApiError) {
    if (error.status === 404 && endpoint) return t('unavailable', { path: endpoint })
    if (error.status === 403) return t('forbidden')
    return `${error.status} ${error.problem?.title ?? ''}: ${error.message}`
  }
  return String(error?.message ?? error)
}

/** A problem shown in place of what failed, in a role=alert box the tests can find. */
export const failure = (error, endpoint) =>
  h('p', { class: 'problem', role: 'alert' }, problemMessage(error, endpoint))
