import { createHash } from 'node:crypto';

/** Hex SHA-256: how high-entropy secrets (codes, client secrets, refresh tokens) are kept at rest. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
