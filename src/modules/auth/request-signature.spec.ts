import { describe, expect, it } from 'vitest';
import { requestSignature, signatureMatches, signedPath } from './request-signature.js';

const SECRET = 'y2WYJRE9f13g6qwFOEOe0rGM/ISlGFEEesUpQadHNd/aJL+ExKRj5E6OSQ9TuJRC';

describe("seed 002's request signature", () => {
  it('test vector 1: /whoami without a body', () => {
    expect(requestSignature(SECRET, '/whoami', '1589998352818000', null)).toBe(
      '91609292e250fc30c48c2ad387d1121c703853fa88ce027e6ba0efe1fcb50ba1',
    );
  });

  it('test vector 2: /method/get with a JSON body', () => {
    const body = JSON.stringify({ classcode: 'client', statecode: 'enabled', actioncode: 'invite' });
    expect(requestSignature(SECRET, '/method/get', '1589998352902000', body)).toBe(
      '2b2bf5188ea40dfe8207efec56956b6170bdbc2f0ab0bffd8b50acd60979b09b',
    );
  });

  it('compares in constant time and refuses anything that is not 64 hex digits', () => {
    const sig = requestSignature(SECRET, '/whoami', '1', null);
    expect(signatureMatches(sig, sig.toUpperCase())).toBe(true);
    expect(
      signatureMatches(
        sig,
        sig.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      ),
    ).toBe(false);
    expect(signatureMatches(sig, 'zz')).toBe(false);
    expect(signatureMatches(sig, `${sig}00`)).toBe(false);
  });

  it('signs the path without /api/v1', () => {
    expect(signedPath('/api/v1/whoami')).toBe('/whoami');
    expect(signedPath('/api/v1/current/session')).toBe('/current/session');
    expect(signedPath('/api/v1/client/list?reclimit=5')).toBe('/client/list?reclimit=5');
    expect(signedPath('/api/v1/whoami?')).toBe('/whoami');
  });
});
