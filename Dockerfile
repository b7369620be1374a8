# sprawl as a container image for any CI (GitLab CI, Jenkins, Buildkite, …):
#   docker build --build-arg SPRAWL_BUILD_COMMIT="$(git rev-parse HEAD)" -t sprawl .
#   docker run --rm -v "$PWD:/src" sprawl scan --git .
# Stage 1 builds a static (musl) binary; stage 2 is Alpine with git (history scans of mounted or cloned
# repositories, bulk clones) and CA certificates (--validate), running as an unprivileged user.

FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev gcc
WORKDIR /build
COPY . .
# .dockerignore keeps .git out of the context: the commit for `sprawl --version` comes in as an argument.
ARG SPRAWL_BUILD_COMMIT=""
ENV SPRAWL_BUILD_COMMIT=${SPRAWL_BUILD_COMMIT} \
    RUSTFLAGS="-C target-feature=+crt-static"
# An explicit --target (the image's own musl host) keeps RUSTFLAGS off build scripts and proc-macros,
# which cannot be linked statically.
RUN target="$(rustc -vV | sed -n 's/^host: //p')" \
    && cargo build --release --locked --target "$target" \
    && cp "target/$target/release/sprawl" /usr/local/bin/sprawl \
    && sprawl --version

FROM alpine:3
RUN apk add --no-cache git ca-certificates \
    && adduser -D -H -u 10001 sprawl \
    # Mounted repositories belong to another user; sprawl only reads them.
    && git config --system --add safe.directory '*'
COPY --from=build /usr/local/bin/sprawl /usr/local/bin/sprawl
COPY LICENSE-MIT LICENSE-APACHE README.md /usr/share/doc/sprawl/
USER 10001:10001
WORKDIR /src
ENTRYPOINT ["sprawl"]
CMD ["scan", "."]
