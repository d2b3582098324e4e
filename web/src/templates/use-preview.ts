import { useEffect, useState } from 'react'
import { post } from '../api.ts'
import type { TemplatePreview } from '../api-types.ts'
import { useLoad } from '../ui/server-state.ts'

// The live preview: the draft's components rendered by the server (POST /api/v1/templates/preview,
// the renderer the API and the CLI use) and the first of Meta's rules they break, a quarter of a
// second after the author stops typing.

export type PreviewAnswer = { preview: TemplatePreview; problem: { field: string; message: string } | null }

function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return settled
}

export function useTemplatePreview(request: {
  components: unknown[]
  category: string
  parameter_format: string
}): PreviewAnswer | undefined {
  const body = useSettled(JSON.stringify(request), 250)
  const { data } = useLoad(['template-preview', body], () =>
    post<PreviewAnswer>('/api/v1/templates/preview', JSON.parse(body)),
  )
  return data
}
