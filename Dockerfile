# One image for every process: `node lib/bin/worker.js` (the default), `lib/bin/gateway.js` or
# `lib/bin/codec-server.js`. It holds the compiled src/ and the workflow bundle built at build time, production
# dependencies only (no sandbox, no dev world, no tsx), and runs as the unprivileged `node` user.
ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The client package and the seat app are workspaces of the lockfile: npm ci wants their manifests, and
# --workspaces=false keeps their code and dependencies (an embedded database, for one) out of the image.
COPY packages/client/package.json ./packages/client/
COPY examples/seat-app/package.json ./examples/seat-app/
RUN npm ci --no-audit --no-fund --workspaces=false
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --workspaces=false
# The SDK ships its native core for five platforms; the image keeps this one's (about 110 MB less).
RUN case "$(uname -m)" in \
      x86_64) keep=x86_64-unknown-linux-gnu ;; \
      aarch64) keep=aarch64-unknown-linux-gnu ;; \
      *) echo "no Temporal core for $(uname -m)" >&2; exit 1 ;; \
    esac && \
    find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 ! -name "$keep" -exec rm -rf {} + && \
    test -d "node_modules/@temporalio/core-bridge/releases/$keep"

FROM node:${NODE_VERSION}-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The worker's process settings (WORKER_PROCESS in src/workers.ts): the malloc arenas here, the V8 flags in CMD.
ENV MALLOC_ARENA_MAX=2
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
# The emails' own templates (README, "Notifications"), read from beside lib/.
COPY templates ./templates
USER node
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=1", "lib/bin/worker.js"]
