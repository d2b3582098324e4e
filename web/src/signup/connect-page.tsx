import { type FormEvent, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, post } from '../api.ts'
import type { SignupAttempt, SignupConfig } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { PageHead } from '../ui/page-head.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { AttemptView } from './attempt-view.tsx'
import { SendFirst } from './send-first.tsx'

// "Connect WhatsApp" for a tenant's users (issue 21, decision 0072): Meta's Embedded Signup popup
// (offline: the emulator's stand-in page) hands back a code and the WABA and number the customer
// shared; with the number's PIN, Wahub runs the steps and shows each one, resumable.

type Shared = { wabaId?: string; phoneNumberId?: string; code?: string }

export function ConnectPage() {
  const { t } = useTranslation('signup')
  const config = useLoad(['signup', 'config'], () => get<SignupConfig>('/api/v1/signup/config'))
  const [shared, setShared] = useState<Shared>({})
  const [pin, setPin] = useState('')
  const [attempt, setAttempt] = useState<SignupAttempt | null>(null)
  const action = useAction()
  const c = config.data

  useEffect(() => {
    if (!c?.standInUrl) return
    const origin = new URL(c.standInUrl).origin
    const onMessage = (e: MessageEvent) => {
      if (e.origin !== origin || typeof e.data !== 'string') return
      try {
        const m = JSON.parse(e.data) as {
          type?: string
          event?: string
          code?: string
          data?: Record<string, string>
        }
        if (m.type === 'WA_EMBEDDED_SIGNUP' && m.event === 'FINISH' && m.data)
          setShared((s) => ({ ...s, wabaId: m.data?.waba_id, phoneNumberId: m.data?.phone_number_id }))
        if (m.type === 'WAHUB_EMULATOR_LOGIN' && m.code) setShared((s) => ({ ...s, code: m.code }))
      } catch {
        // not a signup message
      }
    }
    window.addEventListener('message', onMessage)
    return () => window.removeEventListener('message', onMessage)
  }, [c?.standInUrl])

  const open = () => {
    if (!c?.standInUrl) return
    setShared({})
    setAttempt(null)
    const q = new URLSearchParams({ app_id: c.appId ?? '', config_id: c.configId ?? '' })
    window.open(`${c.standInUrl}?${q}`, 'wahub-embedded-signup', 'width=520,height=700')
  }
  const ready = shared.code && shared.wabaId && shared.phoneNumberId
  const finish = (e: FormEvent) => {
    e.preventDefault()
    void action.run('connect', async () => {
      setAttempt(await post<SignupAttempt>('/api/v1/signup', { ...shared, pin }))
    })
  }
  const resume = (e: FormEvent) => {
    e.preventDefault()
    if (!attempt) return
    void action.run('resume', async () => {
      setAttempt(
        await post<SignupAttempt>(`/api/v1/signup/${encodeURIComponent(attempt.id)}/resume`, { pin }),
      )
    })
  }

  return (
    <div className="page narrow">
      <PageHead title={t('title')} intro={t('intro')} error={config.error} errorTitle={t('loadFailed')} />
      {c && !c.available ? <p className="notice">{c.reason}</p> : null}
      {c?.available && !c.standInUrl ? <p className="notice">{t('metaNotWired')}</p> : null}
      {c?.available && c.standInUrl ? (
        <section className="card">
          <button type="button" onClick={open}>
            {t('connect')}
          </button>
          <p className="hint">{t('popupHint')}</p>
          {ready && !attempt ? (
            <form onSubmit={finish} className="stack-form" aria-label={t('pinForm')}>
              <p role="status">{t('shared', { number: shared.phoneNumberId, waba: shared.wabaId })}</p>
              <PinField value={pin} onValue={setPin} />
              <button type="submit" disabled={action.busy !== null || pin.length !== 6}>
                {action.busy ? t('connecting') : t('finish')}
              </button>
            </form>
          ) : null}
          <ErrorBox error={action.error} title={t('failed')} />
        </section>
      ) : null}
      {attempt ? <AttemptView attempt={attempt} /> : null}
      {attempt?.status === 'failed' ? (
        <form onSubmit={resume} className="card stack-form" aria-label={t('resumeForm')}>
          <PinField value={pin} onValue={setPin} />
          <button type="submit" disabled={action.busy !== null}>
            {t('resume')}
          </button>
        </form>
      ) : null}
      {attempt?.status === 'done' ? <SendFirst phoneNumberId={attempt.phoneNumberId} /> : null}
    </div>
  )
}

function PinField(props: { value: string; onValue: (v: string) => void }) {
  const { t } = useTranslation('signup')
  return (
    <label>
      {t('pin')}
      <input
        inputMode="numeric"
        pattern="\d{6}"
        maxLength={6}
        autoComplete="off"
        value={props.value}
        onChange={(e) => props.onValue(e.target.value.replace(/\D/g, ''))}
      />
    </label>
  )
}
