import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { openLoop, poissonArrivals, sortedPercentile } from '../../bench/open-loop.ts'

// decision 0130: the benches' rated phases send requests as independent arrivals (a Poisson
// process), not as autocannon's `overallRate` does — each connection's share of a second back to
// back at the start of the second — and count each latency from the scheduled arrival.

test('arrivals average the rate and are spread over each second, not clumped at its start', () => {
  const arrivals = poissonArrivals(1000, 10, 7)
  assert.ok(
    arrivals.length > 9700 && arrivals.length < 10300,
    `10 s at 1,000/s gave ${arrivals.length} arrivals, expected 10,000 ± 3%`,
  )
  for (let i = 1; i < arrivals.length; i++) assert.ok(arrivals[i] >= arrivals[i - 1], 'arrivals are in order')
  // Each quarter of each second holds about a quarter of the second's arrivals: autocannon's
  // clumps put all of them in the first.
  for (let second = 0; second < 10; second++) {
    const quarters = [0, 0, 0, 0]
    for (const t of arrivals) if (Math.floor(t / 1000) === second) quarters[Math.floor((t % 1000) / 250)]++
    for (const n of quarters)
      assert.ok(
        n > 180 && n < 320,
        `second ${second} has quarters of ${quarters.join(', ')} arrivals, expected ~250 each`,
      )
  }
})

test('the same seed gives the same schedule, another seed another', () => {
  assert.deepEqual(poissonArrivals(500, 1, 3), poissonArrivals(500, 1, 3))
  assert.notDeepEqual(poissonArrivals(500, 1, 3), poissonArrivals(500, 1, 4))
})

test('a rate or duration that is not positive is refused with what to fix', () => {
  assert.throws(() => poissonArrivals(0, 1), /rate and seconds must be > 0/)
  assert.throws(() => poissonArrivals(100, -1), /rate and seconds must be > 0/)
})

test('a server that is not there is an error naming its address, not a run of failed requests', async () => {
  // A port that was just free: nothing listens on it.
  const probe = http.createServer()
  probe.listen(0, '127.0.0.1')
  await new Promise((resolve) => probe.once('listening', resolve))
  const port = (probe.address() as AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
  await assert.rejects(
    openLoop({
      url: `http://127.0.0.1:${port}`,
      path: '/',
      rate: 100,
      seconds: 1,
      connections: 2,
      next: () => ({ body: '{}', headers: {} }),
    }),
    new RegExp(`cannot connect to http://127.0.0.1:${port}`),
  )
})

test('every request is sent once with its own body, and answers are counted by status', async () => {
  const bodies: string[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      bodies.push(body)
      const refused = body.endsWith('7')
      res.writeHead(refused ? 401 : 200, { 'content-type': 'text/plain' }).end(refused ? 'no' : 'ok')
    })
  })
  server.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  try {
    let n = 0
    const result = await openLoop({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      path: '/hook',
      rate: 400,
      seconds: 0.5,
      connections: 4,
      next: () => ({ body: `request ${n++}`, headers: { 'content-type': 'text/plain' } }),
    })
    assert.equal(bodies.length, result.offered, 'the server received each scheduled request once')
    assert.equal(new Set(bodies).size, bodies.length, 'no body was sent twice')
    const refused = bodies.filter((b) => b.endsWith('7')).length
    assert.equal(result.errors, refused, 'the 401 answers are counted as errors')
    assert.equal(result.ok, result.offered - refused, 'the 200 answers are counted as ok')
    assert.equal(result.latencies.length, result.ok, 'one latency for each 2xx answer')
  } finally {
    server.close()
  }
})

test('a stalled server shows in the latency of every request that arrived during the stall', async () => {
  // The server holds its answers until the test releases them: with one connection, the requests
  // arriving meanwhile wait in the generator, and their wait counts (no coordinated omission).
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  let received = 0
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', async () => {
      if (++received === 1) await held
      res.writeHead(200).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  try {
    const run = openLoop({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      path: '/',
      rate: 200,
      seconds: 1,
      connections: 1,
      next: () => ({ body: '{}', headers: {} }),
    })
    // The stall lasts the whole schedule (its length is the point, not a wait for a condition):
    // every other request arrives while the first is held.
    await delay(1000)
    release()
    const result = await run
    assert.equal(result.ok, result.offered)
    assert.ok(
      sortedPercentile(result.latencies, 50) > 200,
      `the median latency (${sortedPercentile(result.latencies, 50).toFixed(0)} ms) must include the wait behind the held request`,
    )
  } finally {
    server.close()
  }
})
