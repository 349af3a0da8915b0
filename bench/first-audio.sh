#!/usr/bin/env bash
# First audio of a WHEP player of an RTMP stream against its first video: headless Chromium on our WHEP page
# (?measure=1: first frame at its expected display time, first audible sample at its output time through
# WebAudio) on FFmpeg 8.1's testsrc2 640x360@30 + a continuous 1 kHz AAC tone over RTMP, through the
# RTMP -> WebRTC bridge (each run a fresh bridge: AAC -> Opus transcoder opened with it, cached GOP replayed).
# Usage: bash bench/first-audio.sh [runs=7]   (prints a markdown table for docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
PORT=${PORT:-18939}
. bench/ffmpeg-stream.sh           # tally serve on $PORT + FFmpeg publishing live/ttff (sets FFDIR, WORK; bench_java)
bench_java WhepFirstAudioBench "$RUNS"
python3 - "$WORK/samples" "$RUNS" <<'PY'
import statistics, sys
by = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 2 and parts[0].endswith("-ms"):
        by.setdefault(parts[0], []).append(float(parts[1]))
load = open("/proc/loadavg").read().split()[:3]
print(f"Runs: {sys.argv[2]} after one untimed run; load average at the end {' '.join(load)}.\n")
print("| Chromium on /players/whep.html?measure=1, ms since the page script started | median | min–max |")
print("|---|---|---|")
for k, name in (("first-video-ms", "first frame displayed"), ("first-audio-ms", "first audible sample played out"),
                ("audio-after-video-ms", "**first audio after first video**")):
    xs = by.get(k, [])
    print(f"| {name} | {statistics.median(xs):.0f} | {min(xs):.0f}–{max(xs):.0f} |" if xs else f"| {name} | – | – |")
PY
