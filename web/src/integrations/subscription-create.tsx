import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { WebhookSubscription } from '../api-types.ts'
import { Link } from '../router.tsx'
import { PageHead } from '../ui/page-head.tsx'
import { useAction } from '../ui/server-state.ts'
import { integrationsHref, tenantPath } from './integrations-page.tsx'
import { SecretOnce } from './secret-once.tsx'
import { SubscriptionForm } from './subscription-form.tsx'

// Subscribe a URL to a tenant's events. The answer carries the signing secret, the only time it
// is shown (Wahub keeps it encrypted and never answers it again).

export function SubscriptionCreate(props: { tenantId: string }) {
  const { t } = useTranslation('integrations')
  const action = useAction()
  const [created, setCreated] = useState<{ subscription: WebhookSubscription; secret: string } | null>(null)
  return (
    <div className="page integrations-page narrow-form">
      <PageHead title={t('create.title')} intro={t('create.intro')} />
      <p>
        <Link href="/integrations">{t('back')}</Link>
      </p>
      {created ? (
        <>
          <SecretOnce secret={created.secret} />
          <Link
            className="button"
            href={integrationsHref(props.tenantId, encodeURIComponent(created.subscription.id))}
          >
            {t('create.open')}
          </Link>
        </>
      ) : (
        <SubscriptionForm
          initial={{ url: '', description: '', events: ['message.*'] }}
          submitLabel={t('create.submit')}
          busy={action.busy !== null}
          error={action.error}
          onDismissError={action.reset}
          onSubmit={(draft) =>
            void action.run('create', async () => {
              const r = await post<{ subscription: WebhookSubscription; secret: string }>(
                tenantPath('webhook-subscriptions', props.tenantId),
                { url: draft.url, events: draft.events, description: draft.description || null },
              )
              setCreated(r)
            })
          }
        />
      )}
    </div>
  )
}
