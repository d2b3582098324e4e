import { useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { Message } from '../api-types.ts'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'

// Retry on a failed or unknown send (POST /api/v1/messages/{id}/retry). An unknown outcome may
// have reached the customer, so that retry asks first: it may arrive twice.

export function RetryButton(props: { message: Message; onRetried: () => Promise<void> }) {
  const { t } = useTranslation('inbox')
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const retry = async () => {
    if (
      props.message.status === 'unknown' &&
      !(await confirm({
        title: t('retry.unknownTitle'),
        body: t('retry.unknownBody'),
        confirmLabel: t('retry.confirm'),
      }))
    )
      return
    await action.run('retry', async () => {
      await post(`/api/v1/messages/${encodeURIComponent(props.message.id)}/retry`)
      await props.onRetried()
    })
  }
  return (
    <div className="retry">
      <button
        type="button"
        className="secondary small"
        disabled={action.busy !== null}
        onClick={() => void retry()}
      >
        {action.busy ? t('retry.retrying') : t('retry.button')}
      </button>
      <ErrorBox error={action.error} title={t('retry.failed')} onDismiss={action.reset} />
      {dialog}
    </div>
  )
}
