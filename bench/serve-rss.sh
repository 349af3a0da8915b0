#!/usr/bin/env bash
# Memory of `tally serve` as users start it (./tally, the launcher's default JVM flags, its AppCDS archive): idle,
# with one ~1 Mbit/s stream, per HTTP-FLV player and per WebRTC (pion) player, nginx-rtmp beside it in the same run.
# Writes the serve-rss section of docs/benchmarks.md. Hold the shared bench lock around it. Extra -D flags pass on:
#   bash bench/serve-rss.sh -Drss.flv=500 -Drss.rtc=0      (fewer FLV players, no WebRTC players)
#   TALLY_JAVA_OPTS='-XX:+UseG1GC' bash bench/serve-rss.sh  (try other JVM flags on top of the launcher's)
set -euo pipefail
cd "$(dirname "$0")/.."
./tally --version >/dev/null        # builds target/tally-studio.jar when the sources changed
./mvnw -q -B -o -Pbench test-compile dependency:build-classpath -Dmdep.outputFile=target/rss-bench.cp
"${TALLY_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -Xmx1g -Dio.netty.leakDetection.level=disabled \
  --enable-native-access=ALL-UNNAMED "$@" \
  -cp "target/classes:target/test-classes:$(cat target/rss-bench.cp)" studio.tally.bench.ServeRssBench
