import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { money } from '../analytics/figures.tsx'
import { post } from '../api.ts'
import type { CampaignDryRun } from '../api-types.ts'
import { number } from '../format.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { tenantPath } from './campaigns-page.tsx'

// A draft's dry run: how many would be sent, who is skipped and why, the number's messaging limit
// today and the estimated cost by country and category (nothing is sent).

export function DryRunPanel(props: { tenantId: string; campaignId: string }) {
  const { t } = useTranslation('campaigns')
  const action = useAction()
  const [d, setD] = useState<CampaignDryRun | null>(null)
  const run = () =>
    action.run('dry', async () => {
      setD(
        await post<CampaignDryRun>(
          tenantPath(`campaigns/${encodeURIComponent(props.campaignId)}/dry-run`, props.tenantId),
        ),
      )
    })
  const cost = (micros: number) => money(micros / 1_000_000, d?.estimatedCost.currency ?? null)
  return (
    <section className="campaign-step dry-run" aria-labelledby="dry-run-title">
      <h2 id="dry-run-title">{t('dry.title')}</h2>
      <p className="muted small">{t('dry.help')}</p>
      <button type="button" className="secondary" disabled={action.busy !== null} onClick={() => void run()}>
        {action.busy ? t('dry.running') : t('dry.run')}
      </button>
      <ErrorBox error={action.error} title={t('dry.failed')} onDismiss={action.reset} />
      {d ? (
        <div data-testid="dry-run-result">
          <dl className="figures">
            <Figure label={t('dry.audience')} value={number(d.audience)} />
            <Figure label={t('dry.wouldSend')} value={number(d.wouldSend)} testId="would-send" />
            <Figure label={t('dry.optedOut')} value={number(d.skipped.optedOut)} testId="skipped-opted-out" />
            <Figure label={t('dry.invalid')} value={number(d.skipped.invalid)} testId="skipped-invalid" />
            <Figure
              label={t('dry.duplicate')}
              value={number(d.skipped.duplicate)}
              testId="skipped-duplicate"
            />
            <Figure
              label={t('dry.overLimit')}
              value={number(d.skipped.overLimit)}
              testId="skipped-over-limit"
            />
            <Figure label={t('dry.cost')} value={cost(d.estimatedCost.totalMicros)} testId="estimated-cost" />
          </dl>
          <p className="muted small">
            {t('dry.limit', {
              tier: d.messagingLimit.tier ?? t('dry.unknownTier'),
              used: number(d.messagingLimit.usedToday),
              available:
                d.messagingLimit.available === null ? t('dry.unlimited') : number(d.messagingLimit.available),
              rate: d.throughputMps,
            })}
            {d.estimatedCost.unpriced ? ` ${t('dry.unpriced', { count: d.estimatedCost.unpriced })}` : ''}
          </p>
          {d.estimatedCost.byCountry.length ? (
            <table className="cost-table">
              <caption>{t('dry.byCountry')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dry.country')}</th>
                  <th scope="col">{t('dry.category')}</th>
                  <th scope="col">{t('dry.recipients')}</th>
                  <th scope="col">{t('dry.cost')}</th>
                </tr>
              </thead>
              <tbody>
                {d.estimatedCost.byCountry.map((r) => (
                  <tr key={`${r.country}:${r.category}`}>
                    <td>{r.country}</td>
                    <td>{r.category}</td>
                    <td>{number(r.recipients)}</td>
                    <td>{cost(r.micros)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}
    </section>
  )
}

export function Figure(props: { label: string; value: string; testId?: string }) {
  return (
    <div className="figure" data-testid={props.testId}>
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </div>
  )
}
