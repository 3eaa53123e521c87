import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_ENV } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const API_SCHEMES = ['bearer', 'basic', 'Session', 'Nonce', 'Signature'];
type Operation = { security?: Record<string, string[]>[]; summary?: string };

/** /docs/json says which routes need a user's credentials, and says it truly: each is sent without any. */
describe('OpenAPI document: public routes are marked public, and the OAuth endpoints are documented', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    t = await startTestApp({
      env: { ...IDENTITY_ENV, BOOTSTRAP_CLIENT_ID: 'web', BOOTSTRAP_CLIENT_SECRET: 'web-secret-0123456789abcdef' },
    });
    paths = (await t.http.get('/docs/json')).body.paths;
  });
  afterAll(() => t.close());

  const needsUser = (op: Operation) => (op.security ?? []).some((r) => Object.keys(r).some((k) => API_SCHEMES.includes(k)));

  it('every operation documented as needing credentials is refused by the guard without them, and no other is', async () => {
    const refusedByGuard: string[] = [];
    const documented: string[] = [];
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const url = path.replace(/\{\w+\}/g, 'session');
        const res = await t.http[method as 'get' | 'post'](url).redirects(0);
        // The guard's refusal: 401 with its Bearer challenge (route-level 401s, such as a client that failed to
        // authenticate, carry none).
        if (res.status === 401 && (res.headers['www-authenticate'] ?? '').startsWith('Bearer ')) refusedByGuard.push(`${method} ${path}`);
        if (needsUser(op)) documented.push(`${method} ${path}`);
      }
    }
    expect(refusedByGuard.length).toBeGreaterThan(20);
    expect(documented.sort()).toEqual(refusedByGuard.sort());
    for (const publicRoute of [
      'post /api/v1/sign/in',
      'post /api/v1/authenticate',
      'post /api/v1/authorize',
      'post /oauth2/introspect',
      'post /oauth2/revoke',
    ])
      expect(documented).not.toContain(publicRoute);
  });

  it('documents /oauth2/authorize and /oauth2/token (served by oidc-provider), the token endpoint with client authentication', () => {
    expect(paths['/oauth2/authorize'].get.summary).toMatch(/Authorization endpoint/);
    expect(paths['/oauth2/token'].post).toMatchObject({ summary: expect.stringMatching(/Token endpoint/), security: [{ client: [] }] });
    expect(paths['/oauth2/introspect'].post.security).toEqual([{ client: [] }]);
    expect(paths['/api/v1/sign/in'].post.security).toEqual([]);
    expect(paths['/api/v1/whoami'].get.security).toEqual(
      expect.arrayContaining([{ bearer: [] }, { basic: [] }, { Session: [], Nonce: [], Signature: [] }]),
    );
  });

  it('signature headers are one requirement; optional bodies optional; forms and the 4xx envelope documented', async () => {
    const whoami = paths['/api/v1/whoami'].post as Operation & Record<string, never>;
    expect(whoami.security).toContainEqual({ Session: [], Nonce: [], Signature: [] });
    expect(whoami.security).not.toContainEqual({ Signature: [] });
    const body = (op: unknown) => (op as { requestBody: { required?: boolean; content: Record<string, unknown> } }).requestBody;
    const signOut = body(paths['/api/v1/sign/out'].post);
    expect(signOut.required).toBe(false);
    expect(Object.keys(signOut.content)).toEqual(
      expect.arrayContaining(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']),
    );
    expect(body(paths['/api/v1/sign/in'].post).required).toBe(true);
    const responses = (paths['/api/v1/sign/out'].post as unknown as { responses: Record<string, { content: unknown }> }).responses;
    for (const status of ['400', '401', '403'])
      expect(responses[status].content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } });
    const doc = (await t.http.get('/docs/json')).body;
    expect(doc.components.schemas.ErrorEnvelope.properties.error.required).toEqual(['code', 'message']);
  });
});
