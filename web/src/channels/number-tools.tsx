import { type FormEvent, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, post } from '../api.ts'
import type { PhoneNumber, WebhookStatus } from '../api-types.ts'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { DoctorPanel } from './doctor-report.tsx'
import { WebhookStatusView } from './webhook-status.tsx'

/** A number's tools: register with the PIN, where Meta sends its webhooks, refresh, its doctor. */
export function NumberTools(props: { number: PhoneNumber; onChanged: () => Promise<void> }) {
  const { t } = useTranslation('channels')
  const n = props.number
  const ids = useId()
  const [pin, setPin] = useState('')
  const [webhook, setWebhook] = useState<WebhookStatus>()
  const [overrideUrl, setOverrideUrl] = useState('')
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const busy = action.busy

  // Each tool: the request, then the list reloaded, then the sentence saying what happened.
  const act = (what: string, fn: () => Promise<unknown>, done: string) =>
    action.run(what, async () => {
      await fn()
      await props.onChanged()
      return done
    })
  const base = `/api/v1/admin/numbers/${encodeURIComponent(n.id)}`

  const register = (e: FormEvent) => {
    e.preventDefault()
    void act('register', () => post(`${base}/register`, { pin }), t('tools.registered'))
  }
  const loadWebhook = () =>
    act(
      'webhook',
      async () => {
        const s = await get<WebhookStatus>(`${base}/webhook`)
        setWebhook(s)
        setOverrideUrl((u) => u || s.callbackUrl)
      },
      t('tools.webhookRead'),
    )
  const override = async (remove: boolean) => {
    if (
      remove &&
      !(await confirm({
        title: t('tools.overrideRemoveConfirm', { number: n.displayPhoneNumber ?? n.phoneNumberId }),
        body: t('tools.overrideRemoveConfirmBody'),
        confirmLabel: t('webhook.remove'),
      }))
    )
      return
    await act(
      'override',
      async () =>
        setWebhook(
          await post<WebhookStatus>(
            `${base}/webhook/override`,
            remove ? { remove: true } : { url: overrideUrl },
          ),
        ),
      remove ? t('tools.overrideRemoved') : t('tools.overrideApplied'),
    )
  }

  return (
    <div className="number-tools">
      {dialog}
      <div className="tool">
        <h3>{t('tools.register')}</h3>
        <form onSubmit={register} className="inline-form">
          <label htmlFor={`${ids}-pin`}>{t('tools.pin')}</label>
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
            {busy === 'register' ? t('tools.registering') : t('tools.register')}
          </button>
        </form>
        <p id={`${ids}-pin-hint`} className="hint">
          {t('tools.pinHint')}
        </p>
      </div>
      <div className="tool">
        <h3>{t('tools.webhook')}</h3>
        <button
          type="button"
          className="secondary"
          onClick={() => void loadWebhook()}
          disabled={busy !== null}
        >
          {busy === 'webhook' ? t('tools.askingMeta') : t('tools.checkWebhook')}
        </button>
        {webhook ? (
          <WebhookStatusView
            status={webhook}
            phoneNumberId={n.phoneNumberId}
            overrideUrl={overrideUrl}
            onOverrideUrl={setOverrideUrl}
            busy={busy !== null}
            onOverride={(remove) => void override(remove)}
          />
        ) : null}
      </div>
      <div className="tool">
        <h3>{t('tools.refresh')}</h3>
        <button
          type="button"
          className="secondary"
          disabled={busy !== null}
          onClick={() => void act('refresh', () => post(`${base}/refresh`), t('tools.refreshed'))}
        >
          {busy === 'refresh' ? t('tools.refreshing') : t('tools.refreshButton')}
        </button>
      </div>
      <Success message={action.done} />
      <ErrorBox error={action.error} title={t('tools.metaSaidNo')} />
      <div className="tool wide">
        <h3>{t('tools.doctorTitle')}</h3>
        <DoctorPanel channel={n.phoneNumberId} label={t('tools.doctorRun')} />
      </div>
    </div>
  )
}
