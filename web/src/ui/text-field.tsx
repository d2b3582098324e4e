import { type InputHTMLAttributes, useId } from 'react'

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>

/** A labelled input: the label, then the input holding `value`; `onValue` gets each change. */
export function TextField(
  props: InputProps & { label: string; value: string; onValue: (value: string) => void },
) {
  const { label, value, onValue, ...input } = props
  const id = useId()
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => onValue(e.target.value)} {...input} />
    </>
  )
}

/**
 * A required field whose value is not shown: a password, an app secret, a token. Browsers do
 * not offer to fill it unless `autoComplete` says which password it is.
 */
export function SecretField(props: Omit<Parameters<typeof TextField>[0], 'type'>) {
  return <TextField type="password" autoComplete="off" required {...props} />
}
