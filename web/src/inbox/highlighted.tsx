// Text with the words of a search marked (<mark>), case- and accent-insensitively.

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

export function Highlighted(props: { text: string; query: string }) {
  const words = props.query
    .trim()
    .split(/\s+/)
    .map(fold)
    .filter((w) => w.length > 1)
  if (!words.length || !props.text) return <>{props.text}</>
  // Folding drops combining marks only, so positions in the folded text map back one to one
  // when the text is NFC without decomposable letters; otherwise mark nothing rather than wrongly.
  const folded = fold(props.text)
  if (folded.length !== props.text.length) return <>{props.text}</>
  const marks: [number, number][] = []
  for (const w of words) {
    let at = folded.indexOf(w)
    while (at >= 0) {
      marks.push([at, at + w.length])
      at = folded.indexOf(w, at + w.length)
    }
  }
  if (!marks.length) return <>{props.text}</>
  marks.sort((a, b) => a[0] - b[0])
  const parts: { text: string; mark: boolean; at: number }[] = []
  let last = 0
  for (const [start, end] of marks) {
    if (start < last) continue
    if (start > last) parts.push({ text: props.text.slice(last, start), mark: false, at: last })
    parts.push({ text: props.text.slice(start, end), mark: true, at: start })
    last = end
  }
  if (last < props.text.length) parts.push({ text: props.text.slice(last), mark: false, at: last })
  return (
    <>{parts.map((p) => (p.mark ? <mark key={p.at}>{p.text}</mark> : <span key={p.at}>{p.text}</span>))}</>
  )
}
