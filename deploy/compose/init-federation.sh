#!/bin/sh
# Creates the evaluation federation once in /var/lib/mosaic (the shared volume). Demo only: in production every
# agency runs `mosaic node init` on its own premises and the authority never sees a private key.
set -eu
cd /var/lib/mosaic
[ -f authority/trust-list.jws ] && { echo "federation exists"; exit 0; }
mosaic federation init --dir authority --name compose-fed
for spec in ro-police:RO hu-border:HU at-labour:AT; do
  id=${spec%%:*}; cc=${spec##*:}
  mosaic node init --dir "$id" --agency "$id" --country "$cc" --endpoint "https://$id:8443" \
    --trust-list /var/lib/mosaic/authority/trust-list.jws
  mosaic federation admit --dir authority --request "$id/membership-request.json" --out "$id"
done
mosaic federation publish --dir authority --valid-days 30
