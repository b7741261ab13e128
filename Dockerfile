# Mailroom container image. Every RUN step here is also run outside Docker by
# test/integration/docker-image.test.ts (npm ci, npm run build, npm ci --omit=dev, start).
#
#   docker build -t mailroom .
#   docker run --rm -p 127.0.0.1:1025:1025 -p 127.0.0.1:8025:8025 mailroom
#
# Production dependencies only: `npm ci --omit=dev` runs in the build stage, where compilers exist
# for better-sqlite3's native module, and only that node_modules is copied into the slim stage.
# The container listens on 0.0.0.0 (inside the container only; publish ports on 127.0.0.1), with
# implicit-TLS SMTP on 1465 (a self-signed certificate unless MAILROOM_SMTP_TLS_CERT/KEY are given).

# ---- build: compile the server (tsc) and the web bundle (vite) with every dependency
FROM node:20-bookworm AS build
WORKDIR /app
# .npmrc: legacy-peer-deps, so the dev-only Cypress plugins used by the compat tests do not pull in Cypress.
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: the package's prepare step builds, and the sources are not here yet;
# npm rebuild then runs the dependencies' own install steps (better-sqlite3's native build).
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild
COPY tsconfig.json ./
COPY server ./server
COPY web ./web
RUN npm run build
# Production dependencies only; built here, where compilers exist (better-sqlite3 is native).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild

# ---- runtime: slim Node, production dependencies and dist/ only, unprivileged
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    MAILROOM_SMTP=0.0.0.0:1025 \
    MAILROOM_SMTPS=0.0.0.0:1465 \
    MAILROOM_LISTEN=0.0.0.0:8025
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# /data is where MAILROOM_DATA_DIR=/data keeps messages when persistence is wanted (mount a volume).
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 1025 1465 8025
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "dist/server/healthcheck.js"]
ENTRYPOINT ["node", "dist/server/cli.js"]
