#!/usr/bin/env bash
# WebRTC glass-to-glass latency: webrtc-java WHIP publisher -> our server -> webrtc-java WHEP player, against the
# same two peers linked directly, inside a network namespace (needs root + iproute2).
# Usage: bash bench/rtc-latency.sh [runs=5] [seconds-per-run=10]   (refreshes its marked section of docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${TALLY_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
./mvnw -q -B test-compile
CP=$(./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=/dev/stdout):target/classes:target/test-classes
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx512m -cp "$CP" studio.tally.rtc.RtcLatencyBenchmark \
  "${1:-5}" "${2:-10}" docs/benchmarks.md
