import type { TestApp } from './test-app.js';
import { requestSignature } from '../../src/modules/auth/request-signature.js';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };

/** Environment that makes the bootstrap administrator known to the tests, and argon2 cheap. */
export const IDENTITY_ENV = {
  BOOTSTRAP_ADMIN_USERNAME: ADMIN.username,
  BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
  ARGON2_MEMORY_KIB: '4096',
  ARGON2_TIME_COST: '1',
};

export interface Signed {
  session: string;
  secret: string;
  code: string;
}

export async function signIn(t: TestApp, body: Record<string, string>): Promise<Signed> {
  const res = await t.http.post('/api/v1/sign/in').send(body);
  if (res.status !== 200) throw new Error(`sign in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Signed;
}

let lastNonce = 0;

/** Headers of a signed request, computed exactly as seed 002's JavaScript example does. */
export function signedHeaders(s: Pick<Signed, 'session' | 'secret'>, path: string, body: unknown = null, nonce?: string) {
  const Nonce = nonce ?? String(Math.max(Date.now() * 1000, ++lastNonce));
  lastNonce = Number(Nonce);
  const Body = JSON.stringify(body);
  return {
    Session: s.session,
    Nonce,
    Signature: requestSignature(s.secret, path, Nonce, Body),
    'Content-Type': 'application/json',
    body: Body,
  };
}

/** POST /api/v1<path> signed with the session's secret. */
export function signedPost(t: TestApp, s: Pick<Signed, 'session' | 'secret'>, path: string, body: unknown = null, nonce?: string) {
  const { body: raw, ...headers } = signedHeaders(s, path, body, nonce);
  return t.http.post(`/api/v1${path}`).set(headers).send(raw);
}
