import { useTranslation } from 'react-i18next'
import type { AnalyticsBreakdown } from '../api-types.ts'
import { number } from '../format.ts'
import { TableHead } from '../ui/table-head.tsx'
import { money, percent } from './figures.tsx'

// One breakdown of the range's figures: by template (volume and outcome), or by category or
// country (what was paid for, and what it cost).

type Props = {
  title: string
  by: 'template' | 'category' | 'country'
  data: AnalyticsBreakdown | undefined
  label: (key: string) => string
  kind: 'volume' | 'cost'
}

export function BreakdownTable(props: Props) {
  const { t } = useTranslation('analytics')
  const rows = (props.data?.rows ?? []).filter((r) => (props.kind === 'cost' ? r.sent > 0 : true))
  const currency = props.data?.currency ?? null
  const columns =
    props.kind === 'volume'
      ? [
          t(`by.${props.by}`),
          t('figures.sent'),
          t('figures.delivered'),
          t('figures.read'),
          t('figures.failed'),
          t('figures.replies'),
          t('figures.cost'),
        ]
      : [t(`by.${props.by}`), t('figures.sent'), t('figures.billable'), t('figures.cost')]
  return (
    <section
      className="card analytics-breakdown"
      aria-labelledby={`breakdown-${props.by}`}
      data-breakdown={props.by}
    >
      <h2 id={`breakdown-${props.by}`}>{props.title}</h2>
      {rows.length === 0 ? (
        <p className="muted">{t('empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <TableHead columns={columns} />
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} data-key={r.key}>
                  <th scope="row">{props.label(r.key)}</th>
                  <td data-figure="sent">{number(r.sent)}</td>
                  {props.kind === 'volume' ? (
                    <>
                      <td data-figure="delivered">
                        {number(r.delivered)} <span className="muted">{percent(r.deliveryRate)}</span>
                      </td>
                      <td data-figure="read">
                        {number(r.read)} <span className="muted">{percent(r.readRate)}</span>
                      </td>
                      <td data-figure="failed">{number(r.failed)}</td>
                      <td data-figure="replies">{number(r.replies)}</td>
                    </>
                  ) : (
                    <td data-figure="billable">{number(r.billable)}</td>
                  )}
                  <td data-figure="cost">{money(r.cost, currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
