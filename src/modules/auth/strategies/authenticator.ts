import passport, { type Strategy } from 'passport';

type Authenticator = InstanceType<typeof passport.Authenticator>;

/**
 * Where the strategies' own constructors register them (@nestjs/passport's PassportStrategy registers every
 * strategy with an Authenticator): a detached one, never used to authenticate. The global `passport` instance
 * is shared by every Nest application in a process (the tests run several), so a second application's
 * strategies would replace the first's there, with its services and its database.
 */
export const DETACHED = new passport.Authenticator();

/** A Passport Authenticator of one application's strategy instances, by name. */
export type { Authenticator };

export function authenticatorOf(strategies: Record<string, Strategy>): Authenticator {
  const authenticator = new passport.Authenticator();
  for (const [name, strategy] of Object.entries(strategies)) authenticator.use(name, strategy);
  return authenticator;
}
