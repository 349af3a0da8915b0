#!/usr/bin/env bash
# A/V offset over time for microphones whose clock runs 0.5 % fast and slow (PulseAudio pipe sources
# fed by ffmpeg at 48240/47760 samples a real second), recorded with video through the real path.
# Usage: bash bench/audio-drift.sh [seconds=600]   (prints a markdown table for docs/benchmarks.md)
# Needs pulseaudio and pulseaudio-utils (apt).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/java-main.sh
bench_java 1g studio.tally.media.capture.AudioDriftBench "${1:-600}"
