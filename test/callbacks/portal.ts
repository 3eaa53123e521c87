import type { TestApp } from '../support/test-app.js';

/** The headers of seed 001's requests, as written. */
export const SEED_HEADERS = { 'Content-Type': 'application/json', 'User-Agent': '*', 'X-Callback-Key': 'osnova_callback' };

/** A pin/update body in the seed's shape. */
export function pinUpdate(over: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    id_phperson: '381004a1-d925-11e8-9126-00155d640b22',
    tab_no: '00-0001234',
    ad_login: 'ivanov@osnova.ru',
    pin_code: 1234,
    created_at: '2019-11-25 11:43:22',
    ...over,
  };
}

/** POST /api/v1/callback/<path> with the seed's headers (or others). */
export function callback(t: TestApp, path: string, body: unknown, headers: Record<string, string> = SEED_HEADERS) {
  return t.http.post(`/api/v1/callback/${path}`).set(headers).send(JSON.stringify(body));
}
