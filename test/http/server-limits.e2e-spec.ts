import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Node's HTTP limits as the service sets them (HTTP_* variables). */
describe('HTTP server limits', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({ env: { HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_MAX_HEADER_SIZE: '4096' } });
    port = Number(new URL(t.baseUrl).port);
  });
  afterAll(() => t?.close());

  it('50 slowloris sockets are closed by the server, and other clients are served meanwhile', async () => {
    const sockets = await Promise.all(
      Array.from(
        { length: 50 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    const closed = sockets.map((socket, i) => {
      socket.write(`GET /api/v1/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
      // One more header line now and then, never the blank line that ends them (the attack's shape).
      const drip = setInterval(() => socket.writable && socket.write(`X-Slow-${i}: ${'a'.repeat(10)}\r\n`), 100);
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      return new Promise<string>((resolve) =>
        socket.on('close', () => {
          clearInterval(drip);
          resolve(answer.split('\r\n')[0]);
        }),
      );
    });
    // While they hang on, ordinary requests get answers.
    for (let i = 0; i < 10; i++) expect((await fetch(`${t.baseUrl}/api/v1/ping`)).status).toBe(200);
    const answers = await Promise.all(closed);
    expect(answers.every((a) => a === 'HTTP/1.1 408 Request Timeout')).toBe(true);
    expect((await fetch(`${t.baseUrl}/api/v1/ping`)).status).toBe(200);
  });

  it('a header block over HTTP_MAX_HEADER_SIZE: 431', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/ping`, { headers: { 'x-big': 'a'.repeat(5000) } });
    expect(res.status).toBe(431);
  });
});
