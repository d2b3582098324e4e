import { createHmac, timingSafeEqual } from 'node:crypto'
import http from 'node:http'

// The baseline of the ingest benchmark: a bare Node server that only reads the body, checks the
// webhook HMAC and answers 200 — the least any correct receiver must do. Wahub is measured
// against it in the same run (SPEC §11: ≥ 50% of this).
const secret = process.env.BENCH_APP_SECRET ?? ''
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks)
    const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? '').replace('sha256=', ''), 'hex')
    const expected = createHmac('sha256', secret).update(body).digest()
    const ok = given.length === expected.length && timingSafeEqual(given, expected)
    res.writeHead(ok ? 200 : 401).end()
  })
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  console.log(
    `bare server listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
  )
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
