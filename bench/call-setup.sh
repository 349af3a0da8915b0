#!/usr/bin/env bash
# Call set-up time (join -> first peer frame) of two `tally call` processes, SFU and P2P mode, inside a network
# namespace (needs root + iproute2).
# Usage: bash bench/call-setup.sh [runs=5]   (refreshes its marked section of docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java-main.sh
bench_java 512m studio.tally.rtc.CallSetupBenchmark "${1:-5}" docs/benchmarks.md
