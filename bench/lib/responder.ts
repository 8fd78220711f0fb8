/** A responder node for benchmarks: a dataset of seeded persons imported through the real path, and a policy. */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { importFile, openSqliteConnector, parseMapping } from '../../connectors/index.js';
import { person, reseed } from './persons.js';

const MAPPING = `kind: person
id: id
dateOrder: ymd
fields:
  givenName: given
  familyName: family
  birthDate: dob
  phone: phone
links:
  - kind: phone
    type: uses-phone
    fields: { number: phone }
`;

/** Permit a summary of persons to every member for trafficking investigations. */
const POLICY = `rules:
  - id: bench-summary
    effect: permit
    when: { purposes: [trafficking-investigation], datasets: [persons] }
    grant:
      maxGranularity: summary
      fields: { givenName: keep, familyName: keep, birthDate: year-only, phone: mask }
      minScore: 0.5
      maxHits: 10
`;

/** Write `n` persons into `nodeDir/data/records.db`, a policy into `nodeDir/policies`, and point the config at both. */
export function provisionResponder(nodeDir: string, n: number): { importRps: number } {
  mkdirSync(join(nodeDir, 'data'), { recursive: true });
  const csv = join(nodeDir, 'persons.csv');
  const fd = openSync(csv, 'w');
  writeSync(fd, 'id,given,family,dob,phone\n');
  reseed();
  for (let i = 0; i < n; i++) {
    const p = person(i);
    writeSync(fd, `${p.id},${p.given},${p.family},${p.dob},${p.phone}\n`);
  }
  closeSync(fd);
  const connector = openSqliteConnector(join(nodeDir, 'data', 'records.db'));
  const t0 = performance.now();
  importFile({ db: connector, file: csv, dataset: 'persons', mapping: parseMapping(MAPPING) });
  const importRps = n / ((performance.now() - t0) / 1000);
  connector.close();
  mkdirSync(join(nodeDir, 'policies'), { recursive: true });
  writeFileSync(join(nodeDir, 'policies', 'bundle.yaml'), 'version: bench.1\n');
  writeFileSync(join(nodeDir, 'policies', 'sharing.yaml'), POLICY);
  const config = join(nodeDir, 'mosaic.yaml');
  writeFileSync(
    config,
    `${readFileSync(config, 'utf8')}data: { path: data/records.db }\npolicies: { dir: policies }\n`,
  );
  return { importRps };
}

/** Fuzzy person selectors for the i-th generated person: its name with a typo and its birth date. */
export function fuzzyQueries(n: number, count: number): { fullName: string; birthDate: string }[] {
  reseed();
  const all = Array.from({ length: n }, (_, i) => person(i));
  const out: { fullName: string; birthDate: string }[] = [];
  for (let k = 0; k < count; k++) {
    const p = all[(k * 7919) % n]!;
    const family = p.family.length > 4 ? p.family.slice(0, 2) + p.family.slice(3) : p.family;
    out.push({ fullName: `${p.given} ${family}`, birthDate: p.dob });
  }
  return out;
}
