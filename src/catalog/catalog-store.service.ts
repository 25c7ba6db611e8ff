import { Inject, Injectable, Logger, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { DATABASE_URL } from '../database/database.module.js';
import { LoopAwareClient } from '../database/loop-aware-timeout.js';
import { CatalogSnapshot } from './catalog-snapshot.js';
import { CATALOG_CHANNEL } from './catalog-generation.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import { every } from '../common/every.js';

const BACKOFF_MS = [250, 500, 1000, 2000, 5000, 10_000, 30_000];

/**
 * Holds the published catalog in memory ({@link CatalogSnapshot}) and keeps it current across instances:
 * - a writer in this process calls {@link refresh} after its commit, so its own response already sees the change;
 * - every instance LISTENs on `lotse_catalog` on one dedicated connection (not from the ORM's pool), which is
 *   re-opened with back-off after a drop and then triggers a refresh (a notification may have been missed);
 * - every CATALOG_POLL_SECONDS the generation in `catalog_generation` is compared, the fallback for a notification
 *   lost in any other way.
 * A refresh reads the generation; only a higher one rebuilds the snapshot, which then replaces the old one in one
 * assignment: a request holds the snapshot it started with.
 */
@Injectable()
export class CatalogStoreService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CatalogStoreService.name);
  private current?: CatalogSnapshot;
  private refreshing?: Promise<CatalogSnapshot>;
  private listener?: pg.Client;
  private reconnectTimer?: NodeJS.Timeout;
  private stopPolling?: () => void;
  private failures = 0;
  private closed = false;
  /** How many notifications this instance received (tests and logs). */
  notificationsReceived = 0;

  /** Outside the application (command-line tools) without `databaseUrl`: loads once on first use, never listens. */
  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
  ) {}

  async onModuleInit(): Promise<void> {
    // a database that is not there at start (the schema generator, an outage) is no reason to fail here: the listener's
    // reconnect and the periodic check load the catalog once it is back; until then catalog reads are unavailable
    await this.refresh().catch((error: unknown) => this.logger.warn({ msg: 'catalog snapshot not loaded at start', err: (error as Error).message }));
    await this.listen();
    this.stopPolling = every(this.config.catalogPollSeconds * 1000, () => this.refresh(), (error) => this.logger.warn({ msg: 'catalog generation check failed', err: error.message }));
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.stopPolling?.();
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.refreshing?.catch(() => undefined);
  }

  /** The snapshot in service. */
  snapshot(): CatalogSnapshot {
    if (!this.current) throw new LotseError(ErrorCode.SERVICE_UNAVAILABLE);
    return this.current;
  }

  /** The snapshot, loaded first where nothing loaded it yet (command-line tools, which do not start the module). */
  async ready(): Promise<CatalogSnapshot> {
    return this.current ?? this.refresh();
  }

  /** The snapshot if one is loaded. */
  loaded(): CatalogSnapshot | undefined {
    return this.current;
  }

  get generation(): number {
    return this.current?.generation ?? 0;
  }

  get listening(): boolean {
    return this.listener !== undefined;
  }

  /** Rebuilds the snapshot when PostgreSQL has a newer generation; concurrent calls share one rebuild (and one more after it). */
  refresh(): Promise<CatalogSnapshot> {
    if (this.refreshing) return this.refreshing.then(() => this.refresh());
    this.refreshing = this.rebuildIfNewer().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async rebuildIfNewer(): Promise<CatalogSnapshot> {
    if (this.current) {
      const [{ generation }] = await this.em.fork().execute<Array<{ generation: string }>>(`select "generation"::text as generation from "catalog_generation" where "id" = 1`);
      if (Number(generation) <= this.current.generation) return this.current;
    }
    const next = await CatalogSnapshot.load(this.em);
    if (!this.current || next.generation > this.current.generation) {
      this.current = next;
      this.logger.log({ generation: next.generation, msg: 'catalog snapshot loaded' });
    }
    return this.current;
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new LoopAwareClient({
      connectionString: this.databaseUrl,
      loopAwareConnectTimeoutMillis: this.config.dbConnectTimeoutMs,
      keepAlive: true,
      application_name: 'lotse-catalog-listener',
    });
    client.on('notification', (message) => {
      this.notificationsReceived += 1;
      // this instance's own changes are loaded by the writer after its commit: wait for a rebuild in flight, and
      // only a generation still unseen then costs a read
      const announced = Number(message.payload);
      void (this.refreshing ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => (Number.isFinite(announced) && announced <= this.generation ? undefined : this.refresh()))
        .catch((error: unknown) => this.logger.warn({ msg: 'catalog refresh failed', err: (error as Error).message }));
    });
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      await client.query(`listen ${CATALOG_CHANNEL}`);
    } catch (error) {
      this.dropped(client, error as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    if (this.failures > 0 || !this.current) {
      this.failures = 0;
      // changes while the connection was down sent their notification to nobody
      await this.refresh().catch(() => undefined);
    }
  }

  private dropped(client: pg.Client, error?: Error): void {
    if (this.closed) return;
    if (this.listener === client) this.listener = undefined;
    else if (this.listener) return; // an older client's late event
    if (this.reconnectTimer) return;
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)];
    this.failures += 1;
    this.logger.warn({ msg: 'catalog listener connection lost; reconnecting', err: error?.message, delayMs: delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.listen();
    }, delay);
    this.reconnectTimer.unref();
  }
}

/** The in-memory catalog, shared by the catalog, the forms and the writers (imports, publishForm). */
@Module({ providers: [CatalogStoreService], exports: [CatalogStoreService] })
export class CatalogStoreModule {}
