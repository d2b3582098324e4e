import './golive.css'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { get, qs } from '../api.ts'
import type { GoliveGuide } from '../api-types.ts'
import { DoctorPanel } from '../channels/doctor-report.tsx'
import { formatDateTime } from '../format.ts'
import { PageHead } from '../ui/page-head.tsx'
import { useLoad } from '../ui/server-state.ts'
import { GoliveStepItem } from './golive-step.tsx'
import { SandboxCarry } from './sandbox-carry.tsx'

// Go live (issue 21): the ordered steps from a Meta business to a live number (GET
// /api/v1/admin/golive, as `wahub golive`), each with its state, what was seen, the fix, the
// place in Meta's screens and the doctor's finding, and — where Wahub can do it — the form that
// does it, so the whole way can be walked from this page. "Re-check" asks Meta again.

export function GolivePage() {
  const { t } = useTranslation('golive')
  const params = new URLSearchParams(window.location.search)
  const number = params.get('number') ?? undefined
  // "Go live" on the Sandbox (Channels) opens the guide at what carries over.
  const fromSandbox = params.get('from') === 'sandbox'
  const fresh = useRef(false)
  const { data, error, loading, reload } = useLoad(['golive', number], () => {
    const ask = fresh.current
    fresh.current = false
    return get<GoliveGuide>(`/api/v1/admin/golive${qs({ number, fresh: ask || undefined })}`)
  })
  const recheck = async () => {
    fresh.current = true
    await reload()
  }
  const s = data?.summary
  const hasCarry = Boolean(data?.sandbox)
  useEffect(() => {
    if (fromSandbox && hasCarry) document.getElementById('golive-sandbox')?.scrollIntoView({ block: 'start' })
  }, [fromSandbox, hasCarry])
  return (
    <div className="page golive">
      <PageHead title={t('title')} intro={t('intro')} error={error} errorTitle={t('loadFailed')} />
      <section className="card golive-head" aria-label={t('summaryLabel')}>
        <p className="golive-subject">
          {data?.number
            ? t('aboutNumber', {
                number: data.number.display ?? data.number.phoneNumberId,
                id: data.number.phoneNumberId,
              })
            : data?.waba
              ? t('aboutWaba', { waba: data.waba.wabaId })
              : t('aboutNothing')}
        </p>
        {data ? (
          <p role="status" className={data.live ? 'golive-live success' : 'golive-progress'}>
            {data.live ? t('live') : t('progress', { done: s?.done ?? 0, total: data.steps.length })}{' '}
            <span className="muted small">· {formatDateTime(data.generatedAt)}</span>
          </p>
        ) : null}
        <button type="button" onClick={() => void recheck()} disabled={loading}>
          {loading ? t('checking') : t('recheck')}
        </button>
      </section>
      {data?.sandbox ? <SandboxCarry carry={data.sandbox} onReload={reload} onChanged={recheck} /> : null}
      {data ? (
        <ol className="golive-steps" aria-label={t('stepsLabel')}>
          {data.steps.map((step) => (
            <GoliveStepItem
              key={step.id}
              step={step}
              guide={data}
              next={data.next === step.id}
              onChanged={recheck}
            />
          ))}
        </ol>
      ) : null}
      <section className="card" id="golive-doctor" aria-labelledby="golive-doctor-title">
        <h2 id="golive-doctor-title">{t('doctor')}</h2>
        <DoctorPanel channel={data?.number?.phoneNumberId} label={t('doctorRun')} />
      </section>
    </div>
  )
}
