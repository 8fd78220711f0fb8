import { existsSync, mkdirSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { type AuditEvent, isMosaicError, type NodeConfig, sha256Digest } from '../../contracts/index.js';
import { type Connector, openSqliteConnector } from '../../connectors/index.js';
import {
  contextFromTrustList,
  PolicyHolder,
  type PolicyOfficerJwk,
  policyWarnings,
} from '../../policies/index.js';
import { createApiApp } from '../api/app.js';
import { type AuditLedger, openLedger } from '../../audit/index.js';
import { formatIssues, loadNodeConfig } from '../config/load.js';
import { logOrigin, logSigner, witnessSigner } from '../ledger/keys.js';
import { LedgerAudit } from '../ledger/ledger-audit.js';
import { LedgerService } from '../ledger/service.js';
import type { DisclosureAuditPort } from '../disclosure/audit-port.js';
import { DisclosureDesk } from '../disclosure/owner.js';
import { DisclosureRequests } from '../disclosure/requester.js';
import { dataMatcher } from '../responder/data-matcher.js';
import { EnumerationWatch } from '../responder/enumeration-watch.js';
import { HitRefStore } from '../responder/hit-refs.js';
import { MatchPool } from '../responder/match-pool.js';
import { policyDecisions } from '../responder/policy-decisions.js';
import { QuotaStore } from '../responder/quota-store.js';
import { readAnchors } from '../federation/authority.js';
import { loadPrivateKey, readRequiredFile } from '../keys/files.js';
import type { SigningKey } from '../keys/jwk.js';
import { loadIdentity, type NodeIdentity } from './identity.js';
import { createLogger, type Logger } from '../log.js';
import { PeerClient } from '../peer/client.js';
import {
  type AuditPort,
  type DecisionPort,
  denyAllDecisions,
  type MatchPort,
  noData,
} from '../peer/ports.js';
import { createQueryPipeline } from '../peer/query-pipeline.js';
import { RateLimiter } from '../peer/rate-limit.js';
import { ReplayStore } from '../peer/replay-store.js';
import { closeRevokedConnections, createPeerServer, type PeerRoute } from '../peer/server.js';
import { crlRevokedSerials } from '../pki/x509.js';
import { fetchTrustList } from '../trust/source.js';
import { CaseStore } from '../search/cases.js';
import type { OutboundAuditPort } from '../search/outbound-audit.js';
import { searchRoutes } from '../search/routes.js';
import { SearchLimiter } from '../search/limits.js';
import { SearchService } from '../search/service.js';
import { GraphService, graphRoutes } from '../graph/index.js';
import { MOSAIC_VERSION } from '../version.js';
import { createNodeMetrics, Gauge, type NodeMetrics } from '../metrics/registry.js';
import { type LoadResult, TrustStore } from '../trust/trust-list.js';
import { OidcVerifier } from '../users/oidc.js';
import { UserStore } from '../users/store.js';

/** Omit over each member of a union (TypeScript's Omit collapses the union). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface NodeDeps {
  /** Epoch milliseconds. Injected so tests control time without sleeping. */
  readonly clock?: () => number;
  readonly logger?: Logger;
  readonly decisions?: DecisionPort;
  readonly matcher?: MatchPort;
  readonly audit?: AuditPort;
  readonly outboundAudit?: OutboundAuditPort;
  /** The configuration file the node was started from; SIGHUP re-reads and re-validates it. */
  readonly configPath?: string;
  readonly disclosureAudit?: DisclosureAuditPort;
  /** Extra member-only endpoints on the peer listener. */
  readonly peerRoutes?: readonly PeerRoute[];
}

/** How often released records past their retention are looked for. */
const RETENTION_SWEEP_MS = 3_600_000;

/**
 * One running Mosaic node: the mTLS peer listener, the API listener, the trust list in force and the peer
 * client. Construction validates everything it loads; `start` binds the listeners.
 */
