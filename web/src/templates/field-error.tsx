// The server's word on one part of the form (422 template_invalid, or the live preview's check),
// shown next to that part and read out when it appears.
export function FieldError(props: { id?: string; message: string | undefined }) {
  if (!props.message) return null
  return (
    <p id={props.id} className="field-error" role="alert">
      {props.message}
    </p>
  )
}
