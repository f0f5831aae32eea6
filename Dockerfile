# syntax=docker/dockerfile:1
# The app image: API + web UI, and the same image runs the job workers
# (WORKERS_ONLY=true). Built by docker-compose.yml; versions come from .env.
#
#   deps     npm ci (all dependencies: the web build needs vite)
#   web      npm run build:web -> modeler/dist
#   runtime  production dependencies, the sources (run by tsx), the built web UI
ARG NODE_VERSION=20.20.2

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS web
COPY . .
RUN npm run build:web

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# tsx runs the TypeScript sources; it is a production dependency.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY api ./api
COPY domain ./domain
COPY engine ./engine
COPY workers ./workers
COPY processes ./processes
COPY scripts ./scripts
COPY --from=web /app/modeler/dist ./modeler/dist
USER node
EXPOSE 3000
# MONGODB_URI must be set (no FerretDB in the image). Health: GET /api/health.
CMD ["node", "--import", "tsx", "scripts/start.ts"]
