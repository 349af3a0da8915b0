#!/usr/bin/env bash
# CPU per bridged stream against the ffmpeg CLI doing the same job: WebRTC -> FLV audio (Opus -> AAC), then
# RTMP -> WebRTC (H.264 -> RTP packetizing and AAC -> Opus).
# Usage: bash bench/transcode-cost.sh [seconds=60]   (prints a markdown table for docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java-main.sh
bench_java 1g studio.tally.media.transcode.TranscodeCostBench "${1:-60}"
echo
bench_java 2g studio.tally.server.bridge.BridgeCostBench "${1:-60}"
