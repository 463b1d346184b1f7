# pgmon: the API (default command) and, with another command, the collector or the CLI.
#
# Node 24 is the LTS line that better-sqlite3 12 supports (12 is what the Node 20 development
# machines need); move to Node 26 together with better-sqlite3 13.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 and ssh2's optional cpu-features are native modules built by node-gyp,
# against the headers that ship in the image (no download), on every CPU. node-gyp reads its
# options from npm_package_config_node_gyp_*: they are not npm settings, so npm 11 warns about
# npm_config_nodedir, --nodedir and nodedir in .npmrc alike.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_package_config_node_gyp_nodedir=/usr/local \
    npm_package_config_node_gyp_jobs=max \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY apps apps
COPY libs libs
# The image has no compiler at run time: `npm run pgmon` runs the built CLI without its build.
RUN npx tsc -p tsconfig.json \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm pkg delete scripts.prepgmon

FROM node:${NODE_VERSION}-bookworm-slim
# npm only runs `npm run pgmon` here: no registry look-ups, nothing of npm's in the data volume
# (the home directory of the pgmon user).
ENV NODE_ENV=production \
    DATA_DIR=/var/lib/pgmon \
    PORT=8000 \
    npm_config_update_notifier=false \
    npm_config_logs_max=0 \
    npm_config_cache=/tmp/npm
WORKDIR /app
RUN groupadd --system pgmon \
 && useradd --system --gid pgmon --home-dir /var/lib/pgmon --shell /usr/sbin/nologin pgmon \
 && install -d -o pgmon -g pgmon -m 0700 /var/lib/pgmon
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/apps ./dist/apps
COPY --from=build /app/dist/libs ./dist/libs
USER pgmon
EXPOSE 8000
VOLUME ["/var/lib/pgmon"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node handles SIGTERM itself (graceful shutdown); run with `init: true` (tini) for zombie reaping.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "dist/apps/api/src/main.js"]
