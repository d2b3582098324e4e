import { parseArgs } from 'node:util'
import { type EmulatorOptions, startEmulator } from '../emulator/index.ts'

// `wahub emulator`: the Cloud API emulator alone (SPEC §3, §9). Parses flags, starts it, prints
// the base URL and the seeded ids/tokens/secrets, and stays up until SIGINT/SIGTERM.

const usage = `Usage: wahub emulator [options]

Runs a local stand-in for Meta's WhatsApp Cloud API (Graph API + webhooks). See docs/EMULATOR.md.

Options:
  --port N                 TCP port (default 4010; 0 = any free port)
  --host H                 interface (default 127.0.0.1)
  --webhook-url URL        app-level callback URL that receives the signed webhooks
  --app-secret S           app secret used to sign webhooks (default emulator-app-secret)
  --verify-token T         webhook verify token (default emulator-verify-token)
  --seed FILE              JSON seed file (apps, WABAs, numbers, tokens, templates, customers)
  --throughput N           messages/s per number (default 80; 0 or "unlimited" = no cap)
  --sent-ms N              delay of the "sent" status after a send (default 100)
  --delivered-ms N         delay of "delivered" after a send (default 500)
  --read-ms N              delay of "read" after a send (default 2000; -1 = never read)
  --template-review-ms N   delay before a created template is reviewed (default 2000)
  --template-review R      approve | reject | manual (default approve)
  --auto-reply             simulated customers answer on their own
  --auto-reply-ms N        delay of those answers after reading (default 1500)
  --batch-max N            events per webhook delivery at most (default 25; 1 = no batching)
  --batch-window-ms N      how long events wait to be batched (default 20)
  --retry-base-ms N        first webhook retry delay, doubled each attempt (default 1000)
  --retry-max-attempts N   webhook delivery attempts before giving up (default 10)
  --no-verify-callbacks    accept override callback URLs without the GET handshake
  --no-pair-limit          disable the pair rate limit (131056)
  --log                    JSON logs on stdout
  --json                   print the start summary as JSON
  -h, --help               this help
`

function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n)) throw new Error(`${flag} must be a number (got "${value}")`)
  return n
}

function parse(argv: string[]): { options: EmulatorOptions; json: boolean; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'webhook-url': { type: 'string' },
      'app-secret': { type: 'string' },
      'verify-token': { type: 'string' },
      seed: { type: 'string' },
      throughput: { type: 'string' },
      'sent-ms': { type: 'string' },
      'delivered-ms': { type: 'string' },
      'read-ms': { type: 'string' },
      'template-review-ms': { type: 'string' },
      'template-review': { type: 'string' },
      'auto-reply': { type: 'boolean' },
      'auto-reply-ms': { type: 'string' },
      'batch-max': { type: 'string' },
      'batch-window-ms': { type: 'string' },
      'retry-base-ms': { type: 'string' },
      'retry-max-attempts': { type: 'string' },
      'no-verify-callbacks': { type: 'boolean' },
      'no-pair-limit': { type: 'boolean' },
      log: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const review = values['template-review']
  if (review !== undefined && !['approve', 'reject', 'manual'].includes(review)) {
    throw new Error('--template-review must be approve, reject or manual')
  }
  const throughput = values.throughput === 'unlimited' ? 0 : int(values.throughput, '--throughput')
  return {
    help: values.help === true,
    json: values.json === true,
    options: {
      port: int(values.port, '--port') ?? 4010,
      host: values.host,
      webhookUrl: values['webhook-url'],
      appSecret: values['app-secret'],
      verifyToken: values['verify-token'],
      seed: values.seed,
      throughput,
      delays: {
        sentMs: int(values['sent-ms'], '--sent-ms'),
        deliveredMs: int(values['delivered-ms'], '--delivered-ms'),
        readMs: int(values['read-ms'], '--read-ms'),
        templateReviewMs: int(values['template-review-ms'], '--template-review-ms'),
        autoReplyMs: int(values['auto-reply-ms'], '--auto-reply-ms'),
      },
      templateReview: review as EmulatorOptions['templateReview'],
      autoReply: values['auto-reply'] === true,
      batch: {
        maxItems: int(values['batch-max'], '--batch-max'),
        windowMs: int(values['batch-window-ms'], '--batch-window-ms'),
      },
      webhookRetry: {
        baseMs: int(values['retry-base-ms'], '--retry-base-ms'),
        maxAttempts: int(values['retry-max-attempts'], '--retry-max-attempts'),
      },
      verifyCallbacks: values['no-verify-callbacks'] !== true,
      pairRateLimit: values['no-pair-limit'] === true ? false : undefined,
      log: values.log === true,
    },
  }
}

export async function runEmulatorCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (err) {
    process.stderr.write(`wahub emulator: ${(err as Error).message}\n\n${usage}`)
    return 2
  }
  if (parsed.help) {
    process.stdout.write(usage)
    return 0
  }
  const emulator = await startEmulator(parsed.options)
  const s = emulator.seed
  if (parsed.json) {
    process.stdout.write(`${JSON.stringify({ url: emulator.url, ...s })}\n`)
  } else {
    const lines = [
      `Cloud API emulator listening on ${emulator.url}`,
      `  Graph base URL      ${emulator.url}/v23.0   (any version accepted)`,
      `  control API         ${emulator.url}/_emulator/state   (docs/EMULATOR.md)`,
      `  webhook URL         ${parsed.options.webhookUrl ?? '(none: set with --webhook-url or POST /_emulator/webhook)'}`,
      `  app id              ${s.appId}`,
      `  app secret          ${s.appSecret}`,
      `  verify token        ${s.verifyToken}`,
      `  WABA id             ${s.wabaId}`,
      ...s.phoneNumberIds.map((id, i) => `  phone number id     ${id}   ${s.displayNumbers[i] ?? ''}`),
      `  access token        ${s.accessToken}`,
      `  expired token       ${s.expiredToken}`,
      `  no-permission token ${s.noPermissionToken}`,
      ...s.customers.map((c) => `  customer            ${c.wa_id || c.user_id}   ${c.name}`),
      `  templates           ${s.templates.map((t) => `${t.name} (${t.language})`).join(', ')}`,
      '',
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await emulator.close()
  return 0
}
