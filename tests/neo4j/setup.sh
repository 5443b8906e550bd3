#!/usr/bin/env bash
# Fetches Neo4j's test harness jars (Maven Central, pinned in pom.xml) into tests/neo4j/lib/ and
# compiles TestServer.java into tests/neo4j/target/classes/. Needs only a JDK 17+ and Maven.
# Idempotent: a stamp records what was built from; a second run with nothing changed does nothing.
set -euo pipefail
cd "$(dirname "$0")"

die() { echo "tests/neo4j/setup.sh: $*" >&2; exit 1; }

JAVA_BIN=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAVAC_BIN=${JAVA_HOME:+$JAVA_HOME/bin/}javac
command -v "$JAVA_BIN" >/dev/null || die "no java found (install a JDK 17+ or set JAVA_HOME)"
command -v "$JAVAC_BIN" >/dev/null || die "no javac found (install a JDK 17+, not only a JRE, or set JAVA_HOME)"
command -v mvn >/dev/null || die "no mvn found (install Maven, e.g. apt-get install maven)"

java_major=$("$JAVA_BIN" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || die "Java ${java_major:-?} found; Neo4j 5.26 needs Java 17+"

SRC=src/main/java/id/dtsen/testserver/TestServer.java
DEPS_STAMP=lib/.setup-stamp
CLASSES_STAMP=target/.setup-stamp
want_deps=$(sha256sum pom.xml | cut -c1-16)
want_classes=$(cat pom.xml "$SRC" | sha256sum | cut -c1-16)-java$java_major

# Jars: only when pom.xml changed (a running server keeps using the jars it opened).
if [ ! -f "$DEPS_STAMP" ] || [ "$(cat "$DEPS_STAMP")" != "$want_deps" ]; then
  rm -rf lib
  mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime \
    || die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
  ls lib/neo4j-harness-*.jar >/dev/null 2>&1 || die "neo4j-harness jar missing from lib/ after mvn"
  echo "$want_deps" > "$DEPS_STAMP"
fi

# The main class: when its source, the jars or the JDK changed.
if [ ! -f "$CLASSES_STAMP" ] || [ "$(cat "$CLASSES_STAMP")" != "$want_classes" ] \
    || [ ! -f target/classes/id/dtsen/testserver/TestServer.class ]; then
  rm -rf target
  mkdir -p target/classes
  "$JAVAC_BIN" --release 17 -nowarn -d target/classes -cp 'lib/*' "$SRC" || die "javac of $SRC failed"
  echo "$want_classes" > "$CLASSES_STAMP"
fi
