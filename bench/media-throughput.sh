#!/usr/bin/env bash
# Media pipeline throughput: Tally's MediaSession vs the bundled ffmpeg CLI on the same graph and encoder.
# Usage: bash bench/media-throughput.sh [runs=5] [frames=450]   (refreshes its marked section of docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java-main.sh
bench_java 2g studio.tally.media.bench.MediaThroughputBenchmark "${1:-5}" "${2:-450}" docs/benchmarks.md
