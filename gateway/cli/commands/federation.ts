import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MosaicError } from '../../../contracts/index.js';
import {
  admitMember,
  FED_FILES,
  initFederation,
  publishTrustList,
  removeMember,
  revokeCertificate,
  updateMember,
} from '../../federation/authority.js';
import { parseMembershipRequest } from '../../federation/membership.js';
import { readRequiredFile, writePublicFile } from '../../keys/files.js';
import { NODE_FILES } from '../../node/init.js';
import { type Command, int, list, optStr, passphraseOption, readPassphrase, str } from '../command.js';

const dirOption = {
  dir: { type: 'string', description: 'federation authority directory', required: true },
} as const;

export const federationInit: Command = {
  path: ['federation', 'init'],
  summary: 'Create a federation: authority signing key, federation CA, anchors and an empty member list.',
  options: {
    ...dirOption,
    name: { type: 'string', description: 'federation id (lower-case)', required: true },
    purposes: {
      type: 'string',
      description:
        'comma-separated purpose vocabulary (default: trafficking-investigation,victim-protection)',
    },
    ...passphraseOption,
  },
  async run(args, io) {
    const dir = str(args, 'dir');
    const name = str(args, 'name');
    if (!/^[a-z][a-z0-9._-]{0,63}$/.test(name)) {
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', {
        detail: '--name must be lower-case letters, digits, ._-',
      });
    }
    if (existsSync(join(dir, FED_FILES.authorityKey))) {
      throw new MosaicError('MOSAIC_ERR_CLI_EXISTS', { detail: `${dir} already holds a federation` });
    }
    const purposes = list(args, 'purposes');
    const { anchors } = initFederation({
      dir,
      federation: name,
      passphrase: readPassphrase(args, io),
      purposes: purposes.length > 0 ? purposes : ['trafficking-investigation', 'victim-protection'],
      now: new Date(io.now()),
    });
    io.out(`federation ${name} created in ${dir}`);
    io.out(`authority key id: ${anchors.keys[0]!.kid}`);
    io.out(`give every node ${join(dir, FED_FILES.anchors)} and ${join(dir, FED_FILES.caCert)}`);
    io.out(`and, for tls.crl, the (empty) certificate revocation list ${join(dir, FED_FILES.crl)}`);
    return 0;
  },
};

export const federationAdmit: Command = {
  path: ['federation', 'admit'],
  summary:
    "Issue a node's TLS certificate from its membership request and add it to the draft member list. " +
    'With --out NODE_DIR, writes tls/cert.pem, federation/ca.pem and federation/anchors.json there.',
  options: {
    ...dirOption,
    request: { type: 'string', description: "the node's membership-request.json", required: true },
    groups: { type: 'string', description: 'comma-separated groups, e.g. jit-danube' },
    'valid-days': { type: 'string', description: 'certificate validity in days (default 365)' },
    out: { type: 'string', description: 'node directory to write the certificate and federation files into' },
    ...passphraseOption,
  },
  async run(args, io) {
    const dir = str(args, 'dir');
    const request = parseMembershipRequest(readRequiredFile(str(args, 'request')));
    const { certPem, caPem, member } = admitMember({
      dir,
      request,
      passphrase: readPassphrase(args, io),
      groups: list(args, 'groups'),
      now: new Date(io.now()),
      validDays: int(args, 'valid-days', 365, 1, 825),
    });
    const out = optStr(args, 'out');
    if (out !== undefined) {
      writePublicFile(join(out, NODE_FILES.cert), certPem, true);
      writePublicFile(join(out, NODE_FILES.ca), caPem, true);
      writePublicFile(join(out, NODE_FILES.anchors), readRequiredFile(join(dir, FED_FILES.anchors)), true);
      io.out(`wrote ${join(out, NODE_FILES.cert)}`);
    } else {
      io.out(certPem.trimEnd());
    }
    io.out(
      `admitted ${member.agencyId} (pins ${member.tlsPins.join(', ')}); run 'mosaic federation publish'`,
    );
    return 0;
  },
};