export class MosaicNode {
  #config: NodeConfig;
  /** The configuration file, when the node was started from one: SIGHUP re-reads it. */
  readonly #configPath: string | undefined;
  readonly trust: TrustStore;
  readonly client: PeerClient;
  #identity: NodeIdentity;
  readonly db: Database.Database;
  readonly logger: Logger;
  readonly users: UserStore;
  readonly cases: CaseStore;
  readonly searches: SearchService;
  readonly graphs: GraphService;
  readonly metrics: NodeMetrics;
  readonly connector: Connector | undefined;
  readonly policies: PolicyHolder | undefined;
  readonly quotas: QuotaStore;
  /** Per peer: distinct subjects and hit ratio, and the enumeration alarm (docs/operations.md). */
  readonly enumerationWatch: EnumerationWatch;
  readonly hitRefs: HitRefStore;
  /** The match threads (undefined: matching runs on the event loop). */
  readonly #matchPool: MatchPool | undefined;
  readonly disclosureDesk: DisclosureDesk;
  readonly ledger: AuditLedger;
  readonly ledgerAudit: LedgerAudit;
  readonly ledgerService: LedgerService;
  readonly disclosureRequests: DisclosureRequests;
  readonly #replay: ReplayStore;
  readonly #rateLimiter: RateLimiter;
  readonly #clock: () => number;
  readonly #peerServer: HttpsServer;
  #api: HttpServer | undefined;
  #refreshTimer: NodeJS.Timeout | undefined;
  #checkpointTimer: NodeJS.Timeout | undefined;
  #cosignTimer: NodeJS.Timeout | undefined;
  #retentionTimer: NodeJS.Timeout | undefined;
  #trustError: string | undefined;
  #stopping = false;

