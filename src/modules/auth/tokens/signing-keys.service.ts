import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import type { AppConfig } from '../../../config/app-config.js';
import { APP_CONFIG } from '../../../config/config.tokens.js';
import { SigningKey, type SigningKeyUse } from '../entities/signing-key.entity.js';

type Key = Awaited<ReturnType<typeof importJWK>>;

interface NewKey {
  kid: string;
  use: SigningKeyUse;
  alg: string;
  privateJwk: JWK;
  publicJwk: JWK | null;
}

export interface LoadedKey {
  kid: string;
  use: SigningKeyUse;
  alg: string;
  key: Key;
  /** Verification key (the public key, or the same secret for HS256). */
  verifyKey: Key;
  publicJwk: JWK | null;
  retired: Date | null;
}

const ALG: Record<SigningKeyUse, string> = { access: 'ES256', legacy: 'HS256' };
/** Reload keys from the database at most this often when an unknown kid shows up. */
const RELOAD_MIN_INTERVAL_MS = 5_000;

/**
 * Token signing keys kept in PostgreSQL so every instance signs and verifies alike: created on first start,
 * rotatable; a retired key keeps verifying until the tokens it signed have expired.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private keys = new Map<string, LoadedKey>();
  private loadedAt = 0;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): Promise<void> {
    return this.ensureKeys();
  }

  /** Creates the missing active keys (one instance at a time) and loads them all. */
  async ensureKeys(): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query("SELECT pg_advisory_xact_lock(hashtext('signing_key'))");
      for (const use of ['access', 'legacy'] as const) {
        if (!(await m.findOne(SigningKey, { where: { use, retired: IsNull() } }))) await insertKey(m, await newKey(use));
      }
    });
    await this.reload();
  }

  /** A new active key for `use`; the old one retires but still verifies. */
  async rotate(use: SigningKeyUse): Promise<string> {
    const key = await newKey(use);
    await this.ds.transaction(async (m) => {
      await m.update(SigningKey, { use, retired: IsNull() }, { retired: new Date() });
      await insertKey(m, key);
    });
    await this.reload();
    return key.kid;
  }

  active(use: SigningKeyUse): LoadedKey {
    for (const k of this.keys.values()) if (k.use === use && !k.retired) return k;
    throw new Error(`no active ${use} signing key`);
  }

  /** The key for a token's kid, reloading once if another instance rotated since we loaded. */
  async find(kid: string, use: SigningKeyUse): Promise<LoadedKey | undefined> {
    let key = this.keys.get(kid);
    if (!key && Date.now() - this.loadedAt > RELOAD_MIN_INTERVAL_MS) {
      await this.reload();
      key = this.keys.get(kid);
    }
    return key?.use === use ? key : undefined;
  }

  /** Private JWKs of the access keys, the active one first (the OAuth provider signs with them). */
  async privateAccessJwks(): Promise<JWK[]> {
    const rows = await this.ds.query<{ kid: string; alg: string; privateJwk: JWK }[]>(
      `SELECT kid, alg, private_jwk AS "privateJwk" FROM signing_key WHERE use = 'access' AND retired IS NULL`,
    );
    return rows.map((r) => ({ ...r.privateJwk, kid: r.kid, alg: r.alg, use: 'sig' }));
  }

  /** A secret derived from the active legacy key for `label` (cookie signing keys, say). */
  derivedSecret(label: string): string {
    const key = this.active('legacy').key;
    return createHmac('sha256', key as Uint8Array)
      .update(label)
      .digest('base64url');
  }

  /** Public keys of access tokens that may still be in circulation. */
  publicJwks(): JWK[] {
    return [...this.keys.values()]
      .filter((k) => k.use === 'access' && k.publicJwk)
      .map((k) => ({ ...k.publicJwk!, kid: k.kid, alg: k.alg, use: 'sig' }));
  }

  private async reload(): Promise<void> {
    const longest = Math.max(this.config.auth.accessTokenTtl, this.config.auth.legacyTokenTtl + this.config.auth.legacyRefreshGrace);
    const rows = await this.ds.query<SigningKey[]>(
      `SELECT kid, use, alg, private_jwk AS "privateJwk", public_jwk AS "publicJwk", retired FROM signing_key
        WHERE retired IS NULL OR retired > now() - make_interval(secs => $1)`,
      [longest],
    );
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) {
      const key = await importJWK(row.privateJwk as JWK, row.alg);
      const verifyKey = row.publicJwk ? await importJWK(row.publicJwk as JWK, row.alg) : key;
      keys.set(row.kid, { kid: row.kid, use: row.use, alg: row.alg, key, verifyKey, publicJwk: row.publicJwk, retired: row.retired });
    }
    this.keys = keys;
    this.loadedAt = Date.now();
  }
}

async function insertKey(m: EntityManager, key: NewKey): Promise<void> {
  await m.query('INSERT INTO signing_key (kid, use, alg, private_jwk, public_jwk) VALUES ($1, $2, $3, $4, $5)', [
    key.kid,
    key.use,
    key.alg,
    key.privateJwk,
    key.publicJwk,
  ]);
}

async function newKey(use: SigningKeyUse): Promise<NewKey> {
  const kid = randomUUID();
  if (use === 'legacy') {
    const k = randomBytes(32).toString('base64url');
    return { kid, use, alg: ALG.legacy, privateJwk: { kty: 'oct', k }, publicJwk: null };
  }
  const { privateKey, publicKey } = await generateKeyPair(ALG.access, { extractable: true });
  return { kid, use, alg: ALG.access, privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}