export const federationUpdateMember: Command = {
  path: ['federation', 'update-member'],
  summary:
    "Change a member's endpoint or groups in the draft member list (takes effect at the next publish).",
  options: {
    ...dirOption,
    agency: { type: 'string', description: 'agency id', required: true },
    endpoint: { type: 'string', description: 'new https:// endpoint' },
    groups: { type: 'string', description: 'comma-separated groups (replaces the current ones)' },
    'drop-key': { type: 'string', description: 'remove this JWS key id (end of a rotation overlap)' },
    'add-jwks': {
      type: 'string',
      description: 'file with a JWK Set whose keys are added (start of a rotation)',
    },
  },
  async run(args, io) {
    const endpoint = optStr(args, 'endpoint');
    if (endpoint !== undefined && !endpoint.startsWith('https://')) {
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: '--endpoint must be an https:// URL' });
    }
    const groups = optStr(args, 'groups') === undefined ? undefined : list(args, 'groups');
    const dropKey = optStr(args, 'drop-key');
    const addFile = optStr(args, 'add-jwks');
    const added = addFile === undefined ? [] : (JSON.parse(readRequiredFile(addFile)) as { keys: [] }).keys;
    const m = updateMember(str(args, 'dir'), str(args, 'agency'), (m) => {
      const keys = [...m.jwks.keys.filter((k) => k.kid !== dropKey), ...added];
      const unique = [...new Map(keys.map((k) => [k.kid, k])).values()];
      if (unique.length === 0)
        throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: 'a member needs a key' });
      return {
        ...m,
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(groups === undefined ? {} : { groups }),
        jwks: { keys: unique },
      };
    });
    io.out(
      `updated ${m.agencyId}: ${m.endpoint}, groups [${m.groups.join(', ')}], ${m.jwks.keys.length} key(s)`,
    );
    return 0;
  },
};

export const federationRemoveMember: Command = {
  path: ['federation', 'remove-member'],
  summary: 'Remove a member from the draft member list (takes effect at the next publish).',
  options: { ...dirOption, agency: { type: 'string', description: 'agency id', required: true } },
  async run(args, io) {
    removeMember(str(args, 'dir'), str(args, 'agency'));
    io.out(`removed ${str(args, 'agency')}; run 'mosaic federation publish'`);
    return 0;
  },
};

export const federationPublish: Command = {
  path: ['federation', 'publish'],
  summary: 'Sign the draft member list as the next trust list version (the version must increase).',
  options: {
    ...dirOption,
    'valid-days': { type: 'string', description: 'validity of the trust list in days (default 7)' },
    version: { type: 'string', description: 'explicit version (default: last published + 1)' },
    ...passphraseOption,
  },
  async run(args, io) {
    const version =
      optStr(args, 'version') === undefined ? undefined : int(args, 'version', 1, 1, 2 ** 53 - 1);
    const { version: v } = publishTrustList({
      dir: str(args, 'dir'),
      passphrase: readPassphrase(args, io),
      now: new Date(io.now()),
      validDays: int(args, 'valid-days', 7, 1, 366),
      ...(version === undefined ? {} : { version }),
    });
    io.out(`published trust list version ${v} to ${join(str(args, 'dir'), FED_FILES.trustList)}`);
    return 0;
  },
};

/** Where a node keeps the federation CRL when `--out NODE_DIR` is given (point `tls.crl` at it). */
export const NODE_CRL_FILE = 'federation/crl.pem';

export const federationRevoke: Command = {
  path: ['federation', 'revoke'],
  summary:
    "Revoke a member's current TLS certificate and sign the next CRL into FED/crl.pem (with --out NODE_DIR, " +
    'also federation/crl.pem there). Nodes with tls.crl refuse it on new connections after SIGHUP.',
  options: {
    ...dirOption,
    agency: { type: 'string', description: 'agency id whose current certificate is revoked' },
    'valid-days': { type: 'string', description: 'CRL validity (nextUpdate) in days (default 30)' },
    out: { type: 'string', description: 'node directory to write federation/crl.pem into' },
    ...passphraseOption,
  },
  async run(args, io) {
    const dir = str(args, 'dir');
    const agencyId = optStr(args, 'agency');
    const { crlPem, serial, crlNumber } = revokeCertificate({
      dir,
      passphrase: readPassphrase(args, io),
      now: new Date(io.now()),
      validDays: int(args, 'valid-days', 30, 1, 366),
      ...(agencyId === undefined ? {} : { agencyId }),
    });
    const out = optStr(args, 'out');
    if (out !== undefined) {
      writePublicFile(join(out, NODE_CRL_FILE), crlPem, true);
      io.out(`wrote ${join(out, NODE_CRL_FILE)}`);
    }
    io.out(
      `${serial === undefined ? 'reissued CRL' : `revoked ${agencyId} certificate ${serial}`}; CRL number ${crlNumber} in ${join(dir, FED_FILES.crl)}`,
    );
    io.out('copy it to every node (tls.crl) and send SIGHUP');
    return 0;
  },
};
