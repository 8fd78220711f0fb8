import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { type Issue, MosaicError, type NodeConfig, validateNodeConfig } from '../../contracts/index.js';

/**
 * Load and validate a node configuration file (YAML or JSON) once at start-up (CONVENTIONS §6): every problem
 * is reported at once with its JSON path and line, defaults are applied, relative paths resolve against the
 * file's directory, and the result is frozen.
 */
export function loadNodeConfig(path: string, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new MosaicError('MOSAIC_ERR_CONFIG_NOT_FOUND', { detail: path, cause: err });
  }
  return parseNodeConfig(text, path, env);
}

/** Environment overrides: `MOSAIC__listen__peer__port=9443` sets `listen.peer.port` (value read as YAML). */
export const ENV_PREFIX = 'MOSAIC__';

function applyEnvOverrides(
  raw: unknown,
  env: NodeJS.ProcessEnv,
): { value: unknown; sources: Map<string, string> } {
  const sources = new Map<string, string>();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { value: raw, sources };
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || text === undefined) continue;
    const segments = name.slice(ENV_PREFIX.length).split('__');
    if (
      segments.some(
        (seg) => seg === '' || seg === '__proto__' || seg === 'constructor' || seg === 'prototype',
      )
    )
      continue;
    let target = raw as Record<string, unknown>;
    const path: string[] = [];
    segments.forEach((seg, i) => {
      // Match an existing key case-insensitively, so shells that upper-case names still work.
      const existing = Object.keys(target).find((k) => k.toLowerCase() === seg.toLowerCase()) ?? seg;
      path.push(existing);
      if (i === segments.length - 1) {
        target[existing] = parseYamlScalar(text);
      } else {
        const next = target[existing];
        if (next === null || typeof next !== 'object' || Array.isArray(next)) target[existing] = {};
        target = target[existing] as Record<string, unknown>;
      }
    });
    sources.set(`/${path.join('/')}`, `env ${name}`);
  }
  return { value: raw, sources };
}

function parseYamlScalar(text: string): unknown {
  try {
    return parseDocument(text).toJS({ maxAliasCount: 0 });
  } catch {
    return text;
  }
}

export function parseNodeConfig(text: string, path: string, env: NodeJS.ProcessEnv = {}): NodeConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new MosaicError('MOSAIC_ERR_CONFIG_INVALID', {
      issues: doc.errors.map((e) => ({
        path: '',
        message: e.message.split('\n')[0] ?? e.message,
        file: path,
        line: lineCounter.linePos(e.pos[0]).line,
      })),
    });
  }
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 0 });
  } catch (err) {
    // YAML anchors and aliases are refused outright: a configuration has no use for them, and alias
    // expansion is how a small file becomes a huge one.
    throw new MosaicError('MOSAIC_ERR_CONFIG_INVALID', {
      issues: [
        {
          path: '',
          message: `YAML aliases are not allowed (${String((err as Error).message).split('\n')[0]})`,
          file: path,
        },
      ],
    });
  }
  const { value: raw, sources } = applyEnvOverrides(js, env);
  if (!validateNodeConfig(raw)) {
    const issues: Issue[] = validateNodeConfig.issues().map((i) => {
      const fromEnv = [...sources.entries()].find(([p]) => i.path === p || i.path.startsWith(`${p}/`));
      if (fromEnv) return { ...i, file: fromEnv[1] };
      const line = lineOf(doc.contents, i.path, lineCounter);
      return { ...i, file: path, ...(line === undefined ? {} : { line }) };
    });
    throw new MosaicError('MOSAIC_ERR_CONFIG_INVALID', { issues });
  }
  const c = raw as NodeConfig;
  const base = dirname(resolve(path));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const source = c.trustList.source.startsWith('https://') ? c.trustList.source : abs(c.trustList.source);
  const config: NodeConfig = {
    ...c,
    dataDir: abs(c.dataDir),
    tls: {
      key: abs(c.tls.key),
      cert: abs(c.tls.cert),
      ca: abs(c.tls.ca),
      ...(c.tls.crl === undefined ? {} : { crl: abs(c.tls.crl) }),
      ...(c.tls.passphraseFile === undefined ? {} : { passphraseFile: abs(c.tls.passphraseFile) }),
    },
    signing: {
      key: abs(c.signing.key),
      ...(c.signing.passphraseFile === undefined ? {} : { passphraseFile: abs(c.signing.passphraseFile) }),
    },
    ...(c.policies === undefined
      ? {}
      : {
          policies: {
            dir: abs(c.policies.dir),
            ...(c.policies.requireSignedBy === undefined
              ? {}
              : { requireSignedBy: abs(c.policies.requireSignedBy) }),
          },
        }),
    ...(c.data === undefined
      ? {}
      : {
          data: {
            path: abs(c.data.path),
            ...(c.data.cacheRecords === undefined ? {} : { cacheRecords: c.data.cacheRecords }),
            ...(c.data.matchWorkers === undefined ? {} : { matchWorkers: c.data.matchWorkers }),
          },
        }),
    audit: { ...c.audit, logKey: abs(c.audit.logKey), witnessKey: abs(c.audit.witnessKey) },
    trustList: {
      ...c.trustList,
      source,
      anchors: abs(c.trustList.anchors),
      ...(c.trustList.sourceCa === undefined ? {} : { sourceCa: abs(c.trustList.sourceCa) }),
    },
  };
  return deepFreeze(config);
}

/** Find the source line of a JSON Pointer in the YAML document, or of its nearest existing parent. */
function lineOf(node: unknown, pointer: string, lc: LineCounter): number | undefined {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
  let current = node as YamlNode | null | undefined;
  let line: number | undefined = rangeLine(current, lc);
  for (const seg of segments) {
    if (isMap(current)) {
      const pair = current.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      line = rangeLine(pair.key as YamlNode, lc) ?? line;
      current = pair.value as YamlNode | null;
    } else if (isSeq(current)) {
      current = current.items[Number(seg)] as YamlNode | undefined;
      line = rangeLine(current, lc) ?? line;
    } else {
      break;
    }
  }
  return line;
}

function rangeLine(node: unknown, lc: LineCounter): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Render a coded error's issues the way an operator reads them: `file:line path: message`. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues
    .map((i) =>
      `${i.file ?? ''}${i.line === undefined ? '' : `:${i.line}`} ${i.path || '/'}: ${i.message}`.trim(),
    )
    .join('\n');
}
