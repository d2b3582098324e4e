import type { ReactNode } from 'react'
import { ErrorBox } from './error-box.tsx'

/** A page's title, what it is for, and why its data could not be loaded (when it could not). */
export function PageHead(props: { title: string; intro: ReactNode; error?: unknown; errorTitle?: string }) {
  return (
    <>
      <div className="page-head">
        <h1>{props.title}</h1>
        <p className="muted">{props.intro}</p>
      </div>
      <ErrorBox error={props.error} title={props.errorTitle} />
    </>
  )
}
