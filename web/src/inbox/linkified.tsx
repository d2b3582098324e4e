import { linkify } from '../format.ts'

/** Text with its http(s)/www links made clickable (opening in a new tab). */
export function Linkified(props: { text: string }) {
  return (
    <>
      {linkify(props.text).map((part, i) =>
        part.href ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable text
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable text
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  )
}
