import { performance } from 'node:perf_hooks'

// How busy this process's event loop is: the share of the last ~100 ms spent running code
// (event loop utilisation). The job runner uses it to let the webhook intake go first when the
// process is saturated (see runner.ts `deferrable`).

export type LoadMonitor = { busy(): boolean; utilisation(): number; stop(): void }

export function createLoadMonitor(options: { threshold?: number; sampleMs?: number } = {}): LoadMonitor {
  const threshold = options.threshold ?? 0.85
  let last = performance.eventLoopUtilization()
  let current = 0
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization()
    current = performance.eventLoopUtilization(now, last).utilization
    last = now
  }, options.sampleMs ?? 100)
  timer.unref()
  return {
    busy: () => current > threshold,
    utilisation: () => current,
    stop: () => clearInterval(timer),
  }
}
