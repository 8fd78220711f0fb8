/**
 * Checking an inclusion proof in the browser, with WebCrypto's SHA-256 and nothing else: the leaf hash is
 * recomputed from the entry's exact leaf data (RFC 9162 §2.1.1, `SHA-256(0x00 || leaf)`), and the audit path
 * is folded up to the root of the checkpoint it names (RFC 9162 §2.1.3.2). The checkpoint's signature is not
 * checked here (that needs the log key); "Verify ledger" checks every signature on the node.
 */

/** @param {Uint8Array[]} parts */
async function sha256(...parts) {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

/** @param {string} b64 */
function fromBase64(b64) {
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** @param {string} hex */
function fromHex(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** @param {Uint8Array} a @param {Uint8Array} b */
function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The origin, size and root hash of a C2SP tlog checkpoint note (its first three lines).
 * @param {string} note
 */
export function parseCheckpoint(note) {
  const [origin, size, root] = note.split('\n');
  if (!origin || !size || !root || !/^[0-9]+$/.test(size)) return null;
  return { origin, size: Number(size), root };
}

/**
 * @param {string} leafData the entry's exact leaf bytes (RFC 8785 text)
 * @param {{ leafIndex: number, treeSize: number, leafHash: string, hashes: string[], checkpoint: string }} proof
 * @returns {Promise<{ leafHashOk: boolean, rootOk: boolean, reason?: string }>}
 */
export async function checkInclusion(leafData, proof) {
  const leaf = await sha256(new Uint8Array([0]), new TextEncoder().encode(leafData));
  const leafHashOk = /^[0-9a-f]{64}$/.test(proof.leafHash) && equal(leaf, fromHex(proof.leafHash));
  const cp = parseCheckpoint(proof.checkpoint);
  if (!cp) return { leafHashOk, rootOk: false, reason: 'the checkpoint is not a tlog checkpoint' };
  if (cp.size !== proof.treeSize) {
    return {
      leafHashOk,
      rootOk: false,
      reason: `the checkpoint is for size ${cp.size}, not ${proof.treeSize}`,
    };
  }
  let fn = proof.leafIndex;
  let sn = proof.treeSize - 1;
  let r = leaf;
  const one = new Uint8Array([1]);
  for (const b64 of proof.hashes) {
    const p = fromBase64(b64);
    if (sn === 0) return { leafHashOk, rootOk: false, reason: 'the audit path is too long' };
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(one, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256(one, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return { leafHashOk, rootOk: false, reason: 'the audit path is too short' };
  const rootOk = equal(r, fromBase64(cp.root));
  return rootOk
    ? { leafHashOk, rootOk }
    : { leafHashOk, rootOk, reason: 'the path does not lead to the root' };
}
