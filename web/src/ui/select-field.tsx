import { type ReactNode, type SelectHTMLAttributes, useId } from 'react'

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'value' | 'onChange' | 'children'>

/**
 * A labelled select in a `.field`: the label, then the choices (`[value, label]` pairs, or
 * `children` for option groups); `onValue` gets each choice made.
 */
export function SelectField(
  props: SelectProps & {
    label: string
    value: string
    onValue: (value: string) => void
    options?: readonly (readonly [string, string])[]
    children?: ReactNode
  },
) {
  const { label, value, onValue, options, children, ...select } = props
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onValue(e.target.value)} {...select}>
        {options?.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
        {children}
      </select>
    </div>
  )
}
