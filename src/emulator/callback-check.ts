import { randomInt } from 'node:crypto'
import type { EmulatorContext } from './context.ts'
import { GraphError } from './graph-errors.ts'

/**
 * Meta checks a callback URL before accepting it as an override: a GET with hub.mode=subscribe,
 * hub.verify_token and hub.challenge, expecting 200 and the challenge echoed (GRAPH-WH, M-OVR).
 * Failure is error 2200 "Callback verification failed" with what was seen.
 */
export async function verifyCallback(ctx: EmulatorContext, url: string, verifyToken: string): Promise<void> {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    throw new GraphError(100, 'Param override_callback_uri must be a valid URL.')
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new GraphError(100, 'Param override_callback_uri must be an http(s) URL.')
  }
  if (url.length > 200)
    throw new GraphError(100, 'Param override_callback_uri must be at most 200 characters long.')
  if (!ctx.options.verifyCallbacks) return
  const challenge = String(randomInt(100_000_000, 999_999_999))
  target.searchParams.set('hub.mode', 'subscribe')
  target.searchParams.set('hub.challenge', challenge)
  target.searchParams.set('hub.verify_token', verifyToken)
  let seen: string
  try {
    const res = await fetch(target, { signal: AbortSignal.timeout(5000), redirect: 'manual' })
    const text = (await res.text()).trim()
    if (res.status === 200 && text === challenge) return
    seen = `HTTP ${res.status}, body "${text.slice(0, 100)}" (expected the challenge ${challenge})`
  } catch (err) {
    seen = `could not connect: ${(err as Error).message}`
  }
  throw new GraphError(2200, `Callback verification failed with the following errors: ${seen}`, {
    message: '(#2200) Callback verification failed',
    httpStatus: 400,
  })
}
