import type { ReactNode } from 'react'

/**
 * An action on one row of a list or table, shown as a link: its word, and for screen readers
 * what it acts on ("Revoke" + " CRM key"), since a page holds one such button per row.
 */
export function RowButton(props: {
  onClick: () => void
  danger?: boolean
  of?: string
  children: ReactNode
}) {
  return (
    <button
      type="button"
      className={props.danger ? 'link-button danger' : 'link-button'}
      onClick={props.onClick}
    >
      {props.children}
      {props.of ? <span className="visually-hidden"> {props.of}</span> : null}
    </button>
  )
}
