import { useTranslation } from 'react-i18next'
import type { Waba } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { navigate } from '../router.tsx'
import { TableHead } from '../ui/table-head.tsx'

/** The connected WhatsApp Business Accounts: numbers, token (last 4, type, expiry), tenant. */
export function WabasTable(props: { wabas: Waba[]; tenantName: (id: string | null) => string | null }) {
  const { t } = useTranslation('channels')
  return (
    <section className="card" aria-labelledby="wabas-title">
      <h2 id="wabas-title">{t('wabas.title')}</h2>
      <div className="table-wrap">
        <table>
          <TableHead columns={[t('wabas.waba'), t('wabas.numbers'), t('wabas.token'), t('wabas.tenant')]} />
          <tbody>
            {props.wabas.map((w) => (
              <tr key={w.id}>
                <td>
                  <strong>{w.name ?? t('wabas.waba')}</strong> <span className="muted mono">{w.wabaId}</span>
                  {w.isSandbox ? (
                    <>
                      <span className="badge sandbox">{t('sandbox')}</span>{' '}
                      <button
                        type="button"
                        className="small"
                        onClick={() => navigate('/golive?from=sandbox')}
                      >
                        {t('goLive')}
                      </button>
                    </>
                  ) : null}
                </td>
                <td>{w.numberCount}</td>
                <td>
                  <span className="mono">…{w.tokenLast4}</span>{' '}
                  {w.tokenType ? <span className="muted">{w.tokenType}</span> : null}
                  {w.tokenExpiresAt ? (
                    <span className="badge warn">
                      {t('wabas.expires', { when: formatDateTime(w.tokenExpiresAt) })}
                    </span>
                  ) : null}
                </td>
                <td>{props.tenantName(w.tenantId) ?? <span className="muted">{t('wabas.shared')}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
