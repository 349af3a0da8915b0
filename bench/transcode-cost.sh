#!/usr/bin/env bash
# CPU per bridged stream against the ffmpeg CLI doing the same job: WebRTC -> FLV audio (Opus -> AAC), then
# RTMP -> WebRTC (H.264 -> RTP packetizing and AAC -> Opus).
# Usage: bash bench/transcode-cost.sh [seconds=60]   (prints a markdown table for docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${TALLY_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
./mvnw -q -B -o test-compile
CP=$(./mvnw -q -B -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout):target/classes:target/test-classes
"$JAVA" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$CP" studio.tally.media.transcode.TranscodeCostBench "${1:-60}"
echo
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx2g -cp "$CP" studio.tally.server.bridge.BridgeCostBench "${1:-60}"
