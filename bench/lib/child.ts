import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Start a benchmark server in its own process and wait for its first JSON line (which carries its URL). */
export async function startChild(
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  // MOSAIC_BENCH_PROFILE=DIR writes a CPU profile of each server process there (for finding hot spots).
  const profile = process.env['MOSAIC_BENCH_PROFILE'];
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...flags, script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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

/**
 * CPU time (user + system, ms) a child process has used so far, from /proc (Linux; 0 elsewhere). With the
 * parent's own `process.cpuUsage()` it shows whether a multi-process benchmark is bound by the cores.
 */
export function childCpuMs(child: ChildProcess): number {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Linux's USER_HZ, the unit of /proc/PID/stat times (100 on every mainstream architecture). */
const CLOCK_TICKS = 100;
