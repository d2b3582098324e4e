import type { Config } from '../../config.ts'
import type { AppRow, Scope, WabaRow } from '../facts-repo.ts'
import { plural } from '../read.ts'
import { type Check, check } from '../types.ts'

// Checks of the installation as a whole: is anything connected, can Meta reach us (HTTPS
// public URL, handshake), can we check what Meta sends (app secret, signature failures).

export function channelsCheck(
  scope: Scope,
  known: { phone_number_id: string; display_phone_number: string | null }[],
): Check {
  if (scope.unknownChannel) {
    const list = known.map((k) => k.phone_number_id).join(', ') || 'none'
    return check(
      'channels',
      null,
      'fail',
      `Wahub holds no number with phone_number_id ${scope.unknownChannel}. The numbers it knows: ${list}.`,
      `If ${scope.unknownChannel} is yours, add it: \`wahub number add --phone-number-id ${scope.unknownChannel} --waba-id <its WABA id>\` (or \`wahub number import --waba-id <id>\`). WhatsApp Manager > Phone numbers shows both ids.`,
      { phoneNumberId: scope.unknownChannel, known: known.map((k) => k.phone_number_id) },
    )
  }
  if (scope.numbers.length === 0) {
    const seen =
      scope.wabas.length > 0
        ? `${plural(scope.wabas.length, 'WABA')} but no phone number in Wahub.`
        : 'No Meta app, WABA or phone number is connected yet.'
    const fix =
      scope.wabas.length > 0
        ? scope.wabas.map((w) => `\`wahub number import --waba-id ${w.waba_id}\``).join('; ')
        : '`wahub app add --app-id … --app-secret …`, `wahub waba add --waba-id … --token …`, `wahub number import --waba-id …` (docs/CHANNELS.md); or try the sandbox: start `wahub serve` with an empty data dir.'
    return check('channels', null, 'warn', seen, fix)
  }
  const sandbox = scope.numbers.filter((n) => n.is_sandbox === 1).length
  const seen = `${plural(scope.numbers.length, 'number')} in ${plural(scope.wabas.length, 'WABA')}${sandbox ? ` (${sandbox} of them the Sandbox's, on the built-in emulator)` : ''}.`
  return check('channels', null, 'pass', seen, null, {
    numbers: scope.numbers.length,
    wabas: scope.wabas.length,
    sandboxNumbers: sandbox,
  })
}

function isLocalHost(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h.endsWith('.localhost')
}

/**
 * Meta calls only public HTTPS callbacks. Only the Sandbox's WABAs (fed by the in-process
 * emulator) do without one; a local http URL is tolerated with a warning (an emulator setup).
 */
export function publicUrlCheck(config: Config, wabas: WabaRow[]): Check {
  const real = wabas.filter((w) => w.is_sandbox !== 1)
  const url = config.publicUrl
  if (url?.startsWith('https://')) {
    return check(
      'public_url',
      null,
      'pass',
      `WAHUB_PUBLIC_URL is ${url}: Meta calls ${url}/webhooks/whatsapp.`,
    )
  }
  if (wabas.length === 0) {
    return check(
      'public_url',
      null,
      'warn',
      url
        ? `WAHUB_PUBLIC_URL is ${url}, not HTTPS: Meta will not call it once a number is connected.`
        : 'WAHUB_PUBLIC_URL is not set: before connecting a number, Meta needs a public HTTPS address to send webhooks to.',
      'Set WAHUB_PUBLIC_URL to the HTTPS address of this server (a reverse proxy with a certificate, or a tunnel).',
    )
  }
  if (real.length === 0) {
    // Only the Sandbox: it works without a public URL, but the next step (a real number) does
    // not, so an unset URL is a warning rather than a pass (issue 12).
    return check(
      'public_url',
      null,
      url ? 'pass' : 'warn',
      `WAHUB_PUBLIC_URL is ${url ? `${url} (not HTTPS)` : 'not set'}; only the Sandbox is connected, and its emulator delivers webhooks to this server directly.`,
      url
        ? null
        : 'Before connecting a real number, set WAHUB_PUBLIC_URL to the HTTPS address of this server (a reverse proxy with a certificate, or a tunnel).',
    )
  }
  const fix =
    'Put Wahub behind HTTPS (a reverse proxy with a certificate, or a tunnel) and set WAHUB_PUBLIC_URL=https://your.host, then paste https://your.host/webhooks/whatsapp into App Dashboard > WhatsApp > Configuration.'
  if (!url) {
    return check(
      'public_url',
      null,
      'fail',
      'WAHUB_PUBLIC_URL is not set: Meta has no address to send webhooks to, and the callback URL Wahub shows is a local one.',
      fix,
    )
  }
  if (isLocalHost(new URL(url))) {
    return check(
      'public_url',
      null,
      'warn',
      `WAHUB_PUBLIC_URL is ${url}: a local http address. Only an emulator can call it; Meta calls public HTTPS URLs only.`,
      fix,
    )
  }
  return check(
    'public_url',
    null,
    'fail',
    `WAHUB_PUBLIC_URL is ${url}: Meta refuses callback URLs that are not HTTPS.`,
    fix,
  )
}

export type HandshakeResult =
  | { kind: 'no_app' }
  | { kind: 'answered'; url: string; status: number; body: string; challenge: string }
  | { kind: 'unreachable'; url: string; error: string }

/** GET /webhooks/whatsapp through the public URL, as Meta does when you click "Verify and save". */
export function handshakeCheck(result: HandshakeResult, viaPublicUrl: boolean): Check {
  if (result.kind === 'no_app') {
    return check(
      'webhook.handshake',
      null,
      'warn',
      'Not checked: no Meta app is configured, so there is no verify token to answer the handshake with.',
      'Add the app: `wahub app add --app-id … --app-secret …` (it prints the verify token to paste into Meta).',
    )
  }
  const where = viaPublicUrl ? 'WAHUB_PUBLIC_URL' : 'the local URL (WAHUB_PUBLIC_URL is not set)'
  if (result.kind === 'unreachable') {
    return check(
      'webhook.handshake',
      null,
      'fail',
      `GET ${result.url} through ${where} got no answer: ${result.error}.`,
      'Is `wahub serve` running? Does WAHUB_PUBLIC_URL reach it (DNS, firewall, the reverse proxy forwarding /webhooks/whatsapp)?',
      { url: result.url },
    )
  }
  if (result.status === 200 && result.body === result.challenge) {
    return check(
      'webhook.handshake',
      null,
      'pass',
      `GET ${result.url} with the app's verify token echoed the challenge, as Meta expects.`,
      null,
      { url: result.url },
    )
  }
  const fix =
    result.status === 403
      ? "The server at that URL does not accept this app's verify token: is it Wahub, and the same installation? `wahub app list` shows the apps."
      : 'That URL is not answering as Wahub: check the reverse proxy forwards /webhooks/whatsapp (GET and POST, query string and raw body intact) to Wahub.'
  return check(
    'webhook.handshake',
    null,
    'fail',
    `GET ${result.url} answered HTTP ${result.status}${result.body ? ` "${result.body.slice(0, 80)}"` : ''} instead of echoing the challenge.`,
    fix,
    { url: result.url, status: result.status },
  )
}

export function appSecretCheck(apps: AppRow[], wabas: WabaRow[]): Check {
  if (apps.length === 0) {
    return check(
      'app_secret',
      null,
      wabas.length > 0 ? 'fail' : 'warn',
      'No Meta app is configured: Wahub has no app secret to check signatures with, so it refuses every webhook (401, reason no_app_secret).',
      'Add it from App Dashboard > App settings > Basic: `wahub app add --app-id <App ID> --app-secret <App secret>`.',
    )
  }
  const missing = apps.filter((a) => !a.app_secret_enc)
  if (missing.length > 0) {
    return check(
      'app_secret',
      null,
      'fail',
      `App ${missing.map((a) => a.app_id).join(', ')} has no app secret: webhooks signed by it are refused.`,
      missing.map((a) => `\`wahub app add --app-id ${a.app_id} --app-secret <App secret>\``).join('; '),
    )
  }
  const unlinked = wabas.filter((w) => !w.meta_app_id)
  if (unlinked.length > 0) {
    return check(
      'app_secret',
      null,
      'warn',
      `App secret set for ${apps.map((a) => a.app_id).join(', ')}, but WABA ${unlinked.map((w) => w.waba_id).join(', ')} is linked to no app: Wahub cannot set webhook overrides for it (Meta checks them with the app's verify token).`,
      unlinked
        .map(
          (w) => `\`wahub waba add --waba-id ${w.waba_id} --token <its token> --app-id ${apps[0].app_id}\``,
        )
        .join('; '),
    )
  }
  return check(
    'app_secret',
    null,
    'pass',
    `App secret set for ${plural(apps.length, 'app')} (${apps.map((a) => a.app_id).join(', ')}): every webhook's X-Hub-Signature-256 is checked.`,
  )
}

const signatureFixes: Record<string, string> = {
  signature_mismatch:
    'The signature matches no app secret Wahub has: copy the App secret from App Dashboard > App settings > Basic and run `wahub app add --app-id <id> --app-secret <secret>` (or someone is sending forged webhooks).',
  no_app_secret: 'Add the Meta app with its secret: `wahub app add --app-id <id> --app-secret <secret>`.',
  signature_missing:
    'Requests without X-Hub-Signature-256 are not from Meta (or a proxy strips the header): check the reverse proxy passes headers through.',
  signature_malformed: 'A proxy may be altering the X-Hub-Signature-256 header; Meta sends `sha256=<hex>`.',
  too_large: 'Bodies over 3 MiB were refused; Meta sends at most 3 MB, so these did not come from Meta.',
  verify_token_mismatch:
    'Handshakes (GET /webhooks/whatsapp) with a wrong hub.verify_token were refused: if you are setting up the callback in the App Dashboard, paste the verify token `wahub app add` printed (or set a new one with `wahub app add --app-id <id> --verify-token <token>`); otherwise someone is probing the URL.',
}

/** Webhook POSTs refused before storage in the last 24 h, by reason (webhooks/rejections.ts). */
export function signaturesCheck(byReason: Record<string, number>): Check {
  const reasons = Object.entries(byReason).filter(([, n]) => n > 0)
  if (reasons.length === 0) {
    return check('webhook.signatures', null, 'pass', 'No webhook was refused in the last 24 h.')
  }
  const seen = `Webhooks refused in the last 24 h: ${reasons.map(([r, n]) => `${r} × ${n}`).join(', ')}.`
  const serious = reasons.some(([r]) => r === 'signature_mismatch' || r === 'no_app_secret')
  return check(
    'webhook.signatures',
    null,
    serious ? 'fail' : 'warn',
    serious
      ? `${seen} Meta retries refused webhooks, then gives up: those messages and statuses are lost to Wahub.`
      : seen,
    reasons.map(([r]) => signatureFixes[r] ?? `Reason ${r}.`).join(' '),
    { byReason },
  )
}
