let prev2 = new Int32Array(64);
let prev = new Int32Array(64);
let cur = new Int32Array(64);

/**
 * Optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions), stopping early
 * once every cell of a row exceeds `max` (returns max + 1). Transpositions matter: "19810312" vs
 * "19810321" and "ANNA"/"NANA" are one slip, not two.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (lb + 1 > cur.length) {
    prev2 = new Int32Array((lb + 1) * 2);
    prev = new Int32Array((lb + 1) * 2);
    cur = new Int32Array((lb + 1) * 2);
  }
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb)
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb]!;
}

/**
 * `editDistance(a, b, 1) <= 1` in one pass and no allocation: equal, one insertion or deletion, one
 * substitution, or one adjacent transposition (UTF-16 code units, like editDistance). The scorer asks this
 * of most candidate pairs whose names are neither close nor phonetic.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  let long = a;
  let short = b;
  if (long.length < short.length) {
    long = b;
    short = a;
  }
  const ll = long.length;
  const ls = short.length;
  if (ll - ls > 1) return false;
  let i = 0;
  while (i < ls && long.charCodeAt(i) === short.charCodeAt(i)) i++;
  if (ll !== ls) {
    // One character of the longer string dropped at i.
    for (let k = i; k < ls; k++) if (long.charCodeAt(k + 1) !== short.charCodeAt(k)) return false;
    return true;
  }
  let j = i + 1;
  while (j < ll && long.charCodeAt(j) === short.charCodeAt(j)) j++;
  if (j === ll) return true; // one substitution at i
  if (
    j === i + 1 &&
    long.charCodeAt(i) === short.charCodeAt(i + 1) &&
    long.charCodeAt(i + 1) === short.charCodeAt(i)
  ) {
    for (let k = i + 2; k < ll; k++) if (long.charCodeAt(k) !== short.charCodeAt(k)) return false;
    return true;
  }
  return false;
}
