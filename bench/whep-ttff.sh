#!/usr/bin/env bash
# WHEP time to first frame: our player (warm process, as the studio's Player window) vs headless Chromium on
# our WHEP page, on the same stream (FFmpeg 8.1 publishes testsrc2 640x360@30 + AAC over RTMP; WHEP players
# get it through the RTMP -> WebRTC bridge, which replays the cached GOP at once), runs interleaved.
# Usage: bash bench/whep-ttff.sh [runs=7]   (prints a markdown table for docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
PORT=${PORT:-18937}
. bench/ffmpeg-stream.sh           # tally serve on $PORT + FFmpeg publishing live/ttff (sets FFDIR, WORK; bench_java)
bench_java WhepTtffBench "$RUNS"
python3 - "$WORK/samples" "$RUNS" <<'PY'
import statistics, sys
by = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 2 and parts[0] in ("tally-warm-ms", "chromium-ms"):  # other lines are the player's log
        by.setdefault(parts[0], []).append(float(parts[1]))
load = open("/proc/loadavg").read().split()[0]
print(f"Runs: {sys.argv[2]} interleaved after one untimed run each; load average at the end {load}.\n")
print("| player | time to first frame ms, median | min–max |")
print("|---|---|---|")
for k, name in (("tally-warm-ms", "our WHEP player, warm process (connect start → first decoded picture)"),
                ("chromium-ms", "Chromium on /players/whep.html (script start → first frame presented)")):
    xs = by.get(k, [])
    print(f"| {name} | {statistics.median(xs):.0f} | {min(xs):.0f}–{max(xs):.0f} |" if xs else f"| {name} | – | – |")
if by.get("tally-warm-ms") and by.get("chromium-ms"):
    print(f"\nRatio ours / Chromium (medians): {statistics.median(by['tally-warm-ms']) / statistics.median(by['chromium-ms']):.2f}")
PY
