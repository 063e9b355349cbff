# One image per app, all from this file: docker build --build-arg APP=fetcher -t qtickets-pipeline/fetcher .
# APP is one of docker/image.ts's IMAGES: scheduler, fetcher, transformer, writer, webhooks, dashboard, migrate, simulator.
# Each image holds its app's production dependencies (its workspace packages included) and nothing for tests.
# Node 24 runs the TypeScript sources directly: no build step.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN npm install -g pnpm@11.28.10 --no-audit --no-fund
# Every workspace manifest (pnpm checks the lockfile against all of them), then the app's production install.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY apps/scheduler/package.json apps/scheduler/
COPY apps/fetcher/package.json apps/fetcher/
COPY apps/transformer/package.json apps/transformer/
COPY apps/writer/package.json apps/writer/
COPY apps/dashboard/package.json apps/dashboard/
COPY apps/webhooks/package.json apps/webhooks/
COPY packages/shared/package.json packages/shared/
COPY packages/pipeline/package.json packages/pipeline/
COPY packages/qtickets-client/package.json packages/qtickets-client/
COPY packages/simulator/package.json packages/simulator/
COPY packages/testing/package.json packages/testing/
COPY packages/embedded/package.json packages/embedded/
COPY packages/dashboard/package.json packages/dashboard/
COPY packages/status/package.json packages/status/
COPY docker/image.ts docker/
# Everything above is the same for every image (one cached layer set); APP matters from here on.
ARG APP
# CI replays this step without Docker (test/image-install.test.ts): keep it one `node docker/image.ts install` call.
RUN --mount=type=cache,id=qtp-pnpm-store,target=/pnpm/store node docker/image.ts install "$APP" --store-dir=/pnpm/store

FROM ${NODE_IMAGE}
ARG APP
# NODE_OPTIONS: the workers' heap limits (WORKER_NODE_OPTIONS in packages/shared; the compose file gives the simulator more).
ENV NODE_ENV=production LOG_FORMAT=json QTP_APP=${APP} NODE_OPTIONS="--max-old-space-size=112 --max-semi-space-size=4"
WORKDIR /app
COPY --from=deps /app /app
# Sources (.dockerignore leaves out tests, docs, .env files and node_modules).
COPY . .
USER node
ENTRYPOINT ["node", "docker/image.ts", "run"]
