import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { EmulatorContext } from './context.ts'
import { GraphError } from './graph-errors.ts'
import { newObjectId } from './ids.ts'
import { graphParams } from './request-info.ts'
import { buildNumber, buildTemplate } from './seed.ts'
import type { Waba } from './types.ts'
import { isObject } from './validate-helpers.ts'

// Embedded Signup offline (issue 21): a stand-in for the popup Facebook Login for Business opens
// (GET /_emulator/embedded-signup), where the "customer" names their business and number; the
// emulator creates the WABA (with the default approved templates, the app not yet subscribed)
// and the number (not registered), and hands the opener what Meta's popup does — a code (the
// FB.login response) and the session info message {type: WA_EMBEDDED_SIGNUP, event: FINISH,
// data: {waba_id, phone_number_id}} — then GET /{version}/oauth/access_token exchanges the code
// for a business token of that WABA.

type Pending = { wabaId: string; phoneNumberId: string; used: boolean }
const codes = new WeakMap<EmulatorContext, Map<string, Pending>>()

function codesOf(ctx: EmulatorContext): Map<string, Pending> {
  let m = codes.get(ctx)
  if (!m) {
    m = new Map()
    codes.set(ctx, m)
  }
  return m
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(appName: string, configId: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Connect WhatsApp — emulator</title>
<style>body{font:16px system-ui;margin:2rem;max-width:28rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem}button{margin-top:1rem;padding:.5rem 1rem}</style></head>
<body><h1>Connect WhatsApp</h1><p>Stand-in for Meta's Embedded Signup (Wahub emulator) — app ${escapeHtml(appName)}, configuration ${escapeHtml(configId)}.</p>
<form id="f"><label for="b">Business name</label><input id="b" name="business" required value="My Business">
<label for="n">WhatsApp phone number</label><input id="n" name="number" required value="+1 555-040-${String(Math.floor(Math.random() * 9000) + 1000)}">
<label for="d">Display name</label><input id="d" name="display" required value="My Business">
<button type="submit">Finish</button> <button type="button" id="c">Cancel</button></form><p id="s" role="status"></p>
<script>
const post = (m) => window.opener && window.opener.postMessage(JSON.stringify(m), '*')
const params = new URLSearchParams(location.search)
if (!params.get('config_id')) {
  post({ type: 'WA_EMBEDDED_SIGNUP', event: 'ERROR', data: { error_message: 'Missing config_id: FB.login needs the configuration id of Facebook Login for Business.', session_id: 'emulator' } })
  s.textContent = 'Missing config_id.'
}
document.getElementById('c').addEventListener('click', () => {
  post({ type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL', data: { current_step: 'PHONE_NUMBER_SETUP' } })
  s.textContent = 'Cancelled: this window closes.'
  // Closed in a later task, once the click has been handled: a window that closes inside its own
  // click handler can go before the browser acknowledges the click, and a driver that clicked it
  // (Playwright, an assistive tool) then sees its target vanish mid-click. Finish closes after its
  // fetch, so it is always a later task too.
  setTimeout(() => window.close(), 0)
})
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault()
  const body = { business: b.value, number: n.value, display: d.value }
  const res = await fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const out = await res.json()
  if (!res.ok) { s.textContent = out.error?.message || 'failed'; return }
  const to = window.opener
  if (to) {
    to.postMessage(JSON.stringify({ type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH', data: { waba_id: out.waba_id, phone_number_id: out.phone_number_id, business_id: out.business_id } }), '*')
    to.postMessage(JSON.stringify({ type: 'WAHUB_EMULATOR_LOGIN', code: out.code }), '*')
  }
  s.textContent = 'Done: you can close this window.'
  window.close()
})
</script></body></html>`
}

// The stand-in for Facebook's JavaScript SDK (decision 0084): the same interface the dashboard
// calls — window.fbAsyncInit, FB.init({appId, version}), FB.login(callback, {config_id,
// response_type: 'code', override_default_response_type: true, extras}) — opening the stand-in
// page above from this (a facebook-like, foreign) origin, which posts Meta's WA_EMBEDDED_SIGNUP
// message to the opener itself; the code reaches FB.login's callback as Meta's SDK hands it:
// { authResponse: { code } } only with response_type code and the override, else a token.
// FB.__calls keeps every FB.login's options for tests.
const sdk = `(function () {
  var origin = new URL(document.currentScript.src).origin
  var FB = {
    __calls: [],
    _init: null,
    init: function (o) { FB._init = o || {} },
    login: function (cb, o) {
      o = o || {}
      FB.__calls.push(JSON.parse(JSON.stringify(o)))
      if (!FB._init || !FB._init.appId) { console.error('FB.login called before FB.init({ appId })'); cb({ authResponse: null, status: 'unknown' }); return }
      var q = new URLSearchParams({ app_id: FB._init.appId, config_id: o.config_id || '', extras: JSON.stringify(o.extras || {}) })
      var popup = window.open(origin + '/_emulator/embedded-signup?' + q, 'fb-embedded-signup', 'width=520,height=700')
      var done = false
      var timer = 0
      function finish(r) { if (done) return; done = true; window.removeEventListener('message', onMessage); clearInterval(timer); cb(r) }
      function onMessage(e) {
        if (e.origin !== origin || typeof e.data !== 'string') return
        var m
        try { m = JSON.parse(e.data) } catch (_) { return }
        if (m.type !== 'WAHUB_EMULATOR_LOGIN') return
        if (o.response_type === 'code' && o.override_default_response_type === true)
          finish({ status: 'connected', authResponse: { code: m.code, userID: '', expiresIn: 0 } })
        else finish({ status: 'connected', authResponse: { accessToken: 'EAA' + String(m.code).slice(2), userID: '', expiresIn: 3600 } })
      }
      window.addEventListener('message', onMessage)
      timer = setInterval(function () {
        if (!popup || popup.closed) setTimeout(function () { finish({ authResponse: null, status: 'unknown' }) }, 300)
      }, 250)
    },
  }
  window.FB = FB
  if (typeof window.fbAsyncInit === 'function') window.fbAsyncInit()
})()
`

/** The stand-in page and its submit, and the stand-in SDK, under /_emulator. */
export async function signupPageRoutes(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.get('/sdk.js', async (_req, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('access-control-allow-origin', '*')
      .send(sdk),
  )
  app.get('/embedded-signup', async (req, reply) => {
    const q = req.query as { config_id?: string }
    return reply.type('text/html; charset=utf-8').send(page(ctx.state.app.name, q.config_id ?? '—'))
  })
  app.post('/embedded-signup', async (req) => {
    const b = isObject(req.body) ? req.body : {}
    const display =
      typeof b.number === 'string' && /\d{6,}/.test(b.number.replace(/\D/g, '')) ? b.number : null
    if (!display) throw new GraphError(100, 'Param number must be a phone number.')
    const name = typeof b.display === 'string' && b.display.trim() ? b.display.trim() : 'My Business'
    const first = [...ctx.state.wabas.values()][0]
    const waba: Waba = {
      id: newObjectId(),
      name: typeof b.business === 'string' && b.business.trim() ? b.business.trim() : name,
      currency: first?.currency ?? 'USD',
      timezoneId: first?.timezoneId ?? '1',
      namespace: `emulator_signup_${randomBytes(4).toString('hex')}`,
      businessVerificationStatus: 'verified',
      primaryFundingId: `fund_${randomBytes(3).toString('hex')}`,
      subscriptions: new Map(),
    }
    ctx.state.wabas.set(waba.id, waba)
    const number = buildNumber(
      { id: newObjectId(), display_phone_number: display, verified_name: name, registered: false },
      waba.id,
      ctx.options,
    )
    ctx.state.numbers.set(number.id, number)
    // The customer's WABA starts with the approved templates the first WABA has (hello_world…).
    const now = Date.now()
    for (const t of [...ctx.state.templates.values()]) {
      if (t.wabaId !== first?.id || t.status !== 'APPROVED') continue
      const copy = buildTemplate(
        {
          name: t.name,
          language: t.language,
          category: t.category,
          parameter_format: t.parameterFormat,
          components: t.components,
        },
        waba.id,
        now,
      )
      ctx.state.templates.set(copy.id, copy)
    }
    const code = `AQ${randomBytes(24).toString('hex')}`
    codesOf(ctx).set(code, { wabaId: waba.id, phoneNumberId: number.id, used: false })
    return { code, waba_id: waba.id, phone_number_id: number.id, business_id: `${waba.id}0` }
  })
}

/** GET /{version}/oauth/access_token?client_id&client_secret&code: the code → a business token. */
export async function oauthRoute(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.get('/oauth/access_token', async (req) => {
    const p = graphParams(req)
    if (p.client_id !== ctx.state.app.id || p.client_secret !== ctx.state.app.secret) {
      throw new GraphError(101, undefined, { message: 'Error validating client secret.', httpStatus: 400 })
    }
    const pending = typeof p.code === 'string' ? codesOf(ctx).get(p.code) : undefined
    if (!pending)
      throw new GraphError(100, undefined, { message: 'Invalid verification code format.', httpStatus: 400 })
    if (pending.used) {
      throw new GraphError(100, undefined, {
        subcode: 36009,
        message: 'This authorization code has been used.',
        httpStatus: 400,
      })
    }
    pending.used = true
    const token = `EAAW${randomBytes(24).toString('hex')}`
    const now = Math.floor(Date.now() / 1000)
    ctx.state.tokens.set(token, {
      token,
      appId: ctx.state.app.id,
      type: 'SYSTEM_USER',
      userId: newObjectId(),
      scopes: ['whatsapp_business_management', 'whatsapp_business_messaging', 'business_management'],
      wabaIds: [pending.wabaId],
      issuedAt: now,
      expiresAt: 0,
      revoked: false,
    })
    return { access_token: token, token_type: 'bearer' }
  })
}
