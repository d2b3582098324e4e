import { createWahubClient } from '../src/index.ts'

// The README's example: send a text through Wahub and read its status.
// WAHUB_URL=http://localhost:8080 WAHUB_API_KEY=wh_… node packages/client/examples/send.ts 34612345678

const wahub = createWahubClient({
  baseUrl: process.env.WAHUB_URL ?? 'http://localhost:8080',
  apiKey: process.env.WAHUB_API_KEY ?? '',
})
const to = process.argv[2] ?? '34612345678'

const { data, error } = await wahub.POST('/api/v1/messages', {
  body: { to, type: 'text', text: { body: 'Hello from the typed client' } },
})
if (!data) {
  console.error(error ? `${error.error.code}: ${error.error.message}\nfix: ${error.error.fix}` : 'no answer')
  process.exit(1)
}
console.log(`queued ${data.id} (${data.status})`)
const { data: message } = await wahub.GET('/api/v1/messages/{id}', { params: { path: { id: data.id } } })
console.log(`now ${message?.status}`)
