import { InitialSchema1763800000000 } from './1763800000000-InitialSchema.js';
import { CreateIdentity1795364867780 } from './1795364867780-CreateIdentity.js';
import { CreateOAuthClient1795366533993 } from './1795366533993-CreateOAuthClient.js';
import { CreateOidcModel1795366739741 } from './1795366739741-CreateOidcModel.js';
import { CreateRefreshToken1795367821726 } from './1795367821726-CreateRefreshToken.js';
import { OAuthFlows1795370493247 } from './1795370493247-OAuthFlows.js';
import { CreateWorkflow1795371706680 } from './1795371706680-CreateWorkflow.js';
import { SeedWorkflow1795371800000 } from './1795371800000-SeedWorkflow.js';
import { IndexClientLists1795372572839 } from './1795372572839-IndexClientLists.js';
import { OutboxDeliveryLeases1796163521469 } from './1796163521469-OutboxDeliveryLeases.js';
import { CreateAddressTree1796166668041 } from './1796166668041-CreateAddressTree.js';
import { ServiceAccounts1796167699619 } from './1796167699619-ServiceAccounts.js';
import { PortalPersons1796173971851 } from './1796173971851-PortalPersons.js';
import { PortalNotifications1796174539254 } from './1796174539254-PortalNotifications.js';
import { CreateAddress1796175178491 } from './1796175178491-CreateAddress.js';
import { CreateQrCodes1796175856262 } from './1796175856262-CreateQrCodes.js';
import { CreateOfficesAndShifts1796178097087 } from './1796178097087-CreateOfficesAndShifts.js';
import { ObjectAttachments1796178307961 } from './1796178307961-ObjectAttachments.js';
import { UsedLegacyToken1796178877404 } from './1796178877404-UsedLegacyToken.js';
import { ObjectAddressLinks1796180849168 } from './1796180849168-ObjectAddressLinks.js';

/**
 * The migrations, in order. Listed explicitly: a glob of `.ts` files breaks under Vitest. A landed
 * migration is never edited; add a new one (npm run migration:generate -- Name) and list it here.
 */
export const MIGRATIONS: Function[] = [
  InitialSchema1763800000000,
  CreateIdentity1795364867780,
  CreateOAuthClient1795366533993,
  CreateOidcModel1795366739741,
  CreateRefreshToken1795367821726,
  OAuthFlows1795370493247,
  CreateWorkflow1795371706680,
  SeedWorkflow1795371800000,
  IndexClientLists1795372572839,
  OutboxDeliveryLeases1796163521469,
  CreateAddressTree1796166668041,
  ServiceAccounts1796167699619,
  PortalPersons1796173971851,
  PortalNotifications1796174539254,
  CreateAddress1796175178491,
  CreateQrCodes1796175856262,
  CreateOfficesAndShifts1796178097087,
  ObjectAttachments1796178307961,
  UsedLegacyToken1796178877404,
  ObjectAddressLinks1796180849168,
];
