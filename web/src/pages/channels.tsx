import { type FormEvent, useId, useState } from 'react'
import { get, post } from '../api.ts'
import type { AddAppResult, MetaApp, PhoneNumber, Tenant, Waba, WebhookStatus } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { CopyField } from '../ui/copy-field.tsx'
import { DoctorPanel } from '../ui/doctor-report.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useLoad } from '../ui/hooks.ts'

// Channels (seed 003's setup screens, done right): the Meta app with the callback URL and verify
// token to paste into the App Dashboard, WABAs and numbers (quality, tier, throughput,
// registration), adding a WABA (its token is checked by Meta first: a bad one is refused with the
// fix), registering with the PIN, the webhook override, and the doctor.

type Data = { apps: MetaApp[]; wabas: Waba[]; numbers: PhoneNumber[]; tenants: Tenant[] }

async function loadAll(): Promise<Data> {
  const [apps, wabas, numbers, tenants] = await Promise.all([
    get<{ apps: MetaApp[] }>('/api/v1/admin/apps'),
    get<{ wabas: Waba[] }>('/api/v1/admin/wabas'),
    get<{ numbers: PhoneNumber[] }>('/api/v1/admin/numbers'),
    get<{ tenants: Tenant[] }>('/api/v1/admin/tenants'),
  ])
  return { apps: apps.apps, wabas: wabas.wabas, numbers: numbers.numbers, tenants: tenants.tenants }
}

const callbackFallback = () => `${window.location.origin}/webhooks/whatsapp`

