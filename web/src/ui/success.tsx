/** What the last action did, announced to screen readers; nothing when there is nothing to say. */
export function Success(props: { message: string | null }) {
  if (!props.message) return null
  return (
    <p className="success" role="status">
      {props.message}
    </p>
  )
}
