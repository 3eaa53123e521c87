import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { describe, expect, it } from 'vitest';
import { loggerParams, pathOf } from './logging.js';

describe('request logging', () => {
  it('logs the path of a URL, never its query string', () => {
    expect(pathOf('/oauth2/cb?code=abc123&state=xyz')).toBe('/oauth2/cb');
    expect(pathOf('/api/getUser?CODE=1&x=2')).toBe('/api/getUser');
    expect(pathOf('/api/v1/ping')).toBe('/api/v1/ping');
  });

  it('never writes credentials, tokens or query parameters, and tags each line with the request id', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const [params] = loggerParams('info', sink).pinoHttp as [object, Writable];
    const middleware = pinoHttp(params, sink);
    const server = http.createServer((req, res) => {
      middleware(req, res);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/x?access_token=tok-SECRET-1&page=2`, {
      headers: {
        Authorization: 'Bearer jwt-SECRET-2',
        Cookie: 'sid=SECRET-3',
        Signature: 'SECRET-4',
        'X-Callback-Key': 'SECRET-5',
        'X-Request-Id': 'req-42',
        'X-Portal-Token': 'SECRET-6',
        'User-Agent': 'spec-agent',
      },
    });
    await res.text();
    server.close();
    const log = lines.join('');
    expect(log).not.toMatch(/SECRET/);
    expect(log).not.toContain('page=2');
    expect(JSON.parse(lines[0])).toMatchObject({
      requestId: 'req-42',
      req: { id: 'req-42', method: 'GET', url: '/x', userAgent: 'spec-agent' },
      res: { statusCode: 200 },
    });
    expect(res.headers.get('x-request-id')).toBe('req-42');
  });
});
