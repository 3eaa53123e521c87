import type { EntityManager } from 'typeorm';

/**
 * Seed 002's sign-up creates a client document beside the user account. The identity module cannot depend on
 * the objects module (that one depends on it), so the objects module provides this registrar and sign-up
 * resolves it at call time.
 */
export const CLIENT_REGISTRAR = Symbol('CLIENT_REGISTRAR');

export interface ClientAccount {
  userId: string;
  username: string;
  type: string;
  name?: { name?: string; short?: string; first?: string; last?: string; middle?: string };
  phone?: string;
  email?: string;
  info?: Record<string, unknown>;
  description?: string;
}

export interface ClientRegistrar {
  /** Creates the client document of a new account in the caller's transaction; returns its id. */
  registerClient(manager: EntityManager, account: ClientAccount): Promise<string>;
}