export function ChannelsPage() {
  const { data, error, reload } = useLoad(loadAll, [])
  const [open, setOpen] = useState<string | null>(null)
  const tenantName = (id: string | null) => (id ? (data?.tenants.find((t) => t.id === id)?.name ?? id) : null)

  return (
    <div className="page">
      <div className="page-head">
        <h1>Channels</h1>
        <p className="muted">
          Your Meta app, WhatsApp Business Accounts and numbers, and what is wrong with them.
        </p>
      </div>
      <ErrorBox error={error} title="Could not load the channels" />

      <section className="card" aria-labelledby="doctor-title">
        <h2 id="doctor-title">Doctor</h2>
        <p className="muted">
          Checks tokens, numbers, registration, webhooks and recent failures, and says how to fix each
          problem.
        </p>
        <DoctorPanel label="Run doctor" />
      </section>

      <section className="card" aria-labelledby="numbers-title">
        <h2 id="numbers-title">Numbers</h2>
        {data && data.numbers.length === 0 ? (
          <p className="notice">
            No number yet: add a WhatsApp Business Account below; its numbers are imported.
          </p>
        ) : null}
        {data && data.numbers.length > 0 ? (
          <div className="table-wrap">
            <table className="numbers-table">
              <caption className="visually-hidden">Phone numbers</caption>
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">Quality</th>
                  <th scope="col">Messaging limit</th>
                  <th scope="col">Throughput</th>
                  <th scope="col">Registration</th>
                  <th scope="col">Tenant</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.numbers.map((n) => (
                  <NumberRow
                    key={n.id}
                    number={n}
                    tenant={tenantName(n.tenantId)}
                    open={open === n.id}
                    onToggle={() => setOpen(open === n.id ? null : n.id)}
                    onChanged={reload}
                  />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section className="card" aria-labelledby="connect-title">
        <h2 id="connect-title">Connect a number</h2>
        <ol className="steps">
          <li>
            <MetaAppStep apps={data?.apps ?? []} onChanged={reload} />
          </li>
          <li>
            <AddWaba onChanged={reload} />
          </li>
          <li>
            <AddNumber wabas={data?.wabas ?? []} onChanged={reload} />
          </li>
        </ol>
      </section>

      {data?.wabas.length ? (
        <section className="card" aria-labelledby="wabas-title">
          <h2 id="wabas-title">WhatsApp Business Accounts</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">WABA</th>
                  <th scope="col">Numbers</th>
                  <th scope="col">Token</th>
                  <th scope="col">Tenant</th>
                </tr>
              </thead>
              <tbody>
                {data.wabas.map((w) => (
                  <tr key={w.id}>
                    <td>
                      <strong>{w.name ?? 'WABA'}</strong> <span className="muted mono">{w.wabaId}</span>
                      {w.isSandbox ? <span className="badge sandbox">Sandbox</span> : null}
                    </td>
                    <td>{w.numberCount}</td>
                    <td>
                      <span className="mono">…{w.tokenLast4}</span>{' '}
                      {w.tokenType ? <span className="muted">{w.tokenType}</span> : null}
                      {w.tokenExpiresAt ? (
                        <span className="badge warn">expires {formatDateTime(w.tokenExpiresAt)}</span>
                      ) : null}
                    </td>
                    <td>{tenantName(w.tenantId) ?? <span className="muted">shared</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  )
}

function quality(q: string | null) {
  const v = (q ?? 'UNKNOWN').toUpperCase()
  const cls = v === 'GREEN' ? 'pass' : v === 'YELLOW' ? 'warn' : v === 'RED' ? 'fail' : 'neutral'
  const label = { GREEN: 'High', YELLOW: 'Medium', RED: 'Low' }[v] ?? 'Unknown'
  return (
    <span className={`status-pill ${cls}`}>
      {label} <span className="muted">({v.toLowerCase()})</span>
    </span>
  )
}

function tier(t: string | null): string {
  if (!t) return 'unknown'
  const m = /^TIER_(\w+)$/.exec(t)
  if (!m) return t
  return m[1] === 'UNLIMITED' ? 'Unlimited' : `${m[1].replace(/K$/, ',000')} customers / 24 h`
}

function NumberRow(props: {
  number: PhoneNumber
  tenant: string | null
  open: boolean
  onToggle: () => void
  onChanged: () => Promise<void>
}) {
  const n = props.number
  const detailsId = `number-${n.id}`
  return (
    <>
      <tr data-number-id={n.phoneNumberId}>
        <td>
          <strong>{n.displayPhoneNumber ?? n.phoneNumberId}</strong>
          <br />
          <span className="muted small">
            {n.verifiedName ?? 'no verified name'} · <span className="mono">{n.phoneNumberId}</span>
          </span>
          {n.isSandbox ? <span className="badge sandbox">Sandbox</span> : null}
          {n.accountMode === 'SANDBOX' ? <span className="badge warn">Development mode</span> : null}
        </td>
        <td data-label="Quality">{quality(n.qualityRating)}</td>
        <td data-label="Messaging limit">{tier(n.messagingLimitTier)}</td>
        <td data-label="Throughput">
          {n.throughputLevel ? n.throughputLevel.toLowerCase() : 'unknown'}
          {n.throughputMps ? <span className="muted"> · {n.throughputMps}/s</span> : null}
        </td>
        <td data-label="Registration">
          {n.registered === true ? (
            <span className="status-pill pass">Registered</span>
          ) : n.registered === false ? (
            <span className="status-pill fail">Not registered</span>
          ) : (
            <span className="status-pill neutral">Unknown</span>
          )}
        </td>
        <td data-label="Tenant">{props.tenant ?? <span className="muted">unassigned</span>}</td>
        <td>
          <button
            type="button"
            className="secondary small"
            aria-expanded={props.open}
            aria-controls={detailsId}
            onClick={props.onToggle}
          >
            {props.open ? 'Close' : 'Manage'}
            <span className="visually-hidden"> {n.displayPhoneNumber ?? n.phoneNumberId}</span>
          </button>
        </td>
      </tr>
      {props.open ? (
        <tr className="number-details" id={detailsId}>
          <td colSpan={7}>
            <NumberTools number={n} onChanged={props.onChanged} />
          </td>
        </tr>
      ) : null}
    </>
  )
}

function NumberTools(props: { number: PhoneNumber; onChanged: () => Promise<void> }) {
  const n = props.number
  const ids = useId()
  const [pin, setPin] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<unknown>()
  const [done, setDone] = useState<string | null>(null)
  const [webhook, setWebhook] = useState<WebhookStatus>()
  const [overrideUrl, setOverrideUrl] = useState('')

  const act = async (what: string, fn: () => Promise<unknown>, message: string) => {
    setBusy(what)
    setError(undefined)
    setDone(null)
    try {
      await fn()
      setDone(message)
      await props.onChanged()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(null)
    }
  }
  const base = `/api/v1/admin/numbers/${encodeURIComponent(n.id)}`

  const register = (e: FormEvent) => {
    e.preventDefault()
    void act('register', () => post(`${base}/register`, { pin }), 'Registered for the Cloud API.')
  }
  const loadWebhook = () =>
    act(
      'webhook',
      async () => {
        const s = await get<WebhookStatus>(`${base}/webhook`)
        setWebhook(s)
        setOverrideUrl((u) => u || s.callbackUrl)
      },
      'Webhook configuration read from Meta.',
    )
  const override = (remove: boolean) =>
    act(
      'override',
      async () =>
        setWebhook(
          await post<WebhookStatus>(
            `${base}/webhook/override`,
            remove ? { remove: true } : { url: overrideUrl },
          ),
        ),
      remove ? 'Override removed.' : 'Override applied: Meta now sends this number’s webhooks to the URL.',
    )
  const mine = webhook?.numbers.find((x) => x.phoneNumberId === n.phoneNumberId)

  return (
    <div className="number-tools">
      <div className="tool">
        <h3>Register</h3>
        <form onSubmit={register} className="inline-form">
          <label htmlFor={`${ids}-pin`}>Two-step PIN (6 digits)</label>
          <input
            id={`${ids}-pin`}
            inputMode="numeric"
            pattern="\d{6}"
            maxLength={6}
            autoComplete="off"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
            aria-describedby={`${ids}-pin-hint`}
          />
          <button type="submit" disabled={busy !== null || pin.length !== 6}>
            {busy === 'register' ? 'Registering…' : 'Register'}
          </button>
        </form>
        <p id={`${ids}-pin-hint`} className="hint">
          Once per number. If you set a PIN before, use the same one.
        </p>
      </div>
      <div className="tool">
        <h3>Webhook</h3>
        <button
          type="button"
          className="secondary"
          onClick={() => void loadWebhook()}
          disabled={busy !== null}
        >
          {busy === 'webhook' ? 'Asking Meta…' : 'Check where Meta sends webhooks'}
        </button>
        {webhook ? (
          <div className="webhook-status">
            <p>
              {mine?.pointsToUs ? (
                <span className="status-pill pass">Points to Wahub</span>
              ) : (
                <span className="status-pill fail">Not pointing to Wahub</span>
              )}{' '}
              {mine?.effective ? (
                <span className="muted small">
                  {mine.effective.level} level: <span className="mono">{mine.effective.url}</span>
                </span>
              ) : (
                <span className="muted small">no callback configured</span>
              )}
            </p>
            {webhook.problems.map((p) => (
              <p key={p.problem} className="check-fix">
                {p.problem} <span className="label">Fix: </span>
                {p.fix}
              </p>
            ))}
            <div className="inline-form">
              <label htmlFor={`${ids}-override`}>Override URL for this number</label>
              <input
                id={`${ids}-override`}
                type="url"
                value={overrideUrl}
                onChange={(e) => setOverrideUrl(e.target.value)}
              />
              <button
                type="button"
                onClick={() => void override(false)}
                disabled={busy !== null || !overrideUrl}
              >
                Apply override
              </button>
              {mine?.numberOverride ? (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void override(true)}
                  disabled={busy !== null}
                >
                  Remove override
                </button>
              ) : null}
            </div>
          </div>
        ) : null}
      </div>
      <div className="tool">
        <h3>Refresh</h3>
        <button
          type="button"
          className="secondary"
          disabled={busy !== null}
          onClick={() => void act('refresh', () => post(`${base}/refresh`), 'Refreshed from Meta.')}
        >
          {busy === 'refresh' ? 'Refreshing…' : 'Refresh quality, tier and throughput'}
        </button>
      </div>
      {done ? (
        <p className="success" role="status">
          {done}
        </p>
      ) : null}
      <ErrorBox error={error} title="Meta said no" />
      <div className="tool wide">
        <h3>Doctor for this number</h3>
        <DoctorPanel channel={n.phoneNumberId} label="Run doctor for this number" />
      </div>
    </div>
  )
}

function MetaAppStep(props: { apps: MetaApp[]; onChanged: () => Promise<void> }) {
  const ids = useId()
  const [appId, setAppId] = useState('')
  const [secret, setSecret] = useState('')
  const [verifyToken, setVerifyToken] = useState('')
  const [result, setResult] = useState<AddAppResult>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      setResult(
        await post<AddAppResult>('/api/v1/admin/apps', {
          appId: appId.trim(),
          appSecret: secret.trim(),
          ...(verifyToken.trim() ? { verifyToken: verifyToken.trim() } : {}),
        }),
      )
      setSecret('')
      await props.onChanged()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="step">
      <h3>Meta app and webhook</h3>
      <p className="muted">
        In the App Dashboard, WhatsApp › Configuration › Webhook: paste the callback URL and the verify token,
        click “Verify and save”, then subscribe to the <strong>messages</strong> field.
      </p>
      <CopyField label="Callback URL" value={result?.callbackUrl ?? callbackFallback()} />
      {result?.verifyToken ? (
        <>
          <CopyField label="Verify token (shown once)" value={result.verifyToken} />
          <p className="hint">Copy it now: Wahub keeps only its last 4 characters.</p>
        </>
      ) : null}
      {result?.warnings.map((w) => (
        <p key={w} className="notice">
          {w}
        </p>
      ))}
      {props.apps.length ? (
        <ul className="plain-list">
          {props.apps.map((a) => (
            <li key={a.id}>
              App <span className="mono">{a.appId}</span> {a.name ? `(${a.name})` : ''} · secret …
              {a.appSecretLast4 ?? '—'} · verify token …{a.verifyTokenLast4}
            </li>
          ))}
        </ul>
      ) : null}
      <details className="disclosure">
        <summary>{props.apps.length ? 'Add another app or replace a secret' : 'Add your Meta app'}</summary>
        <form onSubmit={submit} className="stack-form">
          <label htmlFor={`${ids}-app`}>App ID</label>
          <input
            id={`${ids}-app`}
            inputMode="numeric"
            required
            value={appId}
            onChange={(e) => setAppId(e.target.value)}
          />
          <label htmlFor={`${ids}-secret`}>App secret</label>
          <input
            id={`${ids}-secret`}
            type="password"
            autoComplete="off"
            required
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
          <label htmlFor={`${ids}-verify`}>Verify token (optional)</label>
          <input
            id={`${ids}-verify`}
            autoComplete="off"
            value={verifyToken}
            onChange={(e) => setVerifyToken(e.target.value)}
            aria-describedby={`${ids}-verify-hint`}
          />
          <p id={`${ids}-verify-hint`} className="hint">
            Leave empty and Wahub generates one.
          </p>
          <ErrorBox error={error} title="App not saved" />
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save app'}
          </button>
        </form>
      </details>
    </div>
  )
}

function AddWaba(props: { onChanged: () => Promise<void> }) {
  const ids = useId()
  const [wabaId, setWabaId] = useState('')
  const [token, setToken] = useState('')
  const [name, setName] = useState('')
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<{ waba: Waba; imported: number; warnings: string[] } | null>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    setDone(null)
    try {
      const added = await post<{ waba: Waba; token: { warnings: string[] } }>('/api/v1/admin/wabas', {
        wabaId: wabaId.trim(),
        token: token.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
      })
      const imported = await post<{ numbers: PhoneNumber[] }>(
        `/api/v1/admin/wabas/${encodeURIComponent(added.waba.id)}/numbers/import`,
      )
      setDone({ waba: added.waba, imported: imported.numbers.length, warnings: added.token.warnings })
      setToken('')
      await props.onChanged()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="step">
      <h3>WhatsApp Business Account</h3>
      <p className="muted">
        The WABA ID and a System User access token (Business Settings › System users). Meta checks the token
        before it is saved; the numbers of the account are then imported.
      </p>
      <form onSubmit={submit} className="stack-form" aria-label="Add a WhatsApp Business Account">
        <label htmlFor={`${ids}-waba`}>WABA ID</label>
        <input
          id={`${ids}-waba`}
          inputMode="numeric"
          required
          value={wabaId}
          onChange={(e) => setWabaId(e.target.value)}
        />
        <label htmlFor={`${ids}-token`}>Access token</label>
        <input
          id={`${ids}-token`}
          type="password"
          autoComplete="off"
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <label htmlFor={`${ids}-name`}>Name (optional)</label>
        <input id={`${ids}-name`} value={name} onChange={(e) => setName(e.target.value)} />
        <ErrorBox error={error} title="Not connected" />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking the token with Meta…' : 'Connect'}
        </button>
      </form>
      {done ? (
        <div className="success" role="status">
          Connected WABA {done.waba.wabaId}: {done.imported} number(s) imported.
          {done.warnings.map((w) => (
            <p key={w} className="notice">
              {w}
            </p>
          ))}
        </div>
      ) : null}
    </div>
  )
}

function AddNumber(props: { wabas: Waba[]; onChanged: () => Promise<void> }) {
  const ids = useId()
  const [phoneNumberId, setPhoneNumberId] = useState('')
  const [waba, setWaba] = useState('')
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<PhoneNumber | null>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    setDone(null)
    try {
      setDone(
        await post<PhoneNumber>('/api/v1/admin/numbers', {
          phoneNumberId: phoneNumberId.trim(),
          wabaId: waba || props.wabas[0]?.wabaId || '',
        }),
      )
      await props.onChanged()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="step">
      <h3>One more number</h3>
      <p className="muted">A number added to the WABA later: its phone number ID from WhatsApp Manager.</p>
      <form onSubmit={submit} className="stack-form" aria-label="Add one number">
        <label htmlFor={`${ids}-pn`}>Phone number ID</label>
        <input
          id={`${ids}-pn`}
          inputMode="numeric"
          required
          value={phoneNumberId}
          onChange={(e) => setPhoneNumberId(e.target.value)}
        />
        <label htmlFor={`${ids}-waba`}>WABA</label>
        <select id={`${ids}-waba`} value={waba} onChange={(e) => setWaba(e.target.value)}>
          {props.wabas.map((w) => (
            <option key={w.id} value={w.wabaId}>
              {w.name ?? 'WABA'} {w.wabaId}
            </option>
          ))}
        </select>
        <ErrorBox error={error} title="Number not added" />
        <button type="submit" disabled={busy || props.wabas.length === 0}>
          {busy ? 'Adding…' : 'Add number'}
        </button>
      </form>
      {done ? (
        <p className="success" role="status">
          Added {done.displayPhoneNumber ?? done.phoneNumberId}.
        </p>
      ) : null}
    </div>
  )
}
