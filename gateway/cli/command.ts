import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { MosaicError } from '../../contracts/index.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  description: string;
  required?: boolean;
};

export interface Command {
  /** Words after `mosaic`, e.g. ['federation', 'init']. */
  readonly path: readonly string[];
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments, described for --help; their count is checked. */
  readonly positionals?: readonly string[];
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

export function helpText(cmd: Command): string {
  const lines = [
    `mosaic ${cmd.path.join(' ')}${(cmd.positionals ?? []).map((p) => ` ${p}`).join('')}`,
    '',
    cmd.summary,
    '',
  ];
  const opts = Object.entries(cmd.options);
  if (opts.length > 0) lines.push('Options:');
  for (const [name, o] of opts) {
    const flag = `--${name}${o.type === 'string' ? ' VALUE' : ''}${o.multiple ? ' …' : ''}`;
    lines.push(`  ${flag.padEnd(28)} ${o.description}${o.required ? ' (required)' : ''}`);
  }
  lines.push(`  ${'--help'.padEnd(28)} show this help`);
  return lines.join('\n');
}

/** Parse strictly: unknown options, missing values and missing required options are usage errors. */
export function parse(cmd: Command, argv: readonly string[]): ParsedArgs {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean' } };
  for (const [name, o] of Object.entries(cmd.options)) {
    const { description: _d, required: _r, ...spec } = o;
    options[name] = spec;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: (err as Error).message });
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values['help']) return { values, positionals: parsed.positionals };
  const missing = Object.entries(cmd.options)
    .filter(([name, o]) => o.required && values[name] === undefined)
    .map(([name]) => `--${name}`);
  if (missing.length > 0) {
    throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: `missing ${missing.join(', ')}` });
  }
  const expected = cmd.positionals?.length ?? 0;
  if (parsed.positionals.length !== expected) {
    throw new MosaicError('MOSAIC_ERR_CLI_USAGE', {
      detail: `expected ${expected} argument(s): ${(cmd.positionals ?? []).join(' ') || 'none'}`,
    });
  }
  return { values, positionals: parsed.positionals };
}

export function str(args: ParsedArgs, name: string): string {
  const v = args.values[name];
  if (typeof v !== 'string') throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: `missing --${name}` });
  return v;
}

export function optStr(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(args: ParsedArgs, name: string): string[] {
  const v = optStr(args, name);
  return v === undefined
    ? []
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}

export function int(args: ParsedArgs, name: string, fallback: number, min = 1, max = 1_000_000): number {
  const v = optStr(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new MosaicError('MOSAIC_ERR_CLI_USAGE', {
      detail: `--${name} must be an integer from ${min} to ${max}`,
    });
  }
  return n;
}

/** A passphrase from `--passphrase-file` or the MOSAIC_PASSPHRASE environment variable; never from argv. */
export function readPassphrase(args: ParsedArgs, io: CliIo): string {
  const file = optStr(args, 'passphrase-file');
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new MosaicError('MOSAIC_ERR_CONFIG_NOT_FOUND', { detail: file, cause: err });
    }
  }
  const env = io.env['MOSAIC_PASSPHRASE'];
  if (env !== undefined && env !== '') return env;
  throw new MosaicError('MOSAIC_ERR_CLI_USAGE', {
    detail: 'a passphrase is required: --passphrase-file FILE or MOSAIC_PASSPHRASE',
  });
}

export const passphraseOption: Record<string, OptionSpec> = {
  'passphrase-file': {
    type: 'string',
    description: 'file holding the key passphrase (else $MOSAIC_PASSPHRASE)',
  },
};
