/**
 * Seed 002's sign-up creates a client document beside the user account, and whoami shows the account's client.
 * The identity module cannot depend on the objects module (that one depends on it), so the objects module
 * provides this registrar and identity resolves it at call time.
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

/** What whoami shows of the account's client document: its id and its e-mail and phone directories. */
export interface ClientCard {
  id: string;
  email: unknown;
  phone: unknown;
}

export interface ClientRegistrar {
  /** Creates the client document of a new account in the ambient unit of work (the sign-up's); returns its id. */
  registerClient(account: ClientAccount): Promise<string>;
  /** The client document bound to the user account, if any. */
  clientOfUser(userId: string): Promise<ClientCard | undefined>;
}
