import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, post } from '../api.ts'
import type { Suppression } from '../api-types.ts'
import { formatDateTime, number } from '../format.ts'
import { useLive } from '../live.tsx'
import { Link } from '../router.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useDebounced } from '../ui/hooks.ts'
import { PageHead } from '../ui/page-head.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { TextField } from '../ui/text-field.tsx'
import { tenantPath } from './campaigns-page.tsx'

// A tenant's suppression list (campaigns skip these numbers): the newest 100, add numbers, the
// whole list as CSV. Opt-outs arriving by reply (contact.opted_out) reload it.

export function SuppressionList(props: { tenantId: string }) {
  const { t } = useTranslation('campaigns')
  const list = useLoad(['suppressions', props.tenantId], (signal) =>
    get<{ suppressions: Suppression[]; total: number }>(tenantPath('suppressions', props.tenantId), signal),
  )
  const refresh = useDebounced(() => void list.reload(), 500)
  useLive(refresh, ['contact.opted_out'])
  const [phones, setPhones] = useState('')
  const action = useAction()
  const add = () =>
    action.run('add', async () => {
      const r = await post<{ added: number; already: number }>(tenantPath('suppressions', props.tenantId), {
        phones: phones.split(/[\s,;]+/).filter(Boolean),
      })
      setPhones('')
      await list.reload()
      return t('suppressions.added', { added: r.added, already: r.already })
    })
  return (
    <div className="page campaigns-page">
      <PageHead
        title={t('suppressions.title')}
        intro={t('suppressions.intro')}
        error={list.error}
        errorTitle={t('loadFailed')}
      />
      <p>
        <Link href="/campaigns">{t('back')}</Link>
      </p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault()
          void add()
        }}
      >
        <div className="field">
          <TextField
            label={t('suppressions.phones')}
            value={phones}
            onValue={setPhones}
            required
            placeholder="+34600000000, +5511900000000"
          />
        </div>
        <button type="submit" disabled={action.busy !== null}>
          {t('suppressions.add')}
        </button>
        <a
          className="button secondary"
          href={tenantPath('suppressions', props.tenantId, '&format=csv')}
          download="suppressions.csv"
        >
          {t('suppressions.export')}
        </a>
      </form>
      <Success message={action.done} />
      <ErrorBox error={action.error} title={t('actionFailed')} onDismiss={action.reset} />
      {list.data ? (
        <p className="muted small">{t('suppressions.count', { total: number(list.data.total) })}</p>
      ) : null}
      {list.data?.suppressions.length ? (
        <table className="campaign-table">
          <thead>
            <tr>
              <th scope="col">{t('suppressions.number')}</th>
              <th scope="col">{t('suppressions.source')}</th>
              <th scope="col">{t('suppressions.detail')}</th>
              <th scope="col">{t('suppressions.since')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.suppressions.map((s) => (
              <tr key={s.waId}>
                <td>+{s.waId}</td>
                <td>{t(`suppressions.sources.${s.source}`, { defaultValue: s.source })}</td>
                <td>{s.detail ?? ''}</td>
                <td>{formatDateTime(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  )
}
