import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeModule } from '../support/probe.module.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('errors: one mechanism, one envelope per contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ imports: [ProbeModule], env: { BODY_LIMIT: '2kb', BODY_MAX_FIELDS: '20' } });
  });
  afterAll(() => t.close());

  it('unknown route: 404 in the platform envelope', async () => {
    for (const res of [await t.http.get('/nope'), await t.http.post('/api/v1/nope').send({ a: 1 })]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 404, message: 'Not Found' } });
    }
  });

  it('malformed JSON: 400 in the envelope of the route', async () => {
    const res = await t.http.post('/api/v1/probe/echo').set('Content-Type', 'application/json').send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 400, message: 'Malformed JSON in request body' } });
    const qr = await t.http.post('/api/probe-qr/echo').set('Content-Type', 'application/json').send('{oops');
    expect(qr.status).toBe(400);
    expect(qr.body).toEqual({ error: 1, error_msg: 'Malformed JSON in request body' });
  });

  it('DTO validation: 400 with a message per field', async () => {
    const res = await t.http.post('/api/v1/probe/echo').send({ name: 'x'.repeat(11), count: 9 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(400);
    expect(res.body.error.message).toMatch(/^Validation failed: /);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['count', 'name']);
    expect(res.body.error.fields.name[0]).toMatch(/shorter than or equal to 10/);
  });

  it('unknown keys are refused, not dropped', async () => {
    const res = await t.http.post('/api/v1/probe/echo').send({ name: 'a', count: 1, admin: true });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.admin).toEqual(['property admin should not exist']);
  });

  it('accepts JSON, urlencoded and multipart bodies on POST', async () => {
    const json = await t.http.post('/api/v1/probe/echo').send({ name: 'json', count: 2 });
    expect(json.body).toEqual({ received: { name: 'json', count: 2 } });
    const form = await t.http.post('/api/v1/probe/raw').type('form').send({ name: 'form', count: '3' });
    expect(form.body).toEqual({ body: { name: 'form', count: '3' } });
    const multipart = await t.http.post('/api/v1/probe/raw').field('name', 'multi').field('count', '4');
    expect(multipart.body).toEqual({ body: { name: 'multi', count: '4' } });
  });

  it('refuses file parts in multipart bodies', async () => {
    const res = await t.http.post('/api/v1/probe/raw').attach('file', Buffer.from('hello'), 'hello.txt');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('File parts are not accepted on this endpoint');
  });

  it('too large bodies: 413 for JSON, urlencoded and multipart', async () => {
    const big = 'x'.repeat(4096);
    const json = await t.http.post('/api/v1/probe/raw').send({ big });
    expect(json.status).toBe(413);
    expect(json.body).toEqual({ error: { code: 413, message: 'Request body is too large' } });
    expect((await t.http.post('/api/v1/probe/raw').type('form').send({ big })).status).toBe(413);
    expect((await t.http.post('/api/v1/probe/raw').field('big', big)).status).toBe(413);
    const manyFields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, '1']));
    expect((await t.http.post('/api/v1/probe/raw').type('form').send(manyFields)).status).toBe(413);
  });

  it('unexpected errors: 500 "Internal server error" with the request id, no detail', async () => {
    const res = await t.http.get('/api/v1/probe/crash').set('X-Request-Id', 'crash-1');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 500, message: 'Internal server error', requestId: 'crash-1' } });
    expect(res.text).not.toContain('hunter2');
  });

  it('each contract renders a domain error in its own envelope', async () => {
    const platform = await t.http.get('/api/v1/probe/domain-error');
    expect(platform.status).toBe(404);
    expect(platform.body).toEqual({ error: { code: 404, message: 'No such thing' } });

    const legacy = await t.http.get('/api/v1.0/probe/domain-error');
    expect(legacy.body).toEqual({ error: { code: 404, message: 'No such thing' } });

    const callback = await t.http.get('/api/v1/callback/probe/domain-error');
    expect(callback.status).toBe(404);
    expect(callback.body).toEqual({ result: false, error: 'No such thing' });

    const qr = await t.http.get('/api/probe-qr/domain-error');
    expect(qr.body).toEqual({ error: 10, error_msg: 'No such thing' });

    const oauth = await t.http.get('/oauth2/probe/domain-error');
    expect(oauth.body).toEqual({ error: 'invalid_request', error_description: 'No such thing' });
  });

  it('callback contract: validation is a 422 with field arrays beside result=false', async () => {
    const res = await t.http.post('/api/v1/callback/probe/echo').send({ name: 5 });
    expect(res.status).toBe(422);
    expect(res.body.result).toBe(false);
    expect(res.body.name).toEqual(expect.arrayContaining(['name must be a string']));
    expect(res.body.count.length).toBeGreaterThan(0);
  });

  it('keeps the exact raw bytes of JSON and urlencoded bodies (request signing needs them)', async () => {
    const json = '{ "a" :1,\n  "b": ["é"] }';
    const res = await t.http.post('/api/v1/probe/raw-bytes').set('Content-Type', 'application/json').send(json);
    expect(res.body).toEqual({ raw: json });
    const form = 'b=2&a=%D0%B9';
    const formRes = await t.http.post('/api/v1/probe/raw-bytes').set('Content-Type', 'application/x-www-form-urlencoded').send(form);
    expect(formRes.body).toEqual({ raw: form });
  });
});
