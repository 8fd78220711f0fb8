#!/usr/bin/env node
import { pathToFileURL } from 'node:url';
import { isMosaicError } from '../../contracts/index.js';
import { formatIssues } from '../config/load.js';
import { type CliIo, type Command, helpText, parse } from './command.js';
import {
  federationAdmit,
  federationInit,
  federationPublish,
  federationRemoveMember,
  federationRevoke,
  federationUpdateMember,
} from './commands/federation.js';
import { auditExport, auditPurge, auditReconcile, auditVerify } from './commands/audit.js';
import { nodeBackup } from './commands/backup.js';
import { importCommand, screenCommand } from './commands/data.js';
import { demoReset, demoStart } from './commands/demo.js';
import { keysActivate, keysRotate } from './commands/keys.js';
import { configCheck, nodeInit, nodeStart } from './commands/node.js';
import { peersCheck, status } from './commands/ops.js';
import { policyCheck, policyExplain, policySign, policyTest } from './commands/policy.js';
import { search } from './commands/search.js';
import { userAdd, userDisable, userList } from './commands/user.js';

export const COMMANDS: readonly Command[] = [
  federationInit,
  federationAdmit,
  federationUpdateMember,
  federationRemoveMember,
  federationPublish,
  federationRevoke,
  nodeInit,
  nodeStart,
  nodeBackup,
  configCheck,
  status,
  peersCheck,
  keysRotate,
  keysActivate,
  userAdd,
  userList,
  userDisable,
  search,
  importCommand,
  screenCommand,
  policyCheck,
  policyTest,
  policyExplain,
  policySign,
  auditVerify,
  auditExport,
  auditReconcile,
  auditPurge,
  demoStart,
  demoReset,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(' ').length));
  return [
    'mosaic: the Mosaic federated exchange gateway',
    '',
    'Commands:',
    ...COMMANDS.map(
      (c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary.split('. ')[0]!.replace(/\.$/, '')}`,
    ),
    '',
    "Run 'mosaic COMMAND --help' for a command's options.",
  ].join('\n');
}

/** Run the CLI; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    io.out(overview());
    return argv.length === 0 ? 2 : 0;
  }
  const cmd = COMMANDS.find((c) => c.path.every((w, i) => argv[i] === w));
  if (!cmd) {
    io.err(`error: unknown command '${argv.slice(0, 2).join(' ')}'`);
    io.err(overview());
    return 2;
  }
  try {
    const args = parse(cmd, argv.slice(cmd.path.length));
    if (args.values['help']) {
      io.out(helpText(cmd));
      return 0;
    }
    return await cmd.run(args, io);
  } catch (err) {
    if (isMosaicError(err)) {
      io.err(`error: ${err.code}: ${err.message}${err.detail ? ` (${err.detail})` : ''}`);
      if (err.issues.length > 0) io.err(formatIssues(err.issues));
      if (err.code === 'MOSAIC_ERR_CLI_USAGE') {
        io.err(`\n${helpText(cmd)}`);
        return 2;
      }
      return 1;
    }
    io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly || process.argv[1]?.endsWith('/mosaic')) {
  main(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    env: process.env,
    now: Date.now,
  }).then((code) => {
    process.exitCode = code;
  });
}
