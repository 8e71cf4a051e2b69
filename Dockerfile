# syntax=docker/dockerfile:1

# Build stage: compile the release binary. Templates, the stylesheet, the
# migrations and config/default.toml are all compiled into it.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin unmentoring

# Runtime stage: just the binary, CA certificates for SMTP over TLS, and a
# non-root user. Settings come from environment variables
# (UNMENTORING__SECTION__KEY); no configuration files are needed.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system unmentoring \
    && useradd --system --gid unmentoring --home-dir /app --no-create-home unmentoring \
    && mkdir -p /app/data \
    && chown unmentoring:unmentoring /app/data
WORKDIR /app
COPY --from=build /src/target/release/unmentoring /usr/local/bin/unmentoring
USER unmentoring
# The SQLite database and any .eml files live in /app/data (a volume).
VOLUME ["/app/data"]
ENV UNMENTORING__SERVER__HOST=0.0.0.0
EXPOSE 8080
CMD ["unmentoring", "serve"]
