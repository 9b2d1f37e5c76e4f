#!/bin/bash
# What Elastic's image entrypoint does that compose relies on: settings given as environment
# variables (lower case with a dot, e.g. `discovery.type=single-node`) become `-E` options, and
# ELASTIC_PASSWORD becomes the `elastic` user's bootstrap password in the keystore.
set -euo pipefail
cd /usr/share/elasticsearch

settings=()
while IFS='=' read -r -d '' name value; do
  [[ $name =~ ^[a-z0-9_]+\.[a-z0-9_.]+$ ]] || continue
  case $name in
    # The integ-test-zip has no machine-learning module, so it does not know this setting (the
    # full distribution does): leave it out rather than fail to start.
    xpack.ml.*)
      echo "docker-entrypoint: ignoring $name: this distribution has no machine-learning module" >&2
      continue
      ;;
  esac
  settings+=("-E$name=$value")
done < <(env -0)

if [[ -n ${ELASTIC_PASSWORD:-} ]]; then
  [[ -f config/elasticsearch.keystore ]] || bin/elasticsearch-keystore create >/dev/null
  if ! bin/elasticsearch-keystore list | grep -qx 'bootstrap.password'; then
    printf '%s' "$ELASTIC_PASSWORD" | bin/elasticsearch-keystore add -x bootstrap.password
  fi
fi

exec bin/elasticsearch "${settings[@]}" "$@"
