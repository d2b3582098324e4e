import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { CarriedTemplate, CarryResult, SandboxCarryOver } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { TableHead } from '../ui/table-head.tsx'

// "Go live" from the Sandbox (decision 0083): what carries over to the real WABA and number.
// The tenant stays and takes the real number (step "Number assigned to a tenant"); the Sandbox
// numbers are not carried; the Sandbox's templates are offered for Meta's review in the real
// WABA (those made in the Sandbox ticked), and each one's review is followed here.

const key = (t: { name: string; language: string }) => `${t.name}:${t.language}`

type Props = {
  carry: SandboxCarryOver
  /** Reload the guide (Meta's review of a submitted template arrives by webhook). */
  onReload: () => Promise<unknown>
  onChanged: () => Promise<void>
}

export function SandboxCarry(props: Props) {
  const { t } = useTranslation('golive')
  const { carry } = props
  const [picked, setPicked] = useState<Set<string> | null>(null)
  const action = useAction()
  const offered = carry.templates.filter((x) => x.carry === 'offered')
  const chosen = picked ?? new Set(offered.filter((x) => x.origin === 'authored').map(key))
  const inReview = carry.templates.some((x) => x.carry === 'submitted' && x.status === 'PENDING')
  const { onReload } = props

  useEffect(() => {
    if (!inReview) return
    const timer = setInterval(() => void onReload(), 3000)
    return () => clearInterval(timer)
  }, [inReview, onReload])

  const toggle = (x: CarriedTemplate, on: boolean) => {
    const next = new Set(chosen)
    if (on) next.add(key(x))
    else next.delete(key(x))
    setPicked(next)
  }
  const submit = () =>
    action.run('submit', async () => {
      const templates = offered
        .filter((x) => chosen.has(key(x)))
        .map((x) => ({ name: x.name, language: x.language }))
      const r = await post<CarryResult>('/api/v1/admin/golive/sandbox', {
        waba: carry.target?.id,
        templates,
      })
      setPicked(null)
      await props.onChanged()
      const failed = r.templates.filter((x) => x.outcome === 'failed')
      if (failed.length > 0) {
        throw new Error(
          failed.map((x) => `${x.name} (${x.language}): ${x.error?.message} ${x.error?.fix}`).join('\n'),
        )
      }
      return t('carry.submitted', { count: r.templates.filter((x) => x.outcome === 'submitted').length })
    })
  const count = offered.filter((x) => chosen.has(key(x))).length

  return (
    <section className="card golive-sandbox" id="golive-sandbox" aria-labelledby="golive-sandbox-title">
      <h2 id="golive-sandbox-title">{t('sandbox.title')}</h2>
      <p>{carry.tenant ? t('carry.tenant', { tenant: carry.tenant.name }) : t('carry.noTenant')}</p>
      <p className="muted">
        {t('carry.numbers', { list: carry.numbers.map((n) => n.display ?? n.phoneNumberId).join(', ') })}
      </p>
      <p>
        {carry.target
          ? t('carry.target', {
              waba: carry.target.name ? `${carry.target.name} (${carry.target.wabaId})` : carry.target.wabaId,
            })
          : t('carry.noTarget')}
      </p>
      <div className="table-wrap">
        <table aria-label={t('carry.templates')}>
          <TableHead columns={['', t('carry.template'), t('carry.madeIn'), t('carry.atMeta')]} />
          <tbody>
            {carry.templates.map((x) => (
              <tr key={key(x)} data-template={key(x)}>
                <td>
                  {x.carry === 'offered' ? (
                    <input
                      type="checkbox"
                      aria-label={t('carry.pick', { name: x.name, language: x.language })}
                      checked={chosen.has(key(x))}
                      onChange={(e) => toggle(x, e.target.checked)}
                    />
                  ) : null}
                </td>
                <td>
                  <span className="mono">{x.name}</span> <span className="muted">({x.language})</span>{' '}
                  <span className="muted small">{x.category}</span>
                </td>
                <td>{x.origin === 'authored' ? t('carry.authored') : t('carry.sample')}</td>
                <td className="carry-state">
                  <CarryState x={x} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="golive-action">
        <button
          type="button"
          onClick={() => void submit()}
          disabled={!carry.target || count === 0 || action.busy !== null}
        >
          {action.busy ? t('carry.submitting') : t('carry.submit', { count })}
        </button>
        <Success message={action.done} />
        <ErrorBox error={action.error} title={t('actionFailed')} />
      </div>
    </section>
  )
}

function CarryState(props: { x: CarriedTemplate }) {
  const { t } = useTranslation('golive')
  const { x } = props
  if (x.carry === 'offered') return <span className="muted">{t('carry.notYet')}</span>
  if (x.carry === 'not_carried')
    return (
      <span>
        {t('carry.notCarried')} <span className="muted small">{x.reason}</span>
      </span>
    )
  const status = x.status ?? ''
  if (status === 'APPROVED') return <span className="status-pill pass">{t('carry.approved')}</span>
  if (status === 'PENDING') return <span className="status-pill">{t('carry.pending')}</span>
  if (status === 'REJECTED')
    return (
      <span className="status-pill fail">
        {t('carry.rejected')}
        {x.rejectedReason ? `: ${x.rejectedReason}` : ''}
      </span>
    )
  return <span className="status-pill warn">{status}</span>
}
