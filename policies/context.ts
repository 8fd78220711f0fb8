import type { SubjectKind, TrustList } from '../contracts/index.js';

/**
 * What a policy may name. Agencies, their countries and groups, and the purpose vocabulary come from the
 * trust list in force; datasets, the entity kinds they hold and their fields come from the node's data
 * connector catalogue. Anything a policy names outside this context is an error at load (fail closed).
 */
export interface PolicyContext {
  readonly agencies: Readonly<Record<string, AgencyFacts>>;
  /** The federation purpose vocabulary. */
  readonly purposes: readonly string[];
  readonly datasets: Readonly<Record<string, DatasetFacts>>;
}

export interface AgencyFacts {
  readonly country: string;
  readonly groups: readonly string[];
}

export interface DatasetFacts {
  /** Entity kinds the dataset holds. */
  readonly kinds: readonly SubjectKind[];
  /** Attribute names a record of this dataset may carry; a policy may release only these. */
  readonly fields: readonly string[];
}

/** One dataset of the connector catalogue (the connectors' DatasetInfo fits). */
export interface CatalogueDataset extends DatasetFacts {
  readonly name: string;
}

/** Build the context from a verified trust list and the connector's catalogue. */
export function contextFromTrustList(
  trustList: Pick<TrustList, 'members' | 'purposes'>,
  catalogue: readonly CatalogueDataset[],
): PolicyContext {
  const agencies: Record<string, AgencyFacts> = Object.create(null);
  for (const m of trustList.members) agencies[m.agencyId] = { country: m.country, groups: [...m.groups] };
  const datasets: Record<string, DatasetFacts> = Object.create(null);
  for (const d of catalogue) datasets[d.name] = { kinds: [...d.kinds], fields: [...d.fields] };
  return { agencies, purposes: [...(trustList.purposes ?? [])], datasets };
}

/** Own-property lookup: a context built from parsed JSON must not answer for `__proto__` or `toString`. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
