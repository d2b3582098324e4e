import './templates.css'
import { usePath } from '../router.tsx'
import { TemplateEditor } from './template-editor.tsx'
import { TemplateList } from './template-list.tsx'

// The Templates section: /templates (the list), /templates/new, /templates/:id/edit and
// /templates/:id/duplicate (the authoring form).

export function TemplatesPage() {
  const [, , id, action] = usePath().split('/')
  if (id === 'new') return <TemplateEditor key="new" mode="create" />
  if (id && (action === 'edit' || action === 'duplicate'))
    return <TemplateEditor key={`${id}/${action}`} mode={action} id={decodeURIComponent(id)} />
  return <TemplateList />
}
