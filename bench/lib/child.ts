import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Start a benchmark server in its own process and wait for its first JSON line (which carries its URL). */
export async function startChild(
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<Record<string, string>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    lines.once('line', (l) => resolve(JSON.parse(l)));
  });
  child.removeAllListeners('exit');
  return { child, info };
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
