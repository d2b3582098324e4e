import { useTranslation } from 'react-i18next'
import { del, get, post } from '../api.ts'
import type { Campaign, CampaignProgress } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { useLive } from '../live.tsx'
import { Link, navigate } from '../router.tsx'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useDebounced } from '../ui/hooks.ts'
import { PageHead } from '../ui/page-head.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { campaignHref, tenantPath } from './campaigns-page.tsx'
import { DryRunPanel } from './dry-run.tsx'
import { ProgressPanel } from './progress-panel.tsx'
import { StatusBadge } from './status-badge.tsx'

// One campaign: a draft's dry run and launch; then its live progress (campaign.* events reload it,
// no page reload), pause / resume / cancel (cancel confirmed) and the results CSV.

type View = { campaign: Campaign; progress: CampaignProgress }

export function CampaignView(props: { tenantId: string; id: string }) {
  const { t } = useTranslation('campaigns')
  const { tenantId, id } = props
  const path = (rest = '') => tenantPath(`campaigns/${encodeURIComponent(id)}${rest}`, tenantId)
  const view = useLoad(['campaign', tenantId, id], (signal) => get<View>(path(), signal))
  const refresh = useDebounced(() => void view.reload(), 250)
  useLive(
    (e) => {
      const p = e.payload as { campaignId?: string } | null
      if (e.subjectId === id || p?.campaignId === id || e.kind === 'live.opened') refresh()
    },
    ['campaign.status', 'campaign.paused', 'campaign.progress'],
  )
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const c = view.data?.campaign

  const act = (what: 'launch' | 'pause' | 'resume' | 'cancel') =>
    action.run(what, async () => {
      await post<Campaign>(path(`/${what}`))
      await view.reload()
      return t(`done.${what}`, { name: c?.name })
    })
  const cancel = async () => {
    if (!c) return
    const ok = await confirm({
      title: t('cancel.title', { name: c.name }),
      body: t('cancel.body'),
      confirmLabel: t('cancel.confirm'),
    })
    if (ok) await act('cancel')
  }
  const remove = async () => {
    if (!c) return
    const ok = await confirm({
      title: t('remove.title', { name: c.name }),
      body: t('remove.body'),
      confirmLabel: t('remove.confirm'),
    })
    if (ok)
      await action.run('remove', async () => {
        await del(path())
        navigate('/campaigns')
      })
  }
  const busy = action.busy !== null
  const live = c && ['scheduled', 'running', 'paused'].includes(c.status)

  return (
    <div className="page campaigns-page campaign-view" data-status={c?.status}>
      <PageHead
        title={c?.name ?? t('title')}
        intro={c ? <CampaignFacts campaign={c} /> : ''}
        error={view.error}
        errorTitle={t('loadFailed')}
      />
      <p>
        <Link href="/campaigns">{t('back')}</Link>
      </p>
      {dialog}
      <Success message={action.done} />
      <ErrorBox error={action.error} title={t('actionFailed')} onDismiss={action.reset} />
      {c ? (
        <div className="toolbar" role="toolbar" aria-label={t('actions')}>
          <StatusBadge status={c.status} />
          {c.status === 'draft' ? (
            <button type="button" disabled={busy} onClick={() => void act('launch')}>
              {c.startAt && c.startAt > Date.now()
                ? t('launchAt', { at: formatDateTime(c.startAt) })
                : t('launch')}
            </button>
          ) : null}
          {c.status === 'running' || c.status === 'scheduled' ? (
            <button type="button" className="secondary" disabled={busy} onClick={() => void act('pause')}>
              {t('pause')}
            </button>
          ) : null}
          {c.status === 'paused' ? (
            <button type="button" disabled={busy} onClick={() => void act('resume')}>
              {t('resume')}
            </button>
          ) : null}
          {live ? (
            <button type="button" className="secondary" disabled={busy} onClick={() => void cancel()}>
              {t('cancel.button')}
            </button>
          ) : null}
          {c.status !== 'draft' ? (
            <a className="button secondary" href={path('/results.csv')} download={`${c.name}.csv`}>
              {t('results')}
            </a>
          ) : null}
          {['draft', 'cancelled', 'completed'].includes(c.status) ? (
            <button type="button" className="secondary" disabled={busy} onClick={() => void remove()}>
              {t('remove.button')}
            </button>
          ) : null}
        </div>
      ) : null}
      {c?.reason && c.status !== 'completed' ? (
        <p className="notice campaign-reason" role="status">
          {c.reason}
          {c.resumeAt ? ` ${t('resumesAt', { at: formatDateTime(c.resumeAt) })}` : ''}
        </p>
      ) : null}
      {c?.status === 'draft' ? <DryRunPanel tenantId={tenantId} campaignId={c.id} /> : null}
      {c && c.status !== 'draft' && view.data ? <ProgressPanel progress={view.data.progress} /> : null}
      {c ? (
        <p className="muted small">
          <Link href={campaignHref(tenantId, 'suppressions')}>{t('suppressions.link')}</Link>
        </p>
      ) : null}
    </div>
  )
}

function CampaignFacts(props: { campaign: Campaign }) {
  const { t } = useTranslation('campaigns')
  const c = props.campaign
  return (
    <>
      {t('facts', {
        template: c.template.name,
        language: c.template.language,
        start: c.startAt ? formatDateTime(c.startAt) : t('now'),
        timeZone: c.timeZone,
      })}
      {c.quietHours ? ` ${t('factsQuiet', { hours: c.quietHours })}` : ''}
      {c.rateMps ? ` ${t('factsRate', { rate: c.rateMps })}` : ''}
    </>
  )
}