  private constructor(config: NodeConfig, deps: NodeDeps) {
    this.#config = config;
    this.#configPath = deps.configPath;
    this.#clock = deps.clock ?? Date.now;
    this.logger = deps.logger ?? createLogger({ base: { agency: config.agency.id } });
    this.#identity = loadIdentity(config);
    this.trust = new TrustStore(readAnchors(config.trustList.anchors), config.trustList.maxAgeSeconds);

    if (!existsSync(config.dataDir)) mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    this.db = new Database(join(config.dataDir, 'node.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // Deleted rows (released records past their retention, expired hit references) are overwritten, not
    // left readable in free pages.
    this.db.pragma('secure_delete = ON');

    // The audit ledger: its own SQLite file, synchronous=FULL with group commit (audit/store).
    this.ledger = openLedger({
      path: join(config.dataDir, 'audit.db'),
      origin: logOrigin(config.agency.id),
      logSigner: logSigner(config.agency.id, loadPrivateKey(config.audit.logKey)),
      agency: config.agency.id,
      clock: this.#clock,
      checkpointEvery: config.audit.checkpointEvery,
      checkpointIntervalMs: config.audit.checkpointIntervalMs,
      ...(config.audit.maxDatabaseBytes === undefined
        ? {}
        : { maxDatabaseBytes: config.audit.maxDatabaseBytes }),
    });
    this.ledgerAudit = new LedgerAudit(this.ledger, {
      self: config.agency.id,
      trust: this.trust,
      clock: this.#clock,
    });
    this.ledgerService = new LedgerService({
      self: config.agency.id,
      ledger: this.ledger,
      audit: this.ledgerAudit,
      witness: witnessSigner(config.agency.id, loadPrivateKey(config.audit.witnessKey)),
      trust: this.trust,
      client: () => this.client,
      clock: this.#clock,
      logger: this.logger,
    });

    this.metrics = createNodeMetrics();
    this.quotas = new QuotaStore(this.db);
    this.#replay = new ReplayStore(this.db, Math.floor(this.#clock() / 1000));
    this.#rateLimiter = new RateLimiter(
      config.protocol.rateLimit.perSecond,
      config.protocol.rateLimit.burst,
      this.#clock,
    );
    this.hitRefs = new HitRefStore(this.db, config.protocol.hitRefDays);
    if (config.data) mkdirSync(dirname(config.data.path), { recursive: true, mode: 0o700 });
    this.connector = config.data
      ? openSqliteConnector(config.data.path, {
          ...(config.data.cacheRecords === undefined ? {} : { cacheRecords: config.data.cacheRecords }),
        })
      : undefined;
    this.policies = config.policies
      ? new PolicyHolder(contextFromTrustList({ members: [], purposes: [] }, []), {
          ...(config.policies.requireSignedBy === undefined
            ? {}
            : {
                requireSignatureBy: JSON.parse(
                  readRequiredFile(config.policies.requireSignedBy),
                ) as PolicyOfficerJwk,
              }),
        })
      : undefined;
    const disclosureAudit = deps.disclosureAudit ?? this.ledgerAudit;
    this.disclosureDesk = new DisclosureDesk({
      db: this.db,
      self: config.agency.id,
      trust: this.trust,
      replay: this.#replay,
      // No rate limiter here: the peer route in front of the desk already takes the request's token.
      protocol: config.protocol,
      signer: () => this.#identity.signingKey,
      hitRefs: this.hitRefs,
      quotas: this.quotas,
      policies: this.policies,
      connector: this.connector,
      audit: disclosureAudit,
      clock: this.#clock,
      maxOpenPerPeer: config.protocol.maxOpenDisclosuresPerPeer,
    });
    const decisions =
      deps.decisions ?? (this.policies ? policyDecisions(this.policies, this.quotas) : denyAllDecisions);
    // Matching runs on worker threads (data.matchWorkers) so the event loop keeps serving TLS, signatures
    // and the ledger meanwhile; without data, or with 0 workers, it runs here.
    this.#matchPool =
      config.data && deps.matcher === undefined
        ? MatchPool.open(
            {
              path: config.data.path,
              ...(config.data.cacheRecords === undefined ? {} : { cacheRecords: config.data.cacheRecords }),
            },
            config.data.matchWorkers,
            (detail) => this.logger.error('match thread failed', { detail }),
          )
        : undefined;
    const matcher =
      deps.matcher ??
      (this.connector ? dataMatcher(this.connector, this.hitRefs, this.#matchPool, this.quotas) : noData);
    const audit = deps.audit ?? this.ledgerAudit;
    this.enumerationWatch = new EnumerationWatch(
      () => this.config.enumerationWatch,
      (pattern) => {
        this.logger.warn('peer query pattern looks like enumeration', { ...pattern });
        void this.#adminEvent({ kind: 'peer-enumeration-suspected', direction: 'local', ...pattern });
      },
      this.#clock,
    );
    const steps = createQueryPipeline({
      self: config.agency.id,
      trust: this.trust,
      replay: this.#replay,
      rateLimiter: this.#rateLimiter,
      signer: () => this.#identity.signingKey,
      decisions: decisions as DecisionPort,
      matcher: matcher as MatchPort,
      observer: this.enumerationWatch,
      audit,
      protocol: config.protocol,
    });
    this.#peerServer = createPeerServer({
      tls: this.#identity.tls,
      steps,
      routes: [
        ...(deps.peerRoutes ?? []),
        this.#statusRoute(),
        ...this.disclosureDesk.peerRoutes(),
        ...this.ledgerService.peerRoutes(),
      ],
      trust: this.trust,
      rateLimiter: this.#rateLimiter,
      audit,
      maxBodyBytes: config.protocol.maxBodyBytes,
      requestTimeoutMs: config.protocol.requestTimeoutMs,
      clock: this.#clock,
      logger: this.logger,
      metrics: this.metrics,
      readiness: () => this.readiness(),
      propagateTraceContext: config.telemetry.propagateTraceContext,
      self: config.agency.id,
    });
    this.client = new PeerClient({
      propagateTraceContext: config.telemetry.propagateTraceContext,
      self: config.agency.id,
      identity: () => this.#identity,
      trust: this.trust,
      clock: this.#clock,
    });
    this.users = new UserStore(this.db);
    this.cases = new CaseStore(this.db);
    this.searches = new SearchService({
      db: this.db,
      self: config.agency.id,
      client: this.client,
      trust: this.trust,
      cases: this.cases,
      audit: deps.outboundAudit ?? this.ledgerAudit,
      clock: this.#clock,
      logger: this.logger,
      metrics: this.metrics,
      onPeerOutcome: (peer, up) => this.#peerHealth.set(peer, up),
      limits: new SearchLimiter(this.db, () => this.config.api.searchLimits, this.metrics.searchesLimited),
    });
    this.graphs = new GraphService({
      db: this.db,
      searches: this.searches,
      cases: this.cases,
      clock: this.#clock,
      disclosed: (caseRef) => this.disclosureRequests.deliveredRecords(caseRef),
    });
    this.disclosureRequests = new DisclosureRequests({
      db: this.db,
      client: this.client,
      cases: this.cases,
      audit: disclosureAudit,
      clock: this.#clock,
    });
    this.#registerGauges();
  }

  #registerGauges(): void {
    const r = this.metrics.registry;
    for (const g of this.enumerationWatch.gauges()) r.register(g);
    r.register(
      new Gauge('mosaic_trust_list_version', 'Version of the trust list in force.', () => {
        const v = this.trust.snapshot?.list.version;
        return v === undefined ? [] : [{ value: v }];
      }),
    );
    r.register(
      new Gauge('mosaic_trust_list_age_seconds', 'Seconds since the trust list in force was issued.', () => {
        const s = this.trust.snapshot;
        return s ? [{ value: (this.#clock() - s.issuedAt) / 1000 }] : [];
      }),
    );
    r.register(
      new Gauge('mosaic_ready', '1 when the node is ready to exchange.', () => [
        { value: this.readiness().ready ? 1 : 0 },
      ]),
    );
    r.register(
      new Gauge('mosaic_searches_running', 'Federated searches in progress.', () => [
        { value: this.searches.runningCount },
      ]),
    );
    r.register(
      new Gauge('mosaic_audit_ledger_entries', 'Entries in the audit ledger.', () => [
        { value: this.ledger.size },
      ]),
    );
    r.register(
      new Gauge(
        'mosaic_audit_ledger_commits',
        'Durable ledger transactions (one fsync each) since start; entries divided by this is the group-commit batch.',
        () => [{ value: this.ledger.stats().commits }],
      ),
    );
    r.register(
      new Gauge('mosaic_audit_checkpoint_age_seconds', 'Seconds since the latest signed checkpoint.', () => {
        const cp = this.ledger.latestCheckpoint();
        return cp ? [{ value: (this.#clock() - cp.createdAt) / 1000 }] : [];
      }),
    );
    r.register(
      new Gauge('mosaic_audit_cosigned_size', 'Tree size each peer last cosigned for this node.', () =>
        this.ledgerService.status().cosignedBy.map((c) => ({ labels: { peer: c.peer }, value: c.size })),
      ),
    );
    r.register(
      new Gauge('mosaic_audit_split_views', 'Peers caught presenting two histories (split views).', () => [
        { value: this.ledger.splitViews().length },
      ]),
    );
    r.register(
      new Gauge(
        'mosaic_disclosures_pending',
        'Disclosure requests waiting for an officer, and how many are overdue.',
        () => {
          const { pending, overdue } = this.disclosureDesk.backlog(this.#clock());
          return [
            { labels: { state: 'pending' }, value: pending },
            { labels: { state: 'overdue' }, value: overdue },
          ];
        },
      ),
    );
    r.register(
      new Gauge(
        'mosaic_peer_up',
        '1 when the last call to the peer got a verified answer or a coded refusal.',
        () => [...this.#peerHealth.entries()].map(([peer, up]) => ({ labels: { peer }, value: up ? 1 : 0 })),
      ),
    );
  }

  /** Peer health as seen by outbound calls: reachable and answering, or not. */
  readonly #peerHealth = new Map<string, boolean>();

  /** Load configuration-derived state and bind both listeners. */
  static async start(config: NodeConfig, deps: NodeDeps = {}): Promise<MosaicNode> {
    const node = new MosaicNode(config, deps);
    try {
      await node.searches.recover(); // searches a killed or crashed run left `running` (before the API listens)
      await node.reloadTrustList().catch(() => undefined);
      await node.reloadPolicies();
      await node.#listen();
    } catch (err) {
      // A node that cannot start releases what it opened (match threads, files), so the process can exit.
      await node.stop(0).catch(() => undefined);
      throw err;
    }
    node.#refreshTimer = setInterval(() => {
      // A changed trust list re-checks the policies itself; otherwise pick up an edited bundle.
      node
        .reloadTrustList()
        .then((r) => (r.changed ? undefined : node.reloadPolicies()))
        .catch(() => undefined);
    }, config.trustList.refreshSeconds * 1000);
    node.#refreshTimer.unref();
    node.#checkpointTimer = setInterval(() => {
      try {
        node.ledger.maybeCheckpoint();
      } catch (err) {
        node.logger.error('checkpoint failed', { error: isMosaicError(err) ? err.code : String(err) });
      }
    }, 1000);
    node.#checkpointTimer.unref();
    if (config.audit.cosignIntervalSeconds > 0) {
      node.#cosignTimer = setInterval(() => {
        node.ledgerService.collectCosignatures().catch(() => undefined);
      }, config.audit.cosignIntervalSeconds * 1000);
      node.#cosignTimer.unref();
    }
    // Released records past their retention, hit references past protocol.hitRefDays and the owner's frozen
    // step-2 records past their delivery window are deleted now (a node that was down catches up) and hourly.
    const purge = () => {
      try {
        const refs = node.hitRefs.purgeExpired(node.#clock());
        if (refs > 0) node.logger.info('expired hit references deleted', { count: refs });
      } catch (err) {
        node.logger.error('hit reference sweep failed', { error: String(err) });
      }
      try {
        // Quota windows last a month at most: counters of windows that began over 32 days ago are over.
        node.quotas.purgeBefore(new Date(node.#clock() - 32 * 86_400_000).toISOString());
      } catch (err) {
        node.logger.error('quota sweep failed', { error: String(err) });
      }
      node.disclosureRequests
        .purgeExpired()
        .then((n) => {
          if (n > 0) node.logger.info('released records deleted at the end of their retention', { count: n });
        })
        .catch((err: unknown) => node.logger.error('retention sweep failed', { error: String(err) }));
      // Peers' requests whose delivery window ended: the frozen records go (docs/protocol.md, step 2).
      node.disclosureDesk
        .sweep()
        .then((n) => {
          if (n > 0) node.logger.info('disclosure requests ended (reference or retention)', { count: n });
        })
        .catch((err: unknown) => node.logger.error('disclosure sweep failed', { error: String(err) }));
    };
    purge();
    node.#retentionTimer = setInterval(purge, RETENTION_SWEEP_MS);
    node.#retentionTimer.unref();
    return node;
  }

  /** The analyst/auditor API listener (`/api/v1/`), separate from the peer listener. */
  #createApi() {
    return createApiApp({
      users: this.users,
      ...(this.config.oidc ? { oidc: new OidcVerifier(this.config.oidc, this.#clock) } : {}),
      logger: this.logger,
      readiness: () => this.readiness(),
      metrics: () => this.metrics.registry.expose(),
      // The officers' inbox before `/disclosures/:id`, so `inbox` is never read as an id.
      routes: [
        ...searchRoutes(this.searches),
        ...graphRoutes(this.graphs),
        ...this.disclosureDesk.apiRoutes(),
        ...this.disclosureRequests.apiRoutes(),
        ...this.ledgerService.apiRoutes(),
      ],
      version: MOSAIC_VERSION,
    });
  }

  async #listen(): Promise<void> {
    const { peer, api } = this.config.listen;
    await new Promise<void>((resolve, reject) => {
      this.#peerServer.once('error', reject);
      this.#peerServer.listen(peer.port, peer.host, () => resolve());
    });
    const app = this.#createApi();
    const server = await new Promise<HttpServer>((resolve, reject) => {
      const s = app.listen(api.port, api.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
    this.#api = server;
  }

  /** Record an administrative change in the ledger; a failure is logged, never fatal to the change itself. */
  async #adminEvent(event: DistributiveOmit<AuditEvent, 'time' | 'officer'>): Promise<void> {
    try {
      await this.ledgerAudit.admin({
        ...event,
        time: new Date(this.#clock()).toISOString(),
        officer: 'system',
      } as AuditEvent);
    } catch (err) {
      this.logger.error('admin audit event not recorded', {
        kind: event.kind,
        error: isMosaicError(err) ? err.code : String(err),
      });
    }
  }

  /** `GET /fed/v1/status`: what `mosaic peers check` asks every member. Members only. */
  #statusRoute(): PeerRoute {
    return {
      name: 'peerStatus',
      method: 'GET',
      pattern: /^\/fed\/v1\/status$/,
      handle: ({ now }) => ({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          agency: this.config.agency.id,
          software: MOSAIC_VERSION,
          time: new Date(now).toISOString(),
          trustListVersion: this.trust.snapshot?.list.version ?? null,
          ready: this.readiness().ready,
        }),
      }),
    };
  }

  get config(): NodeConfig {
    return this.#config;
  }

  /**
   * Take a re-read configuration: key and certificate files, trust-list source and policies apply now; the
   * listeners, data and ledger locations and protocol limits need a restart, and the log says so.
   */
  #adoptConfig(next: NodeConfig): 'reloaded' {
    const old = this.#config;
    const fixed = ['agency', 'listen', 'dataDir', 'data', 'audit', 'protocol', 'oidc', 'telemetry'] as const;
    const restart = fixed.filter((k) => JSON.stringify(next[k]) !== JSON.stringify(old[k]));
    if (restart.length > 0)
      this.logger.warn('configuration changes that need a restart', { keys: restart.join(',') });
    this.#config = { ...next, ...Object.fromEntries(fixed.map((k) => [k, old[k]])) } as NodeConfig;
    return 'reloaded';
  }

  /** The key this node signs with now. */
  get signingKey(): SigningKey {
    return this.#identity.signingKey;
  }

  get identity(): NodeIdentity {
    return this.#identity;
  }

  /**
   * SIGHUP: reload the trust list and the TLS and signing material without dropping connections. New TLS
   * material applies to new connections (setSecureContext); anything invalid is refused and the old stays.
   */
  async reload(): Promise<{
    config?: 'reloaded' | string;
    identity: 'reloaded' | string;
    trustList: 'reloaded' | 'unchanged' | string;
    policies: Awaited<ReturnType<MosaicNode['reloadPolicies']>>;
  }> {
    let config: string | undefined;
    if (this.#configPath !== undefined) {
      try {
        config = this.#adoptConfig(loadNodeConfig(this.#configPath));
      } catch (err) {
        // An invalid file changes nothing: not the configuration, not the keys, not the trust list, not the policies.
        const code = isMosaicError(err) ? err.code : 'MOSAIC_ERR_INTERNAL';
        this.logger.error('configuration reload refused; everything stays as it was', {
          code,
          problems: isMosaicError(err) ? formatIssues(err.issues) : String(err),
        });
        return { config: code, identity: 'unchanged', trustList: 'unchanged', policies: 'unchanged' };
      }
    }
    let identity: string;
    try {
      const next = loadIdentity(this.config);
      // A CRL that does not parse or is not the CA's refuses the whole identity reload, before anything changes.
      const revoked =
        next.tls.crl === undefined
          ? undefined
          : crlRevokedSerials(
              next.tls.crl,
              next.tls.ca.split(/(?<=-----END CERTIFICATE-----)/).filter((c) => c.includes('BEGIN')),
            );
      this.#peerServer.setSecureContext({
        key: next.tls.key,
        cert: next.tls.cert,
        ca: next.tls.ca,
        ...(next.tls.crl === undefined ? {} : { crl: next.tls.crl }),
      });
      if (revoked !== undefined) {
        const closed = closeRevokedConnections(this.#peerServer, revoked);
        if (closed > 0) this.logger.warn('closed connections of revoked certificates', { closed });
      }
      if (next.signingKey.kid !== this.#identity.signingKey.kid) {
        await this.#adminEvent({
          kind: 'key-changed',
          direction: 'local',
          keyKind: 'signing',
          action: 'rotated',
          keyId: next.signingKey.kid,
        });
      }
      if (next.tlsPin !== this.#identity.tlsPin) {
        await this.#adminEvent({
          kind: 'key-changed',
          direction: 'local',
          keyKind: 'tls',
          action: 'rotated',
          keyId: next.tlsPin,
        });
      }
      this.#identity = next;
      identity = 'reloaded';
    } catch (err) {
      identity = isMosaicError(err) ? err.code : 'MOSAIC_ERR_INTERNAL';
      this.logger.error('identity reload refused; keeping the current keys', { code: identity });
    }
    let trustList: string;
    try {
      trustList = (await this.reloadTrustList()).changed ? 'reloaded' : 'unchanged';
    } catch (err) {
      trustList = isMosaicError(err) ? err.code : 'MOSAIC_ERR_INTERNAL';
    }
    const policies = await this.reloadPolicies();
    this.logger.info('reload', { config: config ?? null, identity, trustList, policies });
    return { ...(config === undefined ? {} : { config }), identity, trustList, policies };
  }

