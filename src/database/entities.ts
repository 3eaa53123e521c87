import { AddressTreeImport } from '../modules/address/entities/address-tree-import.entity.js';
import { AddressTreeNode } from '../modules/address/entities/address-tree-node.entity.js';
import { PortalNotification, PortalNotificationRecipient } from '../modules/callbacks/entities/portal-notification.entity.js';
import { PortalPerson } from '../modules/callbacks/entities/portal-person.entity.js';
import { AuthCode } from '../modules/auth/entities/auth-code.entity.js';
import { Area } from '../modules/auth/entities/area.entity.js';
import { Interface } from '../modules/auth/entities/interface.entity.js';
import { Locale } from '../modules/auth/entities/locale.entity.js';
import { AreaMember, InterfaceMember, UserGroupMember } from '../modules/auth/entities/memberships.entity.js';
import { Session } from '../modules/auth/entities/session.entity.js';
import { SigningKey } from '../modules/auth/entities/signing-key.entity.js';
import { UsedLegacyToken } from '../modules/auth/entities/used-legacy-token.entity.js';
import { UsedNonce } from '../modules/auth/entities/used-nonce.entity.js';
import { User } from '../modules/auth/entities/user.entity.js';
import { UserGroup } from '../modules/auth/entities/user-group.entity.js';
import { EventLogEntry } from '../modules/event-log/event-log.entity.js';
import {
  ObjectAddress,
  ObjectData,
  ObjectDataType,
  ObjectFile,
  ObjectGeolocation,
} from '../modules/object-attachments/entities/attachment.entities.js';
import { OAuthClient } from '../modules/oidc/oauth-client.entity.js';
import { OutboxDelivery, OutboxMessage } from '../common/events/outbox.entity.js';
import { AclClass, AclMethod, AclObject } from '../modules/objects-workflow/entities/access.entity.js';
import { Address } from '../modules/objects-workflow/entities/address.entity.js';
import { Office } from '../modules/objects-workflow/entities/office.entity.js';
import { ShiftSession } from '../modules/sessions-export/shift-session.entity.js';
import { Calendar } from '../modules/objects-workflow/entities/calendar.entity.js';
import { Essence, ObjectClass, ObjectType } from '../modules/objects-workflow/entities/class.entity.js';
import { Client } from '../modules/objects-workflow/entities/client.entity.js';
import { Action, Method, Transition, WorkflowEvent } from '../modules/objects-workflow/entities/method.entity.js';
import { ObjectState, PlatformDocument, PlatformObject, PlatformReference } from '../modules/objects-workflow/entities/object.entity.js';
import { State, StateType } from '../modules/objects-workflow/entities/state.entity.js';
import { OAuthLogin } from '../modules/oidc/oauth-login.entity.js';
import { OidcModel } from '../modules/oidc/oidc-model.entity.js';
import { QrCode, QrRateWindow } from '../modules/qr-codes/qr-code.entity.js';
import { RefreshToken } from '../modules/oidc/refresh-token.entity.js';

/**
 * Every TypeORM entity of the service, listed explicitly (globs break under Vitest and hide what exists).
 * A module adds its entities here; migrations/index.ts lists the migrations that create their tables.
 */
export const ENTITIES: Function[] = [
  EventLogEntry,
  Locale,
  Area,
  Interface,
  UserGroup,
  User,
  UserGroupMember,
  AreaMember,
  InterfaceMember,
  Session,
  AuthCode,
  UsedNonce,
  UsedLegacyToken,
  SigningKey,
  OAuthClient,
  OidcModel,
  RefreshToken,
  OAuthLogin,
  Essence,
  ObjectClass,
  ObjectType,
  StateType,
  State,
  Action,
  Method,
  Transition,
  WorkflowEvent,
  PlatformObject,
  ObjectState,
  PlatformDocument,
  PlatformReference,
  Client,
  Calendar,
  Office,
  ShiftSession,
  Address,
  AclClass,
  AclMethod,
  AclObject,
  OutboxMessage,
  OutboxDelivery,
  AddressTreeNode,
  AddressTreeImport,
  ObjectFile,
  ObjectDataType,
  ObjectData,
  ObjectGeolocation,
  ObjectAddress,
  QrCode,
  QrRateWindow,
  PortalPerson,
  PortalNotification,
  PortalNotificationRecipient,
];
