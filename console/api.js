// The public API, called with the signed-in key (Authorization: Bearer). The key lives in
// sessionStorage only: gone when the tab closes, never in a URL, never in localStorage or a cookie.

import { language } from './i18n.js'

const KEY = 'console.apiKey'

export const signedInKey = () => sessionStorage.getItem(KEY)
export const rememberKey = (key) => sessionStorage.setItem(KEY, key)
export const forgetKey = () => {
  sessionStorage.removeItem(KEY)
  cache.clear()
}

/** An API error answered with an RFC 9457 problem (or any non-2xx). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`)
    this.status = status
    this.problem = problem
  }
}

/** `body`: JSON, or a Blob (a file, sent as it is under `headers['content-type']`). */
const request = async (path, { method = 'GET', body, headers = {}, key = signedInKey() } = {}) => {
  const file = body instanceof Blob
  const response = await fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      'accept-language': language() === 'zh' ? 'zh-CN' : 'en',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined && !file ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : file ? body : JSON.stringify(body),
    cache: 'no-store',
  })
  return response
}

/** JSON of a 2xx answer; throws ApiError otherwise. */
export const api = async (path, options) => {
  const response = await request(path, options)
  const type = response.headers.get('content-type') ?? ''
  const payload = type.includes('json') ? await response.json() : await response.text()
  if (!response.ok) throw new ApiError(response.status, typeof payload === 'object' ? payload : null)
  return payload
}

/** The body of a 2xx answer as a Blob (exports), with the filename the server suggests. */
export const download = async (path, fallbackName) => {
  const response = await request(path, { headers: { accept: '*/*' } })
  if (!response.ok) {
    const type = response.headers.get('content-type') ?? ''
    throw new ApiError(response.status, type.includes('json') ? await response.json() : null)
  }
  const disposition = response.headers.get('content-disposition') ?? ''
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1]
  return { blob: await response.blob(), filename: name ? decodeURIComponent(name) : fallbackName }
}

// Reference data read once per session (measures, key labels): small, and the same for every page.
const cache = new Map()
export const cached = (path, options = {}) => {
  const key = `${path} ${JSON.stringify(options)}`
  if (!cache.has(key)) {
    const pending = api(path, options).catch((error) => {
      cache.delete(key)
      throw error
    })
    cache.set(key, pending)
  }
  return cache.get(key)
}
