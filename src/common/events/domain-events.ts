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
