import { isMosaicError, MosaicError } from '../../../contracts/index.js';
import { loadNodeConfig } from '../../config/load.js';
import { readAnchors } from '../../federation/authority.js';
import { readRequiredFile } from '../../keys/files.js';
import { loadIdentity } from '../../node/identity.js';
import { PeerClient } from '../../peer/client.js';
import { fetchTrustList } from '../../trust/source.js';
import { TrustStore } from '../../trust/trust-list.js';
import { MOSAIC_VERSION } from '../../version.js';
import { type Command, int, str } from '../command.js';

const DAY = 86_400_000;

/** The node's identity and trust list, loaded from its configuration without starting it. */
async function offlineNode(configPath: string, now: number) {
  const config = loadNodeConfig(configPath);
  const identity = loadIdentity(config);
  const trust = new TrustStore(readAnchors(config.trustList.anchors), config.trustList.maxAgeSeconds);
  const { source, sourceCa } = config.trustList;
  trust.load(
    await fetchTrustList(source, sourceCa === undefined ? {} : { ca: readRequiredFile(sourceCa) }),
    now,
  );
  return { config, identity, trust };
}

export const status: Command = {
  path: ['status'],
  summary: "Show a node's identity, certificate and trust-list state, and whether its API answers ready.",
  options: { config: { type: 'string', description: 'path to mosaic.yaml', required: true } },
  async run(args, io) {
    const now = io.now();
    const config = loadNodeConfig(str(args, 'config'));
    const identity = loadIdentity(config);
    io.out(`agency        ${config.agency.id} (${config.agency.country}), software ${MOSAIC_VERSION}`);
    io.out(`signing key   ${identity.signingKey.kid} (${identity.signingKey.alg})`);
    io.out(`tls pin       ${identity.tlsPin}`);
    const days = Math.floor((identity.certNotAfter - now) / DAY);
    io.out(`certificate   valid until ${new Date(identity.certNotAfter).toISOString()} (${days} days)`);
    try {
      const { trust } = await offlineNode(str(args, 'config'), now);
      const snap = trust.current(now);
      io.out(
        `trust list    version ${snap.list.version}, ${snap.members.size} members, expires ${snap.list.expiresAt}`,
      );
    } catch (err) {
      io.out(`trust list    ${isMosaicError(err) ? err.code : String(err)}`);
    }
    const api = `http://${config.listen.api.host}:${config.listen.api.port}/readyz`;
    try {
      const r = await fetch(api, { signal: AbortSignal.timeout(2000) });
      const body = (await r.json()) as { status: string; reasons: string[] };
      io.out(`node          ${body.status}${body.reasons.length ? ` (${body.reasons.join(', ')})` : ''}`);
      return body.status === 'ready' ? 0 : 1;
    } catch {
      io.out(`node          not running (no answer at ${api})`);
      return 1;
    }
  },
};

export const peersCheck: Command = {
  path: ['peers', 'check'],
  summary:
    'Call every member over mTLS and report reachability, pin, certificate validity, clock skew and the ' +
    'trust-list version each one holds.',
  options: {
    config: { type: 'string', description: 'path to mosaic.yaml', required: true },
    timeout: { type: 'string', description: 'per-peer timeout in ms (default 3000)' },
  },
  async run(args, io) {
    const now = io.now();
    const { config, identity, trust } = await offlineNode(str(args, 'config'), now);
    const client = new PeerClient({ self: config.agency.id, identity: () => identity, trust, clock: io.now });
    const ours = trust.current(now).list.version;
    const timeout = int(args, 'timeout', 3000, 100, 60_000);
    let problems = 0;
    try {
      const members = [...trust.current(now).members.values()].filter((m) => m.agencyId !== config.agency.id);
      const rows = await Promise.all(
        members.map(async (m) => {
          const t0 = performance.now();
          try {
            const r = await client.get(m.agencyId, '/fed/v1/status', AbortSignal.timeout(timeout));
            const ms = Math.round(performance.now() - t0);
            if (r.status !== 200)
              throw new MosaicError('MOSAIC_ERR_PEER_REFUSED', { detail: `HTTP ${r.status}` });
            const s = JSON.parse(r.body) as {
              time: string;
              trustListVersion: number | null;
              software: string;
            };
            const skew = Math.round((Date.parse(s.time) - (now + ms / 2)) / 1000);
            const certDays = r.certNotAfter === undefined ? '?' : Math.floor((r.certNotAfter - now) / DAY);
            const flags = [
              Math.abs(skew) > config.protocol.clockToleranceSeconds ? 'CLOCK SKEW' : '',
              s.trustListVersion !== ours ? `TRUST LIST v${s.trustListVersion} ≠ v${ours}` : '',
              typeof certDays === 'number' && certDays < 14 ? 'CERT EXPIRES SOON' : '',
            ].filter(Boolean);
            if (flags.length) problems++;
            return `${m.agencyId.padEnd(16)} ok   ${String(ms).padStart(5)} ms  skew ${skew}s  cert ${certDays}d  trust v${s.trustListVersion}  ${s.software}${flags.length ? `  ${flags.join(', ')}` : ''}`;
          } catch (err) {
            problems++;
            return `${m.agencyId.padEnd(16)} FAIL ${isMosaicError(err) ? err.code : String(err)}`;
          }
        }),
      );
      for (const row of rows) io.out(row);
    } finally {
      client.close();
    }
    return problems === 0 ? 0 : 1;
  },
};
