/** A table's column headings; `actions` names a last column of buttons (read to screen readers only). */
export function TableHead(props: { columns: string[]; actions?: string }) {
  return (
    <thead>
      <tr>
        {props.columns.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
        {props.actions ? (
          <th scope="col">
            <span className="visually-hidden">{props.actions}</span>
          </th>
        ) : null}
      </tr>
    </thead>
  )
}
