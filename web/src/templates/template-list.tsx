import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { del, get, post } from '../api.ts'
import type { PhoneNumber, Template, Waba } from '../api-types.ts'
import { useLive } from '../live.tsx'
import { Link } from '../router.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useDebounced } from '../ui/hooks.ts'
import { PageHead } from '../ui/page-head.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { SendTest } from './send-test.tsx'
import { TemplateCard } from './template-card.tsx'
import { applyFilters, type Filters, noFilters, TemplateFilters } from './template-filters.tsx'

// Every template of every WABA as WhatsApp shows it, with Meta's review (live: status, quality
// and category webhooks reload the list), filters, a sync per WABA, and each template's actions.

export function TemplateList() {
  const { t } = useTranslation('templates')
  const { data, error, reload } = useLoad(['templates'], async () => {
    const [list, w, n] = await Promise.all([
      get<{ templates: Template[] }>('/api/v1/admin/templates'),
      get<{ wabas: Waba[] }>('/api/v1/admin/wabas'),
      get<{ numbers: PhoneNumber[] }>('/api/v1/admin/numbers'),
    ])
    return { templates: list.templates, wabas: w.wabas, numbers: n.numbers }
  })
  const action = useAction()
  const refresh = useDebounced(() => void reload(), 300)
  useLive(refresh, ['template.status', 'template.quality', 'template.category'])
  const [filters, setFilters] = useState<Filters>(noFilters)
  const [testing, setTesting] = useState<string | null>(null)

  const all = data?.templates ?? []
  const numbers = data?.numbers ?? []
  const shown = useMemo(() => applyFilters(all, filters, numbers), [all, filters, numbers])
  const languagesOf = (x: Template) =>
    all
      .filter((o) => o.wabaRowId === x.wabaRowId && o.name === x.name && o.status !== 'DELETED')
      .map((o) => o.language)
      .sort()
  const tested = all.find((x) => x.id === testing)

  const sync = (w: Waba) =>
    action.run(`sync:${w.id}`, async () => {
      const r = await post<{ synced: number }>(
        `/api/v1/admin/wabas/${encodeURIComponent(w.id)}/templates/sync`,
      )
      await reload()
      return t('synced', { count: r.synced, wabaId: w.wabaId })
    })
  const remove = (x: Template) =>
    action.run(`delete:${x.id}`, async () => {
      await del(`/api/v1/admin/templates/${encodeURIComponent(x.id)}`)
      await reload()
      return t('deleted', { name: x.name, language: x.language })
    })

  return (
    <div className="page templates-page">
      <PageHead title={t('title')} intro={t('intro')} error={error} errorTitle={t('loadFailed')} />
      <div className="toolbar">
        <Link className="button" href="/templates/new">
          {t('new')}
        </Link>
        {data?.wabas.map((w) => (
          <button
            key={w.id}
            type="button"
            className="secondary"
            disabled={action.busy !== null}
            onClick={() => void sync(w)}
          >
            {action.busy === `sync:${w.id}` ? t('syncing') : t('sync', { name: w.name ?? w.wabaId })}
          </button>
        ))}
      </div>
      <Success message={action.done} />
      <ErrorBox error={action.error} title={t('actionFailed')} onDismiss={action.reset} />
      {tested ? <SendTest template={tested} numbers={numbers} onClose={() => setTesting(null)} /> : null}
      <TemplateFilters
        value={filters}
        onChange={setFilters}
        templates={all}
        wabas={data?.wabas ?? []}
        numbers={numbers}
      />
      <p className="muted small" role="status">
        {data
          ? t('count', { shown: shown.length, total: all.filter((x) => x.status !== 'DELETED').length })
          : ''}
      </p>
      {data && shown.length === 0 ? <p className="notice">{all.length ? t('noMatch') : t('none')}</p> : null}
      <div className="template-grid">
        {shown.map((x) => (
          <TemplateCard
            key={x.id}
            template={x}
            languages={languagesOf(x)}
            busy={action.busy === `delete:${x.id}`}
            onSendTest={() => setTesting(x.id)}
            onDelete={() => void remove(x)}
          />
        ))}
      </div>
    </div>
  )
}
