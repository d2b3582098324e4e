import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { postText } from '../api.ts'
import type { Audience } from '../api-types.ts'
import { number } from '../format.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { tenantPath } from './campaigns-page.tsx'

// Step 1 of a campaign: a CSV file becomes an audience (POST /audiences/import, text/csv). The
// server takes the file whole or not at all; the rows it could not use are listed with their line.

export function AudienceImport(props: {
  tenantId: string
  audience: Audience | null
  onImported: (a: Audience) => void
}) {
  const { t } = useTranslation('campaigns')
  const action = useAction()
  const [file, setFile] = useState<File | null>(null)
  const a = props.audience

  const upload = () =>
    action.run('import', async () => {
      if (!file) return
      const name = file.name.replace(/\.csv$/i, '') || 'audience'
      const audience = await postText<Audience>(
        tenantPath('audiences/import', props.tenantId, `&name=${encodeURIComponent(name)}`),
        await file.text(),
        'text/csv',
      )
      props.onImported(audience)
      return t('audience.imported', { count: audience.size, name: audience.name })
    })

  return (
    <fieldset className="campaign-step">
      <legend>{t('audience.title')}</legend>
      <p className="muted small">{t('audience.help')}</p>
      <div className="row">
        <label className="file-pick">
          <span>{t('audience.file')}</span>
          <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <button type="button" disabled={!file || action.busy !== null} onClick={() => void upload()}>
          {action.busy ? t('audience.importing') : t('audience.import')}
        </button>
      </div>
      <ErrorBox error={action.error} title={t('audience.failed')} onDismiss={action.reset} />
      {a ? (
        <div className="audience-summary" data-testid="audience-summary">
          <p role="status">
            {t('audience.summary', {
              name: a.name,
              size: number(a.size),
              rejected: number(a.rejected),
              duplicates: number(a.duplicates),
            })}
          </p>
          {a.columns.length ? (
            <p className="muted small">{t('audience.columns', { columns: a.columns.join(', ') })}</p>
          ) : null}
          {a.errors.length ? (
            <table className="row-errors">
              <caption>{t('audience.errors', { count: a.rejected })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audience.line')}</th>
                  <th scope="col">{t('audience.field')}</th>
                  <th scope="col">{t('audience.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {a.errors.map((e) => (
                  <tr key={`${e.row}:${e.field}`}>
                    <td>{e.row}</td>
                    <td>
                      <code>{e.field}</code>
                    </td>
                    <td>{e.problem}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}
    </fieldset>
  )
}
