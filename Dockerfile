# Wahub's image (deploy/README.md). Two stages: the build installs every dependency and builds the
# dashboard and the server's bundle (decision 0115), then drops the development ones; the runtime
# stage holds only what `wahub` runs, owned by root and run as the unprivileged user `wahub`.
# Migrations are their own step (`docker compose run --rm migrate`, or `wahub migrate`): `serve`
# also applies them, but a deployment runs them once before new instances start (expand/contract,
# deploy/README.md).
# Test: test/deploy/dockerfile.test.ts runs these same steps in a clean folder.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node bin/build-web.cjs && node bin/build-server.cjs && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    WAHUB_DATA_DIR=/data \
    PORT=8080 \
    WAHUB_SANDBOX=off
RUN groupadd --system wahub && useradd --system --gid wahub --home-dir /data wahub \
    && mkdir -p /data && chown wahub:wahub /data && chmod 700 /data
WORKDIR /app
COPY --from=build /app /app
USER wahub
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/wahub.cjs"]
CMD ["serve"]
