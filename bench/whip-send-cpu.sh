#!/usr/bin/env bash
# CPU per Mbit/s of sending over WHIP: tally publish's WHIP destination (the one encode's packets) vs
# webrtc-java encoding and sending the same picture itself, both to our server inside a network namespace
# (needs root + iproute2).
# Usage: bash bench/whip-send-cpu.sh [runs=3] [window-seconds=20]   (refreshes its section of docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${TALLY_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
./mvnw -q -B -o test-compile
CP=$(./mvnw -q -B -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout):target/classes:target/test-classes
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx512m -cp "$CP" studio.tally.rtc.WhipSendCpuBenchmark "${1:-3}" "${2:-20}" docs/benchmarks.md
