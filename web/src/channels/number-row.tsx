import { useTranslation } from 'react-i18next'
import type { PhoneNumber } from '../api-types.ts'
import { NumberTools } from './number-tools.tsx'

type T = ReturnType<typeof useTranslation<'channels'>>['t']

function Quality(props: { rating: string | null }) {
  const { t } = useTranslation('channels')
  const v = (props.rating ?? 'UNKNOWN').toUpperCase()
  const cls = v === 'GREEN' ? 'pass' : v === 'YELLOW' ? 'warn' : v === 'RED' ? 'fail' : 'neutral'
  const label = { GREEN: t('quality.high'), YELLOW: t('quality.medium'), RED: t('quality.low') }[v]
  return (
    <span className={`status-pill ${cls}`}>
      {label ?? t('quality.unknown')} <span className="muted">({v.toLowerCase()})</span>
    </span>
  )
}

function tier(t: T, value: string | null): string {
  if (!value) return t('unknown')
  const m = /^TIER_(\w+)$/.exec(value)
  if (!m) return value
  return m[1] === 'UNLIMITED'
    ? t('tier.unlimited')
    : t('tier.customers', { limit: m[1].replace(/K$/, ',000') })
}

/** One number of the Channels table, with its tools below it when open. */
export function NumberRow(props: {
  number: PhoneNumber
  tenant: string | null
  open: boolean
  onToggle: () => void
  onChanged: () => Promise<void>
}) {
  const { t } = useTranslation('channels')
  const n = props.number
  const detailsId = `number-${n.id}`
  return (
    <>
      <tr data-number-id={n.phoneNumberId}>
        <td>
          <strong>{n.displayPhoneNumber ?? n.phoneNumberId}</strong>
          <br />
          <span className="muted small">
            {n.verifiedName ?? t('numbers.noVerifiedName')} · <span className="mono">{n.phoneNumberId}</span>
          </span>
          {n.isSandbox ? <span className="badge sandbox">{t('sandbox')}</span> : null}
          {n.accountMode === 'SANDBOX' ? (
            <span className="badge warn">{t('numbers.developmentMode')}</span>
          ) : null}
        </td>
        <td data-label={t('numbers.quality')}>
          <Quality rating={n.qualityRating} />
        </td>
        <td data-label={t('numbers.limit')}>{tier(t, n.messagingLimitTier)}</td>
        <td data-label={t('numbers.throughput')}>
          {n.throughputLevel ? n.throughputLevel.toLowerCase() : t('unknown')}
          {n.throughputMps ? (
            <span className="muted"> · {t('numbers.perSecond', { mps: n.throughputMps })}</span>
          ) : null}
        </td>
        <td data-label={t('numbers.registration')}>
          {n.registered === true ? (
            <span className="status-pill pass">{t('numbers.registered')}</span>
          ) : n.registered === false ? (
            <span className="status-pill fail">{t('numbers.notRegistered')}</span>
          ) : (
            <span className="status-pill neutral">{t('quality.unknown')}</span>
          )}
        </td>
        <td data-label={t('numbers.tenant')}>
          {props.tenant ?? <span className="muted">{t('numbers.unassigned')}</span>}
        </td>
        <td>
          <button
            type="button"
            className="secondary small"
            aria-expanded={props.open}
            aria-controls={detailsId}
            onClick={props.onToggle}
          >
            {props.open ? t('numbers.close') : t('numbers.manage')}
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
