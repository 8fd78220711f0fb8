import { NICKNAME_PAIRS } from '../data/nicknames.js';

/**
 * Each name's nickname group as a set of canonical names: "bob" belongs to {robert}, "robert" to {robert}.
 * Two given names are nickname-equivalent when their groups intersect. Built once, lazily.
 */
let groups: Map<string, string[]> | undefined;

function build(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  const add = (name: string, canon: string) => {
    const g = m.get(name);
    if (g === undefined) m.set(name, [canon]);
    else if (!g.includes(canon)) g.push(canon);
  };
  for (const line of NICKNAME_PAIRS.split('\n')) {
    const comma = line.indexOf(',');
    if (comma <= 0) continue;
    const full = line.slice(0, comma);
    const nick = line.slice(comma + 1);
    add(full, full);
    add(nick, full);
  }
  return m;
}

/** Canonical full names a folded given name may stand for (itself if unknown). */
export function nicknameGroups(name: string): readonly string[] {
  groups ??= build();
  return groups.get(name) ?? [name];
}

/** True when two folded given names are the same name or nickname variants of one name. */
export function areNicknames(a: string, b: string): boolean {
  if (a === b) return true;
  const ga = nicknameGroups(a);
  const gb = nicknameGroups(b);
  for (const x of ga) if (gb.includes(x)) return true;
  return false;
}
