import { SetMetadata } from '@nestjs/common';

/**
 * The catalogue of domain events delivered after commit (docs/events.md): the type name and its payload.
 * Payloads are plain JSON: ids are strings (bigint), dates ISO strings.
 */
export interface DomainEventCatalogue {
  /** An action ran on an object and committed (design/workflow.md section 3, step 6). */
  ObjectActionExecuted: {
    object: string;
    class: string;
    action: string;
    method: string | null;
    oldState: string | null;
    newState: string | null;
    /** True when the action removed the object (drop). */
    dropped: boolean;
    form: Record<string, unknown>;
    actor: string | null;
  };
  /** A file of an object was stored or replaced (`set`) or removed (`deleted`). */
  ObjectFileChanged: {
    object: string;
    name: string;
    change: 'set' | 'deleted';
    /** Null after a delete. */
    size: number | null;
    hash: string | null;
    actor: string;
  };
  /** Data of an object under (type, code) was stored or replaced (`set`) or removed (`deleted`). */
  ObjectDataChanged: {
    object: string;
    type: string;
    code: string;
    change: 'set' | 'deleted';
    actor: string;
  };
  /** A point was added to an object's geolocation history. */
  ObjectGeolocationAdded: {
    object: string;
    /** The point's id. */
    id: string;
    code: string;
    latitude: number;
    longitude: number;
    /** The point's date (the session's oper_date, or when it was added). */
    date: string;
    actor: string;
  };
  /** An address object was linked to an object from a date (the previous link of that address type closes). */
  ObjectAddressLinked: {
    object: string;
    address: string;
    /** The address's type code (post, actual, legal...). */
    addressType: string;
    validFrom: string;
    actor: string;
  };
  /**
   * The intranet portal pushed an event (seed 001) and it was stored for these users (those a retry had not
   * reached already): for a delivery subscriber (push to their devices).
   */
  PortalNotificationReceived: {
    notification: string;
    /** `data.id` of the push, and its type: push | kip_new | kip_comment | kip_update. */
    sourceId: string;
    type: string;
    title: string;
    message: string;
    data: Record<string, unknown>;
    /** User ids (newly addressed by this push). */
    users: string[];
  };
}

export type DomainEventType = keyof DomainEventCatalogue;

/** One delivered event: `eventId` is the idempotency key (the same on every redelivery). */
export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  eventId: string;
  type: T;
  payload: DomainEventCatalogue[T];
  created: string;
}

export const DOMAIN_EVENT_SUBSCRIBER = 'domain-events:subscriber';

export interface SubscriberMeta {
  type: DomainEventType;
  /** Stable name: what the delivery log records, so renaming a method does not redeliver. */
  name: string;
}

/**
 * Marks a provider method as a subscriber of a domain event, called after commit (at least once; use
 * `event.eventId` to make the effect happen once).
 */
export const OnDomainEvent = (type: DomainEventType, name: string) =>
  SetMetadata(DOMAIN_EVENT_SUBSCRIBER, { type, name } satisfies SubscriberMeta);
