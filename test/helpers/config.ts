import { type Config, loadConfig } from '../../src/config.ts'

/** A Config for tests: port 0 (random), localhost, logs silent unless LOG_LEVEL says otherwise. */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...env })
}
