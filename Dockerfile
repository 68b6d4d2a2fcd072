# The API service. `docker compose up` runs it against PostgreSQL 15 (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=warn
COPY tsconfig.json ./
COPY src ./src
COPY console ./console
COPY migrations ./migrations
COPY openapi ./openapi
ENV HOST=0.0.0.0 PORT=3000 NODE_ENV=production
EXPOSE 3000
# The first admin key is written to /app/data/admin-key.txt (mode 0600), readable by `node` only.
RUN mkdir -p /app/data && chown node:node /app/data && chmod 700 /app/data
USER node
CMD ["node", "--min-semi-space-size=16", "--import", "tsx", "src/server.ts"]
