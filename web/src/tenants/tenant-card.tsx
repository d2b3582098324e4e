import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { patch } from '../api.ts'
import type { PhoneNumber, Tenant } from '../api-types.ts'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { RowButton } from '../ui/row-button.tsx'
import { useAction } from '../ui/server-state.ts'

const numberLabel = (n: { displayPhoneNumber: string | null; phoneNumberId: string }) =>
  n.displayPhoneNumber ?? n.phoneNumberId

/** One tenant: its numbers (default, unassign, assign a free one), on/off and WhatsApp on/off. */
export function TenantCard(props: {
  tenant: Tenant
  numbers: PhoneNumber[]
  onChanged: () => Promise<void>
}) {
  const { t } = useTranslation('tenants')
  const tenant = props.tenant
  const ids = useId()
  const [assign, setAssign] = useState('')
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const free = props.numbers.filter((n) => n.tenantId === null)
  const change = (body: Record<string, unknown>) =>
    action.run('change', async () => {
      await patch(`/api/v1/admin/tenants/${encodeURIComponent(tenant.id)}`, body)
      await props.onChanged()
    })
  const toggleWhatsapp = async () => {
    if (
      tenant.whatsappEnabled &&
      !(await confirm({
        title: t('card.whatsappOffConfirm', { name: tenant.name }),
        body: t('card.whatsappOffConfirmBody'),
        confirmLabel: t('card.whatsappOff'),
      }))
    )
      return
    await change({ whatsappEnabled: !tenant.whatsappEnabled })
  }
  return (
    <article className="tenant-card" aria-labelledby={`${ids}-h`}>
      <header>
        <h3 id={`${ids}-h`}>{tenant.name}</h3>
        <span className={`status-pill ${tenant.enabled ? 'pass' : 'fail'}`}>
          {tenant.enabled ? t('card.enabled') : t('card.disabled')}
        </span>
        <span
          className={`status-pill ${tenant.whatsappEnabled ? 'pass' : 'warn'}`}
          data-whatsapp={tenant.whatsappEnabled ? 'on' : 'off'}
        >
          {tenant.whatsappEnabled ? t('card.whatsappIsOn') : t('card.whatsappIsOff')}
        </span>
      </header>
      <p className="muted small mono">{tenant.id}</p>
      <h4>{t('card.numbers')}</h4>
      {tenant.numbers.length === 0 ? <p className="muted">{t('card.noNumber')}</p> : null}
      <ul className="plain-list">
        {tenant.numbers.map((n) => (
          <li key={n.id} className="number-line">
            <span>
              {numberLabel(n)}
              {tenant.defaultNumberId === n.id ? <span className="badge">{t('card.default')}</span> : null}
            </span>
            <span className="row-actions">
              {tenant.defaultNumberId !== n.id ? (
                <RowButton onClick={() => void change({ defaultNumber: n.id })}>
                  {t('card.makeDefault')}
                </RowButton>
              ) : null}
              <RowButton danger of={numberLabel(n)} onClick={() => void change({ removeNumbers: [n.id] })}>
                {t('card.unassign')}
              </RowButton>
            </span>
          </li>
        ))}
      </ul>
      {free.length ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault()
            if (assign) void change({ numbers: [assign] }).then((ok) => ok && setAssign(''))
          }}
        >
          <label htmlFor={`${ids}-assign`}>{t('card.assignLabel')}</label>
          <select id={`${ids}-assign`} value={assign} onChange={(e) => setAssign(e.target.value)}>
            <option value="">{t('card.choose')}</option>
            {free.map((n) => (
              <option key={n.id} value={n.id}>
                {numberLabel(n)} {n.verifiedName ? `(${n.verifiedName})` : ''}
              </option>
            ))}
          </select>
          <button type="submit" className="secondary" disabled={!assign}>
            {t('card.assign')}
          </button>
        </form>
      ) : null}
      <div className="row-actions">
        <button
          type="button"
          className="secondary small"
          onClick={() => void change({ enabled: !tenant.enabled })}
        >
          {tenant.enabled ? t('card.disable') : t('card.enable')}
        </button>
        <button type="button" className="secondary small" onClick={() => void toggleWhatsapp()}>
          {tenant.whatsappEnabled ? t('card.whatsappOff') : t('card.whatsappOn')}
        </button>
      </div>
      <ErrorBox error={action.error} title={t('card.failed')} />
      {dialog}
    </article>
  )
}
