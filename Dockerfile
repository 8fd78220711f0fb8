# Mosaic node image: multi-stage, non-root, runs with a read-only root file system; all state in /var/lib/mosaic.
#   docker build -t mosaic-node .
#   docker run --read-only --tmpfs /tmp -v mosaic-data:/var/lib/mosaic -p 8443:8443 mosaic-node
FROM node:20-bookworm-slim AS build
WORKDIR /src
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/mosaic
COPY --from=build --chown=root:root /src/package.json ./
COPY --from=build --chown=root:root /src/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
COPY --from=build --chown=root:root /src/matching/data ./matching/data
COPY --from=build --chown=root:root /src/console/static ./console/static
RUN ln -s /opt/mosaic/dist/gateway/cli/main.js /usr/local/bin/mosaic && chmod 755 dist/gateway/cli/main.js \
  && mkdir -p /var/lib/mosaic && chown node:node /var/lib/mosaic
USER node
VOLUME ["/var/lib/mosaic"]
# 8443: the mTLS peer listener (expose to the federation). 8080: the API (expose to the agency network only).
EXPOSE 8443 8080
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/opt/mosaic/dist/gateway/cli/main.js"]
CMD ["node", "start", "--config", "/var/lib/mosaic/mosaic.yaml"]
