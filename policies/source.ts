import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Issue } from '../contracts/index.js';

/**
 * Reading policy and test files with their positions. JSON is read by the same YAML 1.2 parser (JSON is a
 * subset), so both formats get line numbers for every JSON Pointer and one set of hostile-input rules.
 */

/** A file handed to the loader: its name (as shown in issues) and its text. */
export interface PolicySource {
  readonly file: string;
  readonly text: string;
}

/** A parsed document: the plain value, and a way back from a JSON Pointer to a line of the file. */
export interface ParsedSource {
  readonly file: string;
  readonly value: unknown;
  lineOf(pointer: string): number | undefined;
}

export const MAX_SOURCE_BYTES = 1024 * 1024;

/** Keys that would reach Object.prototype if a later consumer ever merged the value into a plain object. */
const HOSTILE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Parse one file. Syntax errors, duplicate keys, aliases beyond a small budget and hostile keys are issues. */
export function parseSource(src: PolicySource): { parsed?: ParsedSource; issues: Issue[] } {
  const issues: Issue[] = [];
  if (Buffer.byteLength(src.text, 'utf8') > MAX_SOURCE_BYTES) {
    return {
      issues: [{ file: src.file, line: 1, path: '', message: `is larger than ${MAX_SOURCE_BYTES} bytes` }],
    };
  }
  const lineCounter = new LineCounter();
  // uniqueKeys (the default) makes a repeated key a syntax error instead of "last one wins".
  const doc = parseDocument(src.text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  // Warnings (an unresolved tag such as `!!timestamp`) are errors here: a policy must mean one thing.
  for (const e of [...doc.errors, ...doc.warnings]) {
    const line = lineCounter.linePos(e.pos[0]).line;
    issues.push({
      file: src.file,
      line,
      path: '',
      message: `is not valid YAML/JSON: ${firstLine(e.message)}`,
    });
  }
  if (issues.length > 0) return { issues };

  const lineOfNode = (node: { range?: [number, number, number] | null } | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;

  walkKeys(doc.contents, '', (key, pointer, keyNode) => {
    if (HOSTILE_KEYS.has(key)) {
      const line = lineOfNode(keyNode);
      issues.push({
        file: src.file,
        ...(line === undefined ? {} : { line }),
        path: pointer,
        message: `uses the reserved key "${key}"`,
      });
    }
  });
  if (issues.length > 0) return { issues };

  let value: unknown;
  try {
    // A small alias budget: policy files have no reason to use anchors at scale (billion-laughs guard).
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    return { issues: [{ file: src.file, line: 1, path: '', message: `cannot be read: ${String(err)}` }] };
  }

  const lineOf = (pointer: string): number | undefined => {
    const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
    let node: unknown = doc.contents;
    let best = lineOfNode(doc.contents as Node | null) ?? 1;
    for (const seg of segments) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) break;
        best = lineOfNode(pair.key as Node) ?? best;
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined) break;
        best = lineOfNode(item as Node) ?? best;
        node = item;
      } else break;
    }
    return best;
  };
  return { parsed: { file: src.file, value, lineOf }, issues };
}

/** Attach file and line to issues whose paths point into a parsed source. */
export function locate(parsed: ParsedSource, issues: readonly { path: string; message: string }[]): Issue[] {
  return issues.map((i) => {
    const line = parsed.lineOf(i.path);
    return { file: parsed.file, ...(line === undefined ? {} : { line }), path: i.path, message: i.message };
  });
}

function walkKeys(
  node: unknown,
  pointer: string,
  visit: (key: string, pointer: string, keyNode: Node) => void,
) {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const p = `${pointer}/${escapePointer(key)}`;
      visit(key, p, pair.key as Node);
      walkKeys(pair.value, p, visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      walkKeys(item, `${pointer}/${i}`, visit);
    });
  }
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? s;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
