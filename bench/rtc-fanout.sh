#!/usr/bin/env bash
# WebRTC players per core for one ~2 Mbit/s source, HTTP-FLV players of the same stream side by side, and the
# "kernel floor": the same packets as plain datagrams from an epoll/sendmmsg sender (own JVM), no crypto.
# Our server runs in its own JVM; the WHIP source and the WHEP/FLV players run in this one.
# Writes the rtc-fanout section of docs/benchmarks.md. Extra -D flags are passed on, e.g.
#   bash bench/rtc-fanout.sh -Drtc.n=250 -Drtc.runs=3 -Drtc.steps=100,250
#   bash bench/rtc-fanout.sh -Drtc.videoKbps=1000   (the bit rate of the stream SRS was measured with)
# Two load generators side by side instead (our WHEP players vs pion's, src/test/go/pionpeer `players`, interleaved;
# writes the rtc-loadgens section and leaves the fan-out section as it is):
#   bash bench/rtc-fanout.sh -Drtc.loadgens=100,300 -Drtc.runs=3
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench test-compile dependency:build-classpath -Dmdep.outputFile=target/rtc-bench.cp
"${TALLY_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -Xmx2g -Dio.netty.leakDetection.level=disabled \
  --enable-native-access=ALL-UNNAMED "$@" \
  -cp "target/classes:target/test-classes:$(cat target/rtc-bench.cp)" studio.tally.bench.RtcFanoutBench
