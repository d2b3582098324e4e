// Timers of the emulator (status progression, retries, batching, auto-replies) in one place so
// close() can cancel them all and a stopped emulator never fires a webhook.

export type Scheduler = {
  after(ms: number, fn: () => void): void
  close(): void
  readonly closed: boolean
}

export function createScheduler(onError: (err: unknown) => void): Scheduler {
  const timers = new Set<NodeJS.Timeout>()
  let closed = false
  const run = (fn: () => void) => {
    if (closed) return
    try {
      fn()
    } catch (err) {
      onError(err)
    }
  }
  return {
    after(ms, fn) {
      if (closed) return
      const t = setTimeout(
        () => {
          timers.delete(t)
          run(fn)
        },
        Math.max(0, ms),
      )
      timers.add(t)
    },
    close() {
      closed = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
    },
    get closed() {
      return closed
    },
  }
}
