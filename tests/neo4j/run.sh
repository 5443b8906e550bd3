#!/usr/bin/env bash
# Starts the Neo4j test server (run setup.sh first): run.sh PORT WORK_DIR [--exit-on-stdin-eof]
# Prints `READY bolt://127.0.0.1:PORT` on stdout once Bolt accepts connections; auth is off.
# The flags are the ones Neo4j 5.26 itself recommends for its JVM (neo4j-admin's
# ConfigFileMigrator: the --add-opens set, native access, no log4j JMX); the heap stays modest
# because the machine running the tests is shared. NEO4J_TEST_HEAP overrides it (e.g. 2g), and
# NEO4J_TEST_PAGECACHE_MB the page cache (default 128; benchmarks at 1M records want ~2048).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
JAVA_BIN=${JAVA_HOME:+$JAVA_HOME/bin/}java
exec "$JAVA_BIN" \
  -Xms256m "-Xmx${NEO4J_TEST_HEAP:-1g}" \
  -XX:+UseG1GC \
  -XX:-OmitStackTraceInFastThrow \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --enable-native-access=ALL-UNNAMED \
  -Dlog4j2.disable.jmx=true \
  -Dio.netty.tryReflectionSetAccessible=true \
  -Djdk.nio.maxCachedBufferSize=1024 \
  -cp "$HERE/lib/*:$HERE/target/classes" \
  id.dtsen.testserver.TestServer "$@"
