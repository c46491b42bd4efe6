# mockgraph sandbox: docker build -t mockgraph . && docker run -p 4000:4000 -v mockgraph-data:/data mockgraph
# The container listens on every interface, so the admin API (reset, data listing, inspector) is locked unless
# it gets a token: docker run -e MOCKGRAPH_ADMIN_TOKEN=a-long-random-secret -p 4000:4000 … mockgraph
# Clients that reach it by a host name (not an IP address or localhost) need -e MOCKGRAPH_ALLOWED_HOSTS=that.name

# Build stage: dev dependencies, the TypeScript build, then production dependencies only.
FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched; node's own image ships the
# headers in /usr/local/include/node, so node-gyp needs nothing from the network.
ENV npm_config_nodedir=/usr/local
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY generated ./generated
COPY schemas ./schemas
COPY server ./server
COPY contract-tests ./contract-tests
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Runtime stage: node, the build output and production dependencies; runs as the unprivileged user node.
FROM node:20-slim
ENV NODE_ENV=production \
    MOCKGRAPH_HOST=0.0.0.0 \
    MOCKGRAPH_PORT=4000 \
    MOCKGRAPH_DATA=/data/mockgraph.db
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY schemas ./schemas
COPY server/static ./server/static
COPY contract-tests/docs ./contract-tests/docs
# The start page links the README and its docs/ pages, served from the image.
COPY README.md ./
COPY docs ./docs
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000
VOLUME /data
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "const get = (m, next) => require(m).get({ host: '127.0.0.1', port: process.env.MOCKGRAPH_PORT || 4000, path: '/_mockgraph/health', rejectUnauthorized: false }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', next); get('node:https', () => get('node:http', () => process.exit(1)))"]
CMD ["node", "bin/mockgraph.js", "serve"]