  get peerUrl(): string {
    const a = this.#peerServer.address() as AddressInfo;
    return `https://${this.config.listen.peer.host}:${a.port}`;
  }

  get apiUrl(): string {
    const a = this.#api!.address() as AddressInfo;
    return `http://${this.config.listen.api.host}:${a.port}`;
  }

  /** Fetch the trust list from its source and adopt it if it verifies and is newer. */
  async reloadTrustList(): Promise<LoadResult> {
    try {
      const { source, sourceCa } = this.config.trustList;
      const token = await fetchTrustList(
        source,
        sourceCa === undefined ? {} : { ca: readRequiredFile(sourceCa) },
      );
      const result = this.trust.load(token, this.#clock());
      this.#trustError = undefined;
      if (result.changed) {
        this.logger.info('trust list loaded', { version: result.version });
        await this.#adminEvent({
          kind: 'trust-list-changed',
          direction: 'local',
          federation: this.trust.federation,
          version: result.version,
          trustListDigest: sha256Digest(token.trim()),
        });
        // Members, groups and purposes may have changed: re-check the bundle against them.
        if (this.policies) await this.reloadPolicies();
      }
      return result;
    } catch (err) {
      this.#trustError = isMosaicError(err) ? err.code : 'MOSAIC_ERR_INTERNAL';
      this.logger.warn('trust list not loaded', {
        code: this.#trustError,
        detail: isMosaicError(err) ? err.detail : String(err),
        inForce: this.trust.snapshot?.list.version ?? null,
      });
      throw err;
    }
  }

  /**
   * Load (or reload) the policy bundle against the trust list in force and the connector's catalogue. An
   * invalid bundle is refused with every problem logged; the previous one stays active.
   */
  async reloadPolicies(): Promise<'loaded' | 'unchanged' | 'refused' | 'none'> {
    if (!this.policies || !this.config.policies) return 'none';
    const snapshot = this.trust.snapshot;
    if (!snapshot) return 'refused';
    const catalogue = this.connector
      ? (await this.connector.describe()).datasets.map((d) => ({
          name: d.name,
          kinds: d.kinds,
          fields: d.fields,
        }))
      : [];
    const before = this.policies.current()?.digest;
    const result = this.policies.tryReplace(
      this.config.policies.dir,
      contextFromTrustList(snapshot.list, catalogue),
    );
    if (!result.ok) {
      this.logger.error('policy bundle refused; the previous one stays active', {
        code: result.error.code,
        problems: formatIssues(result.error.issues),
        active: result.active?.digest ?? null,
      });
      return 'refused';
    }
    if (result.bundle.digest === before) return 'unchanged';
    await this.#adminEvent({
      kind: 'policy-bundle-changed',
      direction: 'local',
      policyDigest: result.bundle.digest,
      ...(before === undefined ? {} : { previousDigest: before }),
    });
    this.logger.info('policy bundle loaded', {
      version: result.bundle.version,
      digest: result.bundle.digest,
    });
    const warnings = policyWarnings(result.bundle);
    if (warnings.length > 0)
      this.logger.warn('policy bundle has unbounded grants', { problems: formatIssues(warnings) });
    return 'loaded';
  }

  readiness(): { ready: boolean; reasons: string[] } {
    const reasons: string[] = [];
    if (this.#stopping) reasons.push('MOSAIC_ERR_NOT_READY');
    try {
      this.trust.current(this.#clock());
    } catch (err) {
      reasons.push(isMosaicError(err) ? err.code : 'MOSAIC_ERR_INTERNAL');
    }
    if (this.#trustError && !reasons.includes(this.#trustError))
      reasons.push(`last refresh: ${this.#trustError}`);
    if (this.policies) {
      if (!this.policies.current()) reasons.push('MOSAIC_ERR_POLICY_NOT_LOADED');
      const refused = this.policies.lastError();
      if (refused) reasons.push(`policy bundle refused: ${refused.code}`);
    }
    if (this.ledger.corruptionDetected) reasons.push('MOSAIC_ERR_AUDIT_INCONSISTENT');
    for (const v of this.ledgerService.status().splitViews) reasons.push(`split view: ${v.peer ?? v.origin}`);
    return { ready: reasons.length === 0, reasons };
  }

  /**
   * Graceful stop: refuse new connections, let in-flight exchanges finish (up to `drainMs`), then close the
   * store. Idle keep-alive connections are closed at once; busy ones after their response.
   */
  async stop(drainMs = 10_000): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#refreshTimer) clearInterval(this.#refreshTimer);
    if (this.#retentionTimer) clearInterval(this.#retentionTimer);
    if (this.#checkpointTimer) clearInterval(this.#checkpointTimer);
    if (this.#cosignTimer) clearInterval(this.#cosignTimer);
    const closeServer = (s: HttpServer | HttpsServer | undefined) =>
      new Promise<void>((resolve) => {
        if (!s?.listening) return resolve();
        const force = setTimeout(() => s.closeAllConnections(), drainMs);
        force.unref();
        // A busy keep-alive connection turns idle once its response is sent: close it then, not at the timeout.
        const sweep = setInterval(() => s.closeIdleConnections(), 25);
        s.close(() => {
          clearTimeout(force);
          clearInterval(sweep);
          resolve();
        });
        s.closeIdleConnections();
      });
    await Promise.all([closeServer(this.#peerServer), closeServer(this.#api)]);
    this.client.close();
    await this.#matchPool?.close();
    this.connector?.close();
    try {
      // A final checkpoint, so everything acknowledged before the stop is covered by a signed tree head.
      this.ledger.checkpointNow();
    } catch (err) {
      this.logger.error('final checkpoint failed', { error: isMosaicError(err) ? err.code : String(err) });
    }
    this.ledger.close();
    this.#replay.flush();
    this.db.close();
  }
}
