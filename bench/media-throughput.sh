#!/usr/bin/env bash
# Media pipeline throughput: Tally's MediaSession vs the bundled ffmpeg CLI on the same graph and encoder.
# Usage: bash bench/media-throughput.sh [runs=5] [frames=450]   (refreshes its marked section of docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${TALLY_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
./mvnw -q -B test-compile
CP=$(./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=/dev/stdout):target/classes:target/test-classes
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx2g -cp "$CP" studio.tally.media.bench.MediaThroughputBenchmark \
  "${1:-5}" "${2:-450}" docs/benchmarks.md
