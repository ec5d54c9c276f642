# One image for both processes: `node lib/bin/gateway.js` or `node lib/bin/worker.js` (the default). It holds the
# compiled src/ and production dependencies only: no sandbox, no dev world, no tsx.
ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The worker's process settings (WORKER_PROCESS in src/workers.ts): the malloc arenas here, the V8 flags in CMD.
ENV MALLOC_ARENA_MAX=2
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
USER node
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=1", "lib/bin/worker.js"]
