import { createHash } from 'node:crypto';
import { sha256Hex } from '../../common/security/hash.js';

/**
 * How a user's secret code is kept and looked up: SHA-256 of its hex SHA-1. Seed 002 signs in with the user name
 * and SHA1(secret) as the password, so the SHA-1 is what both ways in can compute; the code is a random 192-bit
 * value the server issues, so a fast hash suffices and the code can be found by itself (the password grant).
 */
export function secretCodeDigest(secret: string): string {
  return sha256Hex(createHash('sha1').update(secret).digest('hex'));
}
