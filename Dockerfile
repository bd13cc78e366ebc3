# btls: the admission webhook (and the rest of the CLI) in a small, non-root image.
#
#   docker build -t ghcr.io/btls/btls:0.1.0 .
#   docker run --rm ghcr.io/btls/btls:0.1.0 --help
#
# Without a Docker engine, `node scripts/dockerfile-dry-run.mjs -- --help` runs the same steps in folders
# (test/deploy/image.test.ts does, on every `make test`).
#
# Build stage: the full toolchain, dev dependencies included (TypeScript), then pruned to what runs.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# the lock file first, so that source edits do not redo the install layer; --ignore-scripts: the package's
# `prepare` compiles, and the sources are not there yet (the build is the next step)
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: distroless has no shell, no package manager and no npm, only node; its :nonroot tag already
# runs as 65532, and USER repeats it numerically so that runAsNonRoot can check it without a passwd lookup.
FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
# owned by root and read-only for the process: the webhook never writes next to its code
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY rules ./rules
COPY crd ./crd
# `btls certs --render-webhooks` reads the packaged webhook configurations
COPY manifests ./manifests
USER 65532:65532
EXPOSE 8443
# bin/btls starts with `#!/usr/bin/env node`, and distroless has no /usr/bin/env: call node directly
ENTRYPOINT ["/nodejs/bin/node", "/app/bin/btls"]
# the Deployment passes `serve ... --tls-cert ... --tls-key ...`; a bare `docker run` shows the usage
CMD ["--help"]
