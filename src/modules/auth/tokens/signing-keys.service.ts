import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { UnitOfWork } from '../../../common/database/unit-of-work.js';
import type { AppConfig } from '../../../config/app-config.js';
import { APP_CONFIG } from '../../../config/config.tokens.js';
import type { SigningKeyUse } from '../entities/signing-key.entity.js';
import { type NewSigningKey, SigningKeysRepository } from './signing-keys.repository.js';

type Key = Awaited<ReturnType<typeof importJWK>>;

/** The algorithms of the service's keys: access tokens are ES256; id tokens RS256 (the default) or ES256. */
/** A key as jose takes it (a CryptoKey; the HS256 secret's bytes). */
export type VerifyKey = Key;

export type AsymmetricAlg = 'ES256' | 'RS256';

export interface LoadedKey {
  kid: string;
  use: SigningKeyUse;
  alg: string;
  /** For jose (signing). */
  key: Key;
  /** For verification (jose, also behind passport-jwt): the public key, or the secret for HS256. */
  verifyKey: Key;
  privateJwk: JWK;
  publicJwk: JWK | null;
  retired: Date | null;
}

/** The keys each instance makes sure exist: one active key per (use, alg). */
const KEYS: { use: SigningKeyUse; alg: string }[] = [
  { use: 'access', alg: 'ES256' },
  { use: 'access', alg: 'RS256' },
  { use: 'legacy', alg: 'HS256' },
];
/** Reload keys from the database at most this often when an unknown kid shows up. */
const RELOAD_MIN_INTERVAL_MS = 5_000;

/**
 * Token signing keys kept in PostgreSQL so every instance signs and verifies alike: created on first start,
 * rotatable; a retired key keeps verifying until the tokens it signed have expired. Each instance reloads them
 * every SIGNING_KEYS_RELOAD_SECONDS (and at once on an unknown kid), so a rotation made anywhere reaches its
 * signatures without a restart; listeners (the OAuth provider's key set) hear of every change.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SigningKeys');
  private keys = new Map<string, LoadedKey>();
  private loadedAt = 0;
  private fingerprint = '';
  private readonly listeners: (() => void)[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: SigningKeysRepository,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureKeys();
    const every = this.config.auth.signingKeysReloadSeconds * 1000;
    if (every > 0) {
      this.timer = setInterval(() => void this.reload().catch((err: Error) => this.logger.warn({ err }, 'key reload failed')), every);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Called after each reload that changed the set of keys. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Creates the missing active keys (one instance at a time) and loads them all. */
  async ensureKeys(): Promise<void> {
    await this.uow.run(async () => {
      await this.repo.lockForCreation();
      for (const { use, alg } of KEYS) if (!(await this.repo.activeExists(use, alg))) await this.repo.insert(await newKey(use, alg));
    });
    await this.reload();
  }

  /** A new active key for (`use`, `alg`); the old one retires but still verifies. */
  async rotate(use: SigningKeyUse, alg: string = use === 'legacy' ? 'HS256' : 'ES256'): Promise<string> {
    const key = await newKey(use, alg);
    await this.uow.run(async () => {
      await this.repo.retireActive(use, alg);
      await this.repo.insert(key);
    });
    await this.reload();
    return key.kid;
  }

  active(use: SigningKeyUse, alg: string = use === 'legacy' ? 'HS256' : 'ES256'): LoadedKey {
    for (const k of this.keys.values()) if (k.use === use && k.alg === alg && !k.retired) return k;
    throw new Error(`no active ${use} ${alg} signing key`);
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

  /** Private JWKs of the asymmetric keys still in use, active ones first (the OAuth provider signs with them). */
  privateAccessJwks(): JWK[] {
    return [...this.keys.values()]
      .filter((k) => k.use === 'access')
      .sort((a, b) => Number(a.retired !== null) - Number(b.retired !== null))
      .map((k) => ({ ...k.privateJwk, kid: k.kid, alg: k.alg, use: 'sig' }));
  }

  /** Secrets derived from the legacy keys still in use for `label` (cookie signing keys, say), the active one first. */
  derivedSecrets(label: string): string[] {
    return [...this.keys.values()]
      .filter((k) => k.use === 'legacy')
      .sort((a, b) => Number(a.retired !== null) - Number(b.retired !== null))
      .map((k) =>
        createHmac('sha256', k.verifyKey as Uint8Array)
          .update(label)
          .digest('base64url'),
      );
  }

  /** A secret derived from the active legacy key for `label`. */
  derivedSecret(label: string): string {
    return this.derivedSecrets(label)[0];
  }

  /** Public keys of tokens that may still be in circulation. */
  publicJwks(): JWK[] {
    return [...this.keys.values()]
      .filter((k) => k.use === 'access' && k.publicJwk)
      .map((k) => ({ ...k.publicJwk!, kid: k.kid, alg: k.alg, use: 'sig' }));
  }

  async reload(): Promise<void> {
    const { accessTokenTtl, legacyTokenTtl, legacyRefreshGrace } = this.config.auth;
    // Client-credentials tokens live a day; id tokens as long as access tokens.
    const longest = Math.max(accessTokenTtl, 86_400, legacyTokenTtl + legacyRefreshGrace);
    const rows = await this.repo.usable(longest);
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) {
      const privateJwk = row.privateJwk as JWK;
      const publicJwk = row.publicJwk as JWK | null;
      const key = await importJWK(privateJwk, row.alg);
      const verifyKey = publicJwk ? await importJWK(publicJwk, row.alg) : key;
      keys.set(row.kid, { kid: row.kid, use: row.use, alg: row.alg, key, verifyKey, privateJwk, publicJwk, retired: row.retired });
    }
    this.keys = keys;
    this.loadedAt = Date.now();
    const fingerprint = rows.map((r) => `${r.kid}:${r.retired?.getTime() ?? ''}`).join(',');
    if (fingerprint !== this.fingerprint) {
      const first = this.fingerprint === '';
      this.fingerprint = fingerprint;
      if (!first) for (const listener of this.listeners) listener();
    }
  }
}

async function newKey(use: SigningKeyUse, alg: string): Promise<NewSigningKey> {
  const kid = randomUUID();
  if (use === 'legacy') return { kid, use, alg, privateJwk: { kty: 'oct', k: randomBytes(32).toString('base64url') }, publicJwk: null };
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  return {
    kid,
    use,
    alg,
    privateJwk: await exportJWK(privateKey),
    publicJwk: await exportJWK(publicKey),
  };
}
