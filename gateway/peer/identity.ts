import type { TLSSocket } from 'node:tls';
import { certThumbprint, spkiPin } from '../pki/x509.js';

/** What the TLS layer established about the client, read once per connection (perf-limits §4). */
export type PeerIdentity =
  | { readonly state: 'verified'; readonly pin: string; readonly thumbprint: string }
  | { readonly state: 'no-cert' }
  | { readonly state: 'untrusted'; readonly reason: string };

const cache = new WeakMap<TLSSocket, PeerIdentity>();

export function peerIdentityOf(socket: TLSSocket): PeerIdentity {
  let id = cache.get(socket);
  if (id === undefined) {
    id = readIdentity(socket);
    cache.set(socket, id);
  }
  return id;
}

function readIdentity(socket: TLSSocket): PeerIdentity {
  const cert = socket.getPeerX509Certificate();
  if (cert === undefined) return { state: 'no-cert' };
  // `authorized` is true only when the chain verified against the federation CA (and CRL, when configured).
  if (!socket.authorized)
    return { state: 'untrusted', reason: String(socket.authorizationError ?? 'unknown') };
  return { state: 'verified', pin: spkiPin(cert), thumbprint: certThumbprint(cert) };
}
