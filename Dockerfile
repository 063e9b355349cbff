# One image for every app; the compose file picks the entry point. Node 24 runs the TypeScript sources directly.
FROM node:24-slim AS deps
WORKDIR /app
RUN npm install -g pnpm@11.28.10 --no-audit --no-fund
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY apps/scheduler/package.json apps/scheduler/
COPY apps/fetcher/package.json apps/fetcher/
COPY apps/transformer/package.json apps/transformer/
COPY apps/writer/package.json apps/writer/
COPY apps/dashboard/package.json apps/dashboard/
COPY packages/shared/package.json packages/shared/
COPY packages/pipeline/package.json packages/pipeline/
COPY packages/qtickets-client/package.json packages/qtickets-client/
COPY packages/simulator/package.json packages/simulator/
COPY packages/testing/package.json packages/testing/
COPY packages/embedded/package.json packages/embedded/
COPY packages/dashboard/package.json packages/dashboard/
# Production dependencies of the apps, the simulator and the migrations runner only (no embedded ClickHouse, no test tools).
RUN pnpm install --frozen-lockfile --prod --filter "./apps/*" --filter @qtp/simulator --filter @qtp/shared

FROM node:24-slim
ENV NODE_ENV=production LOG_FORMAT=json
WORKDIR /app
COPY --from=deps /app /app
COPY . .
USER node
CMD ["node", "apps/scheduler/src/main.ts"]
