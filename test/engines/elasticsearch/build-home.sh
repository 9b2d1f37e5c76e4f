#!/usr/bin/env bash
# Lays out an Elasticsearch home for Citebox's engine tests: the official integ-test-zip from Maven
# Central, plus the test-only plugin next to this script (plugin/: the analysis-common analyzers
# Citebox uses and the root endpoint). See README.md here.
#
#   test/engines/elasticsearch/build-home.sh --out DIR [--version 9.5.3] [--zip FILE] [--java-home JDK] [--no-plugin]
#
# --no-plugin lays out the zip as it is (the tests use such a bare home to check that Citebox's
# start-up check names what the zip lacks).
# Idempotent: DIR holds a stamp of the version and the plugin's sources; a matching DIR is left as
# it is, anything else is rebuilt (into DIR.tmp-PID, then renamed into place). Prints DIR on stdout;
# everything else goes to stderr. Needs a JDK 21+ (javac, jar), unzip, and mvn unless --zip is given
# (the zip then lands in Maven's local repository, ~/.m2, the download cache).
set -euo pipefail

VERSION=9.5.3
OUT=''
ZIP=''
JDK="${CITEBOX_ES_JAVA_HOME:-${ES_JAVA_HOME:-}}"
MVN="${CITEBOX_MVN:-mvn}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PLUGIN_NAME=citebox-test-modules
WITH_PLUGIN=1

die() { echo "build-home.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="${2:?--out needs a directory}"; shift 2 ;;
    --version) VERSION="${2:?--version needs a value}"; shift 2 ;;
    --zip) ZIP="${2:?--zip needs a file}"; shift 2 ;;
    --java-home) JDK="${2:?--java-home needs a directory}"; shift 2 ;;
    --no-plugin) WITH_PLUGIN=0; shift ;;
    -h|--help) sed -n '2,12p' "$0" >&2; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
[ -n "$OUT" ] || die "--out DIR is required"
case "$VERSION" in 8.*|9.*) ;; *) die "--version: Elasticsearch 8.x or 9.x, not $VERSION" ;; esac
OUT="$(mkdir -p "$(dirname "$OUT")" && cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"

# A JDK of major 21 or newer: the given one, else the newest under /usr/lib/jvm, else the PATH's.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }
if [ -z "$JDK" ]; then
  for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV) "$(dirname "$(dirname "$(readlink -f "$(command -v javac || echo /nonexistent)")")")"; do
    candidate="${candidate%/}"
    if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then JDK="$candidate"; break; fi
  done
fi
[ -n "$JDK" ] && [ -x "$JDK/bin/javac" ] || die "no JDK 21+ with javac found (set CITEBOX_ES_JAVA_HOME or pass --java-home)"
[ "$(java_major "$JDK")" -ge 21 ] || die "$JDK is Java $(java_major "$JDK"); Elasticsearch $VERSION needs 21+"

# The stamp: the version and the plugin's sources (and this script), so edits rebuild the home.
STAMP="$VERSION plugin=$WITH_PLUGIN $(cat "$0" "$HERE"/plugin/src/citebox/estest/*.java | sha256sum | cut -c1-16)"
if [ -f "$OUT/.citebox-home" ] && [ "$(cat "$OUT/.citebox-home")" = "$STAMP" ]; then
  echo "$OUT"
  exit 0
fi

WORK="$OUT.tmp-$$"
rm -rf "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

if [ -z "$ZIP" ]; then
  echo "build-home.sh: fetching org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VERSION:zip through Maven" >&2
  "$MVN" -B -q -Dstyle.color=never dependency:copy \
    "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VERSION:zip" \
    "-DoutputDirectory=$WORK/download" >&2 \
    || die "mvn could not fetch the Elasticsearch $VERSION integ-test-zip (is Maven Central reachable?)"
  ZIP="$WORK/download/elasticsearch-$VERSION.zip"
fi
[ -f "$ZIP" ] || die "no zip at $ZIP"

echo "build-home.sh: unpacking $(basename "$ZIP")" >&2
command -v unzip >/dev/null || die "unzip is needed"
unzip -q "$ZIP" -d "$WORK/unpacked"
HOME_DIR="$WORK/unpacked/elasticsearch-$VERSION"
[ -x "$HOME_DIR/bin/elasticsearch" ] || die "the zip has no elasticsearch-$VERSION/bin/elasticsearch"
rm -rf "$WORK/download"

if [ "$WITH_PLUGIN" = 1 ]; then
  echo "build-home.sh: building the $PLUGIN_NAME plugin with $JDK" >&2
  mkdir -p "$WORK/classes"
  "$JDK/bin/javac" --release 21 -nowarn -proc:none -encoding UTF-8 \
    -cp "$HOME_DIR/lib/*" -d "$WORK/classes" "$HERE"/plugin/src/citebox/estest/*.java >&2
  PLUGIN_DIR="$HOME_DIR/plugins/$PLUGIN_NAME"
  mkdir -p "$PLUGIN_DIR"
  "$JDK/bin/jar" --create --file "$PLUGIN_DIR/$PLUGIN_NAME.jar" -C "$WORK/classes" .
  cat > "$PLUGIN_DIR/plugin-descriptor.properties" <<EOF
description=TEST ONLY: the analysis-common analyzers Citebox uses (english, cjk, cjk_width, asciifolding) and the rest-root endpoint (GET /), for the integ-test-zip
version=$VERSION
name=$PLUGIN_NAME
classname=citebox.estest.CiteboxTestModulesPlugin
java.version=21
elasticsearch.version=$VERSION
EOF
fi
echo "$STAMP" > "$HOME_DIR/.citebox-home"

rm -rf "$OUT"
mv "$HOME_DIR" "$OUT"
echo "build-home.sh: Elasticsearch $VERSION home ready in $OUT" >&2
echo "$OUT"
