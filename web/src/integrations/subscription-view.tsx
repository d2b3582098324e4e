import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { del, get, patch, post } from '../api.ts'
import type { WebhookAttempt, WebhookSubscription } from '../api-types.ts'
import { useLive } from '../live.tsx'
import { Link, navigate } from '../router.tsx'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { PageHead } from '../ui/page-head.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { DeliveryLog } from './delivery-log.tsx'
import { tenantPath } from './integrations-page.tsx'
import { SecretOnce } from './secret-once.tsx'
import { StateBadge } from './state-badge.tsx'
import { SubscriptionForm } from './subscription-form.tsx'
import { EventList } from './subscription-list.tsx'

// One subscription: where it stands, a signed test event, enable/disable, a new secret, change
// or remove it, and below, its delivery log.

export function SubscriptionView(props: { tenantId: string; id: string }) {
  const { t } = useTranslation('integrations')
  const path = (rest = '') =>
    tenantPath(`webhook-subscriptions/${encodeURIComponent(props.id)}${rest}`, props.tenantId)
  const sub = useLoad(['subscription', props.tenantId, props.id], (signal) =>
    get<WebhookSubscription>(path(), signal),
  )
  useLive(() => void sub.reload(), ['subscription.disabled'])
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const [secret, setSecret] = useState<string | null>(null)
  const [editing, setEditing] = useState(false)
  const [logVersion, setLogVersion] = useState(0)
  const s = sub.data

  const sendTest = () =>
    action.run('test', async () => {
      const a = await post<WebhookAttempt>(path('/test'))
      setLogVersion((v) => v + 1)
      return a.ok
        ? t('actions.testOk', { status: a.httpStatus, ms: a.latencyMs })
        : t('actions.testFailed', { status: a.httpStatus ?? a.error ?? '—' })
    })
  const setEnabled = async (enabled: boolean) => {
    if (
      !enabled &&
      !(await confirm({
        title: t('actions.disableTitle'),
        body: t('actions.disableBody'),
        confirmLabel: t('actions.disable'),
      }))
    )
      return
    await action.run('enable', async () => {
      await patch(path(), { enabled })
      await sub.reload()
      return enabled ? t('actions.enabled') : t('actions.disabled')
    })
  }
  const rotate = async () => {
    if (
      !(await confirm({
        title: t('actions.rotateTitle'),
        body: t('actions.rotateBody'),
        confirmLabel: t('actions.rotate'),
      }))
    )
      return
    await action.run('rotate', async () => {
      const r = await post<{ secret: string }>(path('/secret'))
      setSecret(r.secret)
    })
  }
  const remove = async () => {
    if (
      !(await confirm({
        title: t('actions.deleteTitle', { url: s?.url ?? '' }),
        body: t('actions.deleteBody'),
        confirmLabel: t('actions.delete'),
      }))
    )
      return
    const ok = await action.run('delete', () => del(path()))
    if (ok) navigate('/integrations')
  }

  return (
    <div className="page integrations-page">
      <PageHead
        title={t('view.title')}
        intro={s ? <span className="sub-url">{s.url}</span> : t('loading')}
        error={sub.error}
        errorTitle={t('loadFailed')}
      />
      <p>
        <Link href="/integrations">{t('back')}</Link>
      </p>
      {dialog}
      {s ? (
        <>
          <section className="card sub-summary">
            <dl className="facts">
              <div>
                <dt>{t('columns.state')}</dt>
                <dd>
                  <StateBadge subscription={s} />
                </dd>
              </div>
              <div>
                <dt>{t('columns.events')}</dt>
                <dd>
                  <EventList events={s.events} />
                </dd>
              </div>
              {s.description ? (
                <div>
                  <dt>{t('view.description')}</dt>
                  <dd>{s.description}</dd>
                </div>
              ) : null}
            </dl>
            {!s.enabled ? <p className="notice">{t('view.disabledHint')}</p> : null}
            <div className="row-actions sub-actions">
              <button type="button" onClick={() => void sendTest()} disabled={action.busy !== null}>
                {action.busy === 'test' ? t('actions.testing') : t('actions.test')}
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => void setEnabled(!s.enabled)}
                disabled={action.busy !== null}
              >
                {s.enabled ? t('actions.disable') : t('actions.enable')}
              </button>
              <button type="button" className="secondary" onClick={() => setEditing((v) => !v)}>
                {editing ? t('actions.closeEdit') : t('actions.edit')}
              </button>
              <button type="button" className="secondary" onClick={() => void rotate()}>
                {t('actions.rotate')}
              </button>
              <button type="button" className="secondary delete" onClick={() => void remove()}>
                {t('actions.delete')}
              </button>
            </div>
            <Success message={action.done} />
            {!editing ? (
              <ErrorBox error={action.error} title={t('actionFailed')} onDismiss={action.reset} />
            ) : null}
          </section>
          {secret ? <SecretOnce secret={secret} /> : null}
          {editing ? (
            <section className="card">
              <h2>{t('view.edit')}</h2>
              <SubscriptionForm
                initial={{ url: s.url, description: s.description ?? '', events: s.events }}
                submitLabel={t('view.save')}
                busy={action.busy !== null}
                error={action.error}
                onDismissError={action.reset}
                onSubmit={(draft) =>
                  void action.run('save', async () => {
                    await patch(path(), {
                      url: draft.url,
                      events: draft.events,
                      description: draft.description || null,
                    })
                    await sub.reload()
                    setEditing(false)
                    return t('view.saved')
                  })
                }
              />
            </section>
          ) : null}
          <DeliveryLog
            key={logVersion}
            tenantId={props.tenantId}
            subscription={s}
            onChanged={() => void sub.reload()}
          />
        </>
      ) : null}
    </div>
  )
}
