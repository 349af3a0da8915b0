#!/usr/bin/env bash
# WebRTC glass-to-glass latency: webrtc-java WHIP publisher -> our server -> webrtc-java WHEP player, against the
# same two peers linked directly, inside a network namespace (needs root + iproute2).
# Usage: bash bench/rtc-latency.sh [runs=5] [seconds-per-run=10]   (refreshes its marked section of docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java-main.sh
bench_java 512m studio.tally.rtc.RtcLatencyBenchmark "${1:-5}" "${2:-10}" docs/benchmarks.md
