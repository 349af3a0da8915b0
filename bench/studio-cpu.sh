#!/usr/bin/env bash
# Where the studio's CPU goes while it streams 1080p30 from the test source (a real window on Xvfb), beside the
# ffmpeg CLI doing the same encode in real time; per-thread CPU from /proc, threads grouped by what they do.
# Usage: bash bench/studio-cpu.sh [runs=3] [window-seconds=20]   (refreshes its section of docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java-main.sh
bench_java 512m studio.tally.cli.StudioCpuBenchmark "${1:-3}" "${2:-20}" docs/benchmarks.md
