import { useTranslation } from 'react-i18next'
import { CopyField } from '../ui/copy-field.tsx'

/** A subscription's signing secret, just created or rotated: copy it now, it is not shown again. */
export function SecretOnce(props: { secret: string }) {
  const { t } = useTranslation('integrations')
  return (
    <section className="card secret-once" aria-labelledby="secret-once-title">
      <h2 id="secret-once-title">{t('secret.title')}</h2>
      <p className="notice">
        <strong>{t('secret.once')}</strong> {t('secret.verify')}
      </p>
      <CopyField label={t('secret.label')} value={props.secret} />
    </section>
  )
}
