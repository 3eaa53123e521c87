import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { DOMAIN_EVENT_SUBSCRIBER, type DomainEvent, type DomainEventType, type SubscriberMeta } from './domain-events.js';

interface Subscriber {
  name: string;
  handle: (event: DomainEvent) => unknown;
}

interface Claimed {
  id: string;
  eventId: string;
  type: DomainEventType;
  payload: DomainEvent['payload'];
  created: Date;
  attempts: number;
}

/** Retry delay after the n-th failure: 1 s, 2 s, 4 s ... capped at 5 minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(0, attempts - 1));
}

/**
 * Delivers outbox rows to the @OnDomainEvent subscribers, in every instance: a round claims due rows with
 * FOR UPDATE SKIP LOCKED (instances never share a row), delivers each to the subscribers that have not had
 * it yet (outbox_delivery, committed per subscriber at once, so a crash mid-batch redelivers only what was
 * not done), then marks it processed. A failing subscriber leaves the row for a retry with backoff; after
 * OUTBOX_MAX_ATTEMPTS failures the row is dead-lettered (dead_at) and left for an operator.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Outbox');
  private readonly subscribers = new Map<DomainEventType, Subscriber[]>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      for (const key of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const method = instance[key];
        if (typeof method !== 'function') continue;
        const meta = this.reflector.get<SubscriberMeta | undefined>(DOMAIN_EVENT_SUBSCRIBER, method);
        if (!meta) continue;
        const list = this.subscribers.get(meta.type) ?? [];
        if (list.some((s) => s.name === meta.name)) throw new Error(`two domain event subscribers are named ${meta.name}`);
        list.push({ name: meta.name, handle: (event) => (method as (e: DomainEvent) => unknown).call(instance, event) });
        this.subscribers.set(meta.type, list);
      }
    }
    if (this.config.outbox.pollMs > 0) this.schedule();
  }

  onModuleDestroy(): Promise<unknown> | undefined {
    this.stopped = true;
    clearTimeout(this.timer);
    return this.running;
  }

  /** Delivers everything that is due now; resolves with the number of rows processed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.round();
      total += done;
      if (done === 0) return total;
    }
  }

  /** One round, never two at once in this process. */
  round(): Promise<number> {
    if (!this.running) {
      this.running = this.deliverBatch().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.drain()
        .catch((err: unknown) => this.logger.error({ err }, 'outbox round failed'))
        .finally(() => this.schedule());
    }, this.config.outbox.pollMs);
    this.timer.unref();
  }

  private async deliverBatch(): Promise<number> {
    const { batchSize, maxAttempts } = this.config.outbox;
    return this.ds.transaction(async (m) => {
      const rows = await m.query<Claimed[]>(
        `SELECT id, event_id AS "eventId", type, payload, created, attempts FROM outbox
          WHERE processed_at IS NULL AND dead_at IS NULL AND available_at <= now()
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      for (const row of rows) {
        const event: DomainEvent = {
          eventId: row.eventId,
          type: row.type,
          payload: row.payload,
          created: new Date(row.created).toISOString(),
        };
        const error = await this.deliver(event);
        if (!error) {
          await m.query(`UPDATE outbox SET processed_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`, [row.id]);
          continue;
        }
        const attempts = row.attempts + 1;
        const dead = attempts >= maxAttempts;
        if (dead) this.logger.error({ eventId: row.eventId, type: row.type, attempts }, 'domain event dead-lettered');
        await m.query(
          `UPDATE outbox SET attempts = $2, last_error = $3, available_at = now() + make_interval(secs => $4), dead_at = CASE WHEN $5 THEN now() END WHERE id = $1`,
          [row.id, attempts, error.slice(0, 2000), backoffSeconds(attempts), dead],
        );
      }
      return rows.length;
    });
  }

  /** Calls each subscriber that has not had the event; undefined when all have, else the first error. */
  private async deliver(event: DomainEvent): Promise<string | undefined> {
    const subscribers = this.subscribers.get(event.type) ?? [];
    if (subscribers.length === 0) return undefined;
    const done = new Set(
      (await this.ds.query<{ subscriber: string }[]>(`SELECT subscriber FROM outbox_delivery WHERE event_id = $1`, [event.eventId])).map(
        (r) => r.subscriber,
      ),
    );
    for (const s of subscribers) {
      if (done.has(s.name)) continue;
      try {
        await s.handle(event);
      } catch (err) {
        return `${s.name}: ${err instanceof Error ? err.message : String(err)}`;
      }
      // Committed at once (outside the claiming transaction): a crash after this never redelivers to s.
      await this.ds.query(`INSERT INTO outbox_delivery (event_id, subscriber) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        event.eventId,
        s.name,
      ]);
    }
    return undefined;
  }
}
