// The console's shell: sign-in, navigation by location.hash (#/decisions, #/decision/<id>, #/audit,
// #/finance, #/batches), the language switch. Pages are modules under pages/, each rendering into <main>.

import { ApiError, api, forgetKey, rememberKey, signedInKey } from './api.js'
import { clear, h } from './dom.js'
import { language, setLanguage, t } from './i18n.js'
import { auditPage } from './pages/audit.js'
import { batchesPage } from './pages/batches.js'
import { decisionPage } from './pages/decision.js'
import { decisionsPage } from './pages/decisions.js'
import { financePage } from './pages/finance.js'
import { setViewer } from './people.js'
import { failure, problemMessage } from './problems.js'

const view = document.getElementById('view')
let session = null

/** Who the key belongs to: its own record (GET /v1/keys/current), the same route any client uses. */
const whoAmI = () => api('/v1/keys/current')

const translateChrome = () => {
  document.documentElement.lang = language() === 'zh' ? 'zh-CN' : 'en'
  document.title = `${t('brand')}`
  for (const element of document.querySelectorAll('[data-i18n]'))
    element.textContent = t(element.dataset.i18n)
  const toggle = document.getElementById('lang')
  toggle.textContent = t('switchTo')
  toggle.lang = language() === 'zh' ? 'en' : 'zh-CN'
}

const showSession = () => {
  setViewer(session?.role ?? null)
  const nav = document.getElementById('nav')
  nav.hidden = session === null
  document.getElementById('sign-out').hidden = session === null
  for (const link of nav.querySelectorAll('[data-roles]'))
    link.hidden = session === null || !link.dataset.roles.split(' ').includes(session.role)
  const who = document.getElementById('who')
  who.textContent = session
    ? `${session.label || session.prefix} · ${t(`role.${session.role}`)}${session.enterprise ? ` · ${session.enterprise}` : ''}`
    : ''
  who.dataset.role = session?.role ?? ''
}

const signInPage = (message) => {
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  })
  const form = h(
    'form',
    { class: 'card sign-in', id: 'sign-in' },
    h('h1', {}, t('signIn.title')),
    h('label', { for: 'api-key' }, t('signIn.key')),
    input,
    h('p', { class: 'help' }, t('signIn.help')),
    message ? h('p', { class: 'problem', role: 'alert' }, message) : null,
    h('button', { type: 'submit' }, t('signIn.submit')),
  )
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const key = input.value.trim()
    try {
      session = await api('/v1/keys/current', { key })
      rememberKey(key)
      showSession()
      if (location.hash === '#/decisions') route()
      else location.hash = '#/decisions'
    } catch (error) {
      render(
        signInPage(
          error instanceof ApiError && error.status === 401 ? t('signIn.bad') : problemMessage(error),
        ),
      )
    }
  })
  return form
}

const render = (node) => {
  clear(view).append(node)
}

const route = async () => {
  translateChrome()
  if (!signedInKey()) {
    session = null
    showSession()
    return render(signInPage())
  }
  if (!session) {
    try {
      session = await whoAmI()
    } catch (error) {
      forgetKey()
      session = null
      showSession()
      return render(signInPage(problemMessage(error)))
    }
  }
  showSession()
  if (session.role === 'admin') return render(h('p', { class: 'card note' }, t('admin.note')))
  const [path, search = ''] = location.hash.split('?')
  const [, page = 'decisions', id] = path.split('/')
  const container = h('section', { class: 'page' }, h('p', { class: 'loading' }, t('loading')))
  render(container)
  try {
    const content =
      page === 'decision' && id
        ? await decisionPage(decodeURIComponent(id), session)
        : page === 'audit'
          ? await auditPage(session)
          : page === 'finance'
            ? await financePage(session)
            : page === 'batches'
              ? await batchesPage(session)
              : await decisionsPage(session, new URLSearchParams(search))
    clear(container).append(content)
  } catch (error) {
    clear(container).append(failure(error))
  }
}

document.getElementById('lang').addEventListener('click', () => {
  setLanguage(language() === 'zh' ? 'en' : 'zh')
  route()
})
document.getElementById('sign-out').addEventListener('click', () => {
  forgetKey()
  session = null
  location.hash = '#/decisions'
  route()
})
window.addEventListener('hashchange', route)
route()
