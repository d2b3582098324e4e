// Meta's Embedded Signup popup through the Facebook JavaScript SDK (decision 0084): the SDK is
// loaded once (window.fbAsyncInit, then FB.init with the app id and Graph version), FB.login is
// called with the Facebook Login for Business configuration id, response_type 'code',
// override_default_response_type and the extras Meta documents (sessionInfoVersion 3), and the
// session info arrives as a WA_EMBEDDED_SIGNUP message from Facebook's origin (or the stand-in
// SDK's, offline).

export type FbLoginResponse = {
  authResponse?: { code?: string; accessToken?: string } | null
  status?: string
}
type FbSdk = {
  init(options: Record<string, unknown>): void
  login(callback: (r: FbLoginResponse) => void, options: Record<string, unknown>): void
}
type FbWindow = Window & { FB?: FbSdk; fbAsyncInit?: () => void }

let loading: Promise<FbSdk> | null = null

/** Loads the SDK at `url` once and initialises it for `appId`. */
export function loadFacebookSdk(url: string, appId: string, version: string): Promise<FbSdk> {
  const w = window as FbWindow
  loading ??= new Promise<FbSdk>((resolve, reject) => {
    w.fbAsyncInit = () => {
      if (!w.FB) return reject(new Error('The Facebook SDK loaded without FB.'))
      w.FB.init({ appId, autoLogAppEvents: true, xfbml: true, version })
      resolve(w.FB)
    }
    const script = document.createElement('script')
    script.src = url
    script.async = true
    script.defer = true
    script.crossOrigin = 'anonymous'
    script.onerror = () => {
      loading = null
      reject(new Error(`The Facebook SDK could not be loaded from ${url}.`))
    }
    document.body.appendChild(script)
  })
  return loading
}

/** FB.login as Meta's Embedded Signup documents it: the code comes back, not a token. */
export function launchEmbeddedSignup(fb: FbSdk, configId: string): Promise<FbLoginResponse> {
  return new Promise((resolve) =>
    fb.login(resolve, {
      config_id: configId,
      response_type: 'code',
      override_default_response_type: true,
      extras: { setup: {}, featureType: '', sessionInfoVersion: '3' },
    }),
  )
}

export type SessionInfo =
  | { event: 'FINISH'; wabaId: string; phoneNumberId: string | null }
  | { event: 'CANCEL'; step: string | null }
  | { event: 'ERROR'; message: string | null }

/** Facebook's own origins (https, facebook.com or a subdomain) or the SDK's when it is a stand-in. */
export function trustedOrigin(origin: string, sdkUrl: string | null): boolean {
  try {
    const u = new URL(origin)
    if (u.protocol === 'https:' && (u.hostname === 'facebook.com' || u.hostname.endsWith('.facebook.com')))
      return true
    return sdkUrl !== null && new URL(sdkUrl).origin === u.origin
  } catch {
    return false
  }
}

/** The WA_EMBEDDED_SIGNUP message's content, or null for any other message. */
export function sessionInfo(data: unknown): SessionInfo | null {
  if (typeof data !== 'string') return null
  let m: { type?: string; event?: string; data?: Record<string, string | undefined> }
  try {
    m = JSON.parse(data)
  } catch {
    return null
  }
  if (m.type !== 'WA_EMBEDDED_SIGNUP') return null
  const d = m.data ?? {}
  if (m.event?.startsWith('FINISH') && d.waba_id)
    return { event: 'FINISH', wabaId: d.waba_id, phoneNumberId: d.phone_number_id ?? null }
  if (m.event === 'CANCEL') return { event: 'CANCEL', step: d.current_step ?? null }
  if (m.event === 'ERROR') return { event: 'ERROR', message: d.error_message ?? null }
  return null
}
