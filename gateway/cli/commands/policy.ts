import { MosaicError, SUBJECT_KINDS, type SubjectKind } from '../../../contracts/index.js';
import { openSqliteConnector } from '../../../connectors/index.js';
import {
  contextFromTrustList,
  explainFor,
  loadBundle,
  type PolicyContext,
  policyWarnings,
  runPolicyTests,
  signBundle,
} from '../../../policies/index.js';
import { loadNodeConfig } from '../../config/load.js';
import { readAnchors } from '../../federation/authority.js';
import { loadPrivateKey, readRequiredFile } from '../../keys/files.js';
import { fetchTrustList } from '../../trust/source.js';
import { verifyTrustList } from '../../trust/trust-list.js';
import { type Command, optStr, passphraseOption, readPassphrase, str } from '../command.js';

const contextOptions = {
  config: {
    type: 'string',
    description: "a node's mosaic.yaml: check against its trust list and data catalogue",
  },
  context: {
    type: 'string',
    description:
      'or a context file (JSON: agencies, purposes, datasets), e.g. examples/policies/demo-context.json',
  },
} as const;

/** What a policy may name: from a node's trust list and connector, or from a context file. */
async function policyContext(
  config: string | undefined,
  contextFile: string | undefined,
): Promise<PolicyContext> {
  if (contextFile !== undefined) {
    const parsed = JSON.parse(readRequiredFile(contextFile)) as PolicyContext & { description?: string };
    return { agencies: parsed.agencies, purposes: parsed.purposes, datasets: parsed.datasets };
  }
  if (config === undefined) {
    throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: 'give --config NODE.yaml or --context FILE' });
  }
  const c = loadNodeConfig(config);
  const list = verifyTrustList(
    await fetchTrustList(
      c.trustList.source,
      c.trustList.sourceCa ? { ca: readRequiredFile(c.trustList.sourceCa) } : {},
    ),
    readAnchors(c.trustList.anchors),
  );
  let catalogue: { name: string; kinds: SubjectKind[]; fields: string[] }[] = [];
  if (c.data) {
    const connector = openSqliteConnector(c.data.path);
    try {
      catalogue = (await connector.describe()).datasets.map((d) => ({
        name: d.name,
        kinds: d.kinds,
        fields: d.fields,
      }));
    } finally {
      connector.close();
    }
  }
  return contextFromTrustList(list, catalogue);
}

export const policyCheck: Command = {
  path: ['policy', 'check'],
  positionals: ['DIR'],
  summary:
    'Validate a policy bundle (every problem with file, line and path), print its version and digest, and warn about summary/record grants without a records quota.',
  options: contextOptions,
  async run(args, io) {
    const ctx = await policyContext(optStr(args, 'config'), optStr(args, 'context'));
    const bundle = loadBundle(args.positionals[0]!, ctx);
    io.out(`bundle ${bundle.version}: ${bundle.normalised.rules.length} rules, digest ${bundle.digest}`);
    // Warnings leave the exit status at 0: the bundle is valid, and its authors may have meant it.
    for (const w of policyWarnings(bundle))
      io.err(`warning: ${w.file ?? ''}${w.line === undefined ? '' : `:${w.line}`}: ${w.message}`);
    return 0;
  },
};

export const policyTest: Command = {
  path: ['policy', 'test'],
  positionals: ['DIR'],
  summary:
    "Run the bundle's test cases (DIR/tests/*.yaml: facts → expected decision); fails when there are none.",
  options: contextOptions,
  async run(args, io) {
    const ctx = await policyContext(optStr(args, 'config'), optStr(args, 'context'));
    const report = runPolicyTests(args.positionals[0]!, ctx);
    for (const c of report.cases) {
      io.out(`${c.passed ? 'ok  ' : 'FAIL'} ${c.file}${c.line === undefined ? '' : `:${c.line}`} ${c.name}`);
      for (const f of c.failures) io.out(`       ${f}`);
    }
    io.out(`${report.passed} passed, ${report.failed} failed`);
    return report.ok ? 0 : 1;
  },
};

export const policyExplain: Command = {
  path: ['policy', 'explain'],
  positionals: ['DIR'],
  summary: 'What would this peer see, and why: the decision per dataset with the trace of every rule.',
  options: {
    ...contextOptions,
    peer: { type: 'string', description: 'requesting agency id', required: true },
    purpose: { type: 'string', description: 'purpose of the query', required: true },
    subject: { type: 'string', description: SUBJECT_KINDS.join(' | '), required: true },
    dataset: { type: 'string', description: 'one dataset (default: every dataset holding the subject kind)' },
    'legal-basis': { type: 'string', description: 'legal basis named in the query' },
  },
  async run(args, io) {
    const subject = str(args, 'subject');
    if (!(SUBJECT_KINDS as readonly string[]).includes(subject)) {
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', {
        detail: `--subject must be one of ${SUBJECT_KINDS.join(', ')}`,
      });
    }
    const ctx = await policyContext(optStr(args, 'config'), optStr(args, 'context'));
    const bundle = loadBundle(args.positionals[0]!, ctx);
    const dataset = optStr(args, 'dataset');
    const legalBasis = optStr(args, 'legal-basis');
    const view = explainFor(
      {
        peer: str(args, 'peer'),
        purpose: str(args, 'purpose'),
        subjectKind: subject as SubjectKind,
        ...(dataset === undefined ? {} : { dataset }),
        ...(legalBasis === undefined ? {} : { legalBasis }),
      },
      bundle,
      ctx,
      io.now(),
    );
    io.out(view.text);
    return 0;
  },
};

export const policySign: Command = {
  path: ['policy', 'sign'],
  positionals: ['DIR'],
  summary: "Sign a policy bundle's digest with the policy officer's ES256 key (writes DIR/bundle.jws).",
  options: {
    key: {
      type: 'string',
      description: "the policy officer's private key (PKCS#8 PEM, P-256)",
      required: true,
    },
    ...passphraseOption,
  },
  async run(args, io) {
    const keyPath = str(args, 'key');
    const encrypted = readRequiredFile(keyPath).includes('ENCRYPTED');
    const key = loadPrivateKey(keyPath, encrypted ? readPassphrase(args, io) : undefined);
    const pem = key.export({ type: 'pkcs8', format: 'pem' }) as string;
    const signed = signBundle(args.positionals[0]!, pem);
    io.out(`signed bundle ${signed.version} (${signed.digest}) with key ${signed.kid} → ${signed.file}`);
    return 0;
  },
};
