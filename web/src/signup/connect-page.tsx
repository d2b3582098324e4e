import { type FormEvent, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, post } from '../api.ts'
import type { SignupAttempt, SignupConfig } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { PageHead } from '../ui/page-head.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { AttemptView } from './attempt-view.tsx'
import { launchEmbeddedSignup, loadFacebookSdk, sessionInfo, trustedOrigin } from './facebook-sdk.ts'
import { SendFirst } from './send-first.tsx'

// "Connect WhatsApp" for a tenant's users (issue 21, decisions 0072, 0084): Meta's Embedded Signup
// popup through the Facebook SDK (offline: the emulator's stand-in SDK, or its stand-in page
// without one) hands back a code and the WABA and number the customer
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

  // Meta's popup through the Facebook SDK (decision 0084), loaded with the page so that the
  // click opens the popup itself (a popup opened after an await is blocked by browsers).
  const [fb, setFb] = useState<Awaited<ReturnType<typeof loadFacebookSdk>> | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const sdkUrl = c?.available ? c.sdkUrl : null
  useEffect(() => {
    if (!sdkUrl || !c?.appId) return
    let live = true
    loadFacebookSdk(sdkUrl, c.appId, c.graphVersion)
      .then((sdk) => live && setFb(sdk))
      .catch((err: unknown) => live && setNotice(t('sdkFailed', { message: (err as Error).message })))
    return () => {
      live = false
    }
  }, [sdkUrl, c?.appId, c?.graphVersion, t])

  useEffect(() => {
    const from = c?.sdkUrl ?? c?.standInUrl ?? null
    if (!from) return
    const viaSdk = Boolean(c?.sdkUrl)
    const onMessage = (e: MessageEvent) => {
      if (!trustedOrigin(e.origin, from)) return
      const info = sessionInfo(e.data)
      if (info?.event === 'FINISH') {
        if (info.phoneNumberId)
          setShared((s) => ({ ...s, wabaId: info.wabaId, phoneNumberId: info.phoneNumberId ?? undefined }))
        else setNotice(t('noNumber', { waba: info.wabaId }))
      } else if (info?.event === 'CANCEL') setNotice(t('cancelled', { step: info.step ?? '—' }))
      else if (info?.event === 'ERROR') setNotice(t('metaError', { message: info.message ?? '—' }))
      else if (!viaSdk && typeof e.data === 'string') {
        // The stand-in page (no SDK) hands the code over itself.
        try {
          const m = JSON.parse(e.data) as { type?: string; code?: string }
          if (m.type === 'WAHUB_EMULATOR_LOGIN' && m.code) setShared((s) => ({ ...s, code: m.code }))
        } catch {
          // not a signup message
        }
      }
    }
    window.addEventListener('message', onMessage)
    return () => window.removeEventListener('message', onMessage)
  }, [c?.sdkUrl, c?.standInUrl, t])

  const open = () => {
    setShared({})
    setAttempt(null)
    setNotice(null)
    if (c?.sdkUrl) {
      if (!fb || !c.configId) return
      void launchEmbeddedSignup(fb, c.configId).then((r) => {
        const code = r.authResponse?.code
        if (code) setShared((s) => ({ ...s, code }))
        else if (r.authResponse) setNotice(t('noCode'))
        else setNotice((n) => n ?? t('closed'))
      })
      return
    }
    if (!c?.standInUrl) return
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
      {c?.available && !c.standInUrl && !c.sdkUrl ? <p className="notice">{t('metaNotWired')}</p> : null}
      {c?.available && (c.standInUrl || c.sdkUrl) ? (
        <section className="card">
          <button type="button" onClick={open} disabled={Boolean(c.sdkUrl) && !fb}>
            {c.sdkUrl && !fb ? t('sdkLoading') : t('connect')}
          </button>
          <p className="hint">{t('popupHint')}</p>
          {notice ? (
            <p className="notice" role="status">
              {notice}
            </p>
          ) : null}
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
