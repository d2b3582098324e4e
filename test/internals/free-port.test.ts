import assert from 'node:assert/strict'
import fs from 'node:fs'
import net from 'node:net'
import { test } from 'node:test'
import { freePort } from '../helpers/harness.ts'

// Tests start servers on ports they pick first; a port from the ephemeral range could be taken by
// an outgoing connection before the server binds it (EADDRINUSE, a failed and once a hung CI run).
test('freePort hands out ports below the ephemeral range that a server can bind', async () => {
  const range = '/proc/sys/net/ipv4/ip_local_port_range'
  const low = fs.existsSync(range) ? Number(fs.readFileSync(range, 'utf8').trim().split(/\s+/)[0]) : 0
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()))
  for (const port of ports) {
    if (low > 20_000) assert.ok(port >= 20_000 && port < low, `port ${port} is outside 20000–${low - 1}`)
    const server = net.createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', resolve)
    })
    await new Promise((resolve) => server.close(resolve))
  }
})
