# syntax=docker/dockerfile:1
# Servicetorg in two stages: build with every dependency, then run the JavaScript build as a
# non-root user with production dependencies only. scripts/check-production-build.sh runs the same
# steps without Docker in CI, so this recipe cannot rot unnoticed.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles itself when no prebuilt binary fits the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY . .
# 1. every dependency; 2. the server to dist/ and the console to client/dist; 3. drop dev dependencies.
RUN npm ci --no-audit --no-fund \
  && npm run build \
  && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
# espeak-ng speaks prompts without Google TTS; sox converts its audio for the phone line.
RUN apt-get update \
  && apt-get install -y --no-install-recommends espeak-ng sox \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/client/dist ./client/dist
COPY --from=build /app/scripts/run.cjs ./scripts/run.cjs
# The only writable place: an embedded SQLite file when DATABASE_URL is left at its default.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `--role web` or `--role worker --health-port 9101` in a deployment of several processes (compose.yaml).
CMD ["node", "dist/server/main.js"]
