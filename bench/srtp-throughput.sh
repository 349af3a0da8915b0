#!/usr/bin/env bash
# SRTP protect/unprotect throughput, 1200-byte RTP payloads, one thread, each profile.
# Median (min-max) of 7 timed rounds of 200k packets after one warm-up round.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
"${TALLY_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -cp "target/classes:target/test-classes:$(cat target/bench.cp)" \
  studio.tally.proto.srtp.SrtpThroughputBench
