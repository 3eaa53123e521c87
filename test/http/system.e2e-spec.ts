import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('connection test, server time, health, docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(['get', 'post'] as const)('%s /api/v1/ping answers {}', async (verb) => {
    const res = await t.http[verb]('/api/v1/ping');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it.each(['get', 'post'] as const)('%s /api/v1/time answers the server time in ms', async (verb) => {
    const before = Date.now();
    const res = await t.http[verb]('/api/v1/time');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['serverTime']);
    expect(res.body.serverTime).toBeGreaterThanOrEqual(before);
    expect(res.body.serverTime).toBeLessThanOrEqual(Date.now());
  });

  it('/health is live and /health/ready sees the database', async () => {
    expect((await t.http.get('/health')).body).toEqual({ status: 'ok' });
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('serves the OpenAPI document with tags and the security schemes', async () => {
    const res = await t.http.get('/docs/json');
    expect(res.status).toBe(200);
    expect(res.body.paths['/api/v1/ping']).toHaveProperty('get');
    expect(res.body.paths['/api/v1/ping']).toHaveProperty('post');
    expect(res.body.paths['/api/v1/time']).toHaveProperty('get');
    const schemes = res.body.components.securitySchemes;
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const header of ['Session', 'Nonce', 'Signature'])
      expect(schemes[header]).toMatchObject({ type: 'apiKey', in: 'header', name: header });
    expect(res.body.tags.map((tag: { name: string }) => tag.name)).toContain('system');
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.http.get('/docs').redirects(1);
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger-ui');
  });

  it('sends security headers and no X-Powered-By', async () => {
    const res = await t.http.get('/api/v1/ping');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('echoes a sane incoming X-Request-Id and generates one otherwise', async () => {
    const given = await t.http.get('/api/v1/ping').set('X-Request-Id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const generated = await t.http.get('/api/v1/ping');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await t.http.get('/api/v1/ping').set('X-Request-Id', 'x'.repeat(500));
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('readiness when the database goes away', () => {
  it('/health/ready answers 503 while /health stays live', async () => {
    const t = await startTestApp();
    try {
      expect((await t.http.get('/health/ready')).status).toBe(200);
      await t.db.drop(); // terminates the app's connections and removes its database
      const ready = await t.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ error: { code: 503, message: 'Service Unavailable', requestId: expect.any(String) } });
      expect((await t.http.get('/health')).status).toBe(200);
    } finally {
      await t.app.close();
    }
  });
});
