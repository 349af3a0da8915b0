#!/usr/bin/env bash
# Call set-up time (join -> first peer frame) of two `tally call` processes, SFU and P2P mode, inside a network
# namespace (needs root + iproute2).
# Usage: bash bench/call-setup.sh [runs=5]   (refreshes its marked section of docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${TALLY_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
./mvnw -q -B -o test-compile
CP=$(./mvnw -q -B -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout):target/classes:target/test-classes
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx512m -cp "$CP" studio.tally.rtc.CallSetupBenchmark "${1:-5}" docs/benchmarks.md
