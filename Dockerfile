# syntax=docker/dockerfile:1

# Build stage: compile the release binary. Templates, the stylesheet, the
# migrations and config/default.toml are all compiled into it.
# The Rust release CI builds with (at least Cargo.toml's rust-version), on
# Debian 12 so that the binary's glibc is the runtime stage's.
FROM rust:1.95.0-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin unmentoring

# Runtime stage: the binary and nothing else. Nothing is installed with
# apt-get, so there are no package versions to pin and keep up to date:
# SQLite is built into the binary (libsqlite3-sys "bundled") and so are the
# root certificates for SMTP over TLS (lettre's rustls uses webpki-roots, not
# the system's store), so the image needs no ca-certificates package.
FROM debian:12.15-slim
# The service runs as user and group 10001, which own only /app/data. A
# number, not a name: Kubernetes' runAsNonRoot can only check a number, and
# the user needs no entry in /etc/passwd.
RUN mkdir -p /app/data && chown 10001:10001 /app/data
WORKDIR /app
COPY --from=build /src/target/release/unmentoring /usr/local/bin/unmentoring
# Fails the build if the binary needs a shared library this image lacks.
RUN ["unmentoring", "--version"]
USER 10001:10001
# The SQLite database and any .eml files live in /app/data (a volume).
VOLUME ["/app/data"]
# Settings come from environment variables (UNMENTORING__SECTION__KEY); no
# configuration files are needed.
ENV UNMENTORING__SERVER__HOST=0.0.0.0
EXPOSE 8080
# Asks /healthz on server.port; no curl needed. /healthz gives the database
# two seconds and the command gives up after five.
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=3 \
    CMD ["unmentoring", "healthcheck"]
CMD ["unmentoring", "serve"]
