import { type Config, loadConfig } from '../../src/config.ts'

/** The /metrics token of every test config: `fetch(url, { headers: metricsAuth })`. */
export const testMetricsToken = 'test-metrics-token-0123456789'
export const metricsAuth = { authorization: `Bearer ${testMetricsToken}` }

/** A Config for tests: port 0 (random), localhost, logs silent unless LOG_LEVEL says otherwise. */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    WAHUB_METRICS_TOKEN: testMetricsToken,
    ...env,
  })
}
