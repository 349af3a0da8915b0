#!/usr/bin/env bash
# CPU per Mbit/s of sending over WHIP: tally publish's WHIP destination (the one encode's packets) vs
# webrtc-java encoding and sending the same picture itself, both to our server inside a network namespace
# (needs root + iproute2).
# Usage: bash bench/whip-send-cpu.sh [runs=3] [window-seconds=20]   (refreshes its section of docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java-main.sh
bench_java 512m studio.tally.rtc.WhipSendCpuBenchmark "${1:-3}" "${2:-20}" docs/benchmarks.md
