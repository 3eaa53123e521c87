import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config.js';
import { EnvironmentVariables } from './env.schema.js';

describe('configuration', () => {
  it('has a working default for every variable', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(8080);
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toMatch(/\/data$/);
    expect(config.http.corsOrigins).toEqual([]);
    expect(config.list).toEqual({ defaultLimit: 100, maxLimit: 1000 });
  });

  it('reads and converts values', () => {
    const config = loadConfig({
      PORT: '9000',
      TRUST_PROXY: 'true',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      BODY_LIMIT: '2MB',
    });
    expect(config.http).toMatchObject({
      port: 9000,
      trustProxy: true,
      bodyLimit: '2mb',
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT', '1gb'],
    ['TRUST_PROXY', 'maybe'],
    ['NODE_ENV', 'staging'],
    ['LIST_MAX_LIMIT', '0'],
  ])('a bad %s (%s) names itself', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name}=`));
  });

  it('refuses a default list limit above the maximum', () => {
    expect(() => loadConfig({ LIST_DEFAULT_LIMIT: '500', LIST_MAX_LIMIT: '100' })).toThrow(/LIST_DEFAULT_LIMIT/);
  });

  it('.env.example lists every variable with its real default', () => {
    const example = Object.fromEntries(
      readFileSync('.env.example', 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    const defaults = new EnvironmentVariables() as unknown as Record<string, string | number | boolean | undefined>;
    expect(Object.keys(example).sort()).toEqual(Object.keys(defaults).sort());
    for (const [key, value] of Object.entries(defaults)) expect(example[key], key).toBe(String(value ?? ''));
  });
});
