import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { patch } from '../api.ts'
import type { ChannelSettings, PhoneNumber } from '../api-types.ts'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'

// What applies to every tenant (seed 001, `GET|PATCH /api/v1/admin/settings`): the number a
// tenant without a default of its own sends from, and WhatsApp on/off for all tenants at once.

const numberLabel = (n: PhoneNumber) =>
  `${n.displayPhoneNumber ?? n.phoneNumberId}${n.verifiedName ? ` (${n.verifiedName})` : ''}`

export function GlobalSettings(props: {
  settings: ChannelSettings
  numbers: PhoneNumber[]
  onChanged: () => Promise<void>
}) {
  const { t } = useTranslation('tenants')
  const ids = useId()
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const s = props.settings
  const change = (body: Record<string, unknown>) =>
    action.run('settings', async () => {
      await patch('/api/v1/admin/settings', body)
      await props.onChanged()
    })
  const toggleWhatsapp = async () => {
    if (
      s.whatsappEnabled &&
      !(await confirm({
        title: t('global.offConfirm'),
        body: t('global.offConfirmBody'),
        confirmLabel: t('global.turnOff'),
      }))
    )
      return
    await change({ whatsappEnabled: !s.whatsappEnabled })
  }
  return (
    <section className="card global-settings" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t('global.title')}</h2>
      <p className="muted">{t('global.intro')}</p>
      <div className="inline-form">
        <label htmlFor={`${ids}-default`}>{t('global.defaultNumber')}</label>
        <select
          id={`${ids}-default`}
          value={s.defaultNumberId ?? ''}
          onChange={(e) => void change({ defaultNumber: e.target.value || null })}
        >
          <option value="">{t('global.noDefault')}</option>
          {props.numbers.map((n) => (
            <option key={n.id} value={n.id}>
              {numberLabel(n)}
            </option>
          ))}
        </select>
      </div>
      <p className="muted small">{t('global.defaultHelp')}</p>
      <div className="whatsapp-switch" data-whatsapp={s.whatsappEnabled ? 'on' : 'off'}>
        <span className={`status-pill ${s.whatsappEnabled ? 'pass' : 'fail'}`}>
          {s.whatsappEnabled ? t('global.on') : t('global.off')}
        </span>
        <button
          type="button"
          className={s.whatsappEnabled ? 'secondary small' : 'small'}
          onClick={() => void toggleWhatsapp()}
        >
          {s.whatsappEnabled ? t('global.turnOff') : t('global.turnOn')}
        </button>
      </div>
      <ErrorBox error={action.error} title={t('card.failed')} />
      {dialog}
    </section>
  )
}
