#!/usr/bin/env bash
# Time to first frame: `tally probe --until-first-frame` vs ffprobe (default, and fast: -probesize 32
# -analyzeduration 0) on the same HTTP-FLV stream of our server, cases interleaved, each a fresh process.
# Usage: bash bench/probe-ttff.sh [runs=7]   (refreshes its marked section of docs/benchmarks.md)
# The stream: bundled FFmpeg 8.1 publishes testsrc2 640x360@30 + AAC (x264 zerolatency, GOP 1 s) over RTMP.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
PORT=${PORT:-18935}
. bench/ffmpeg-stream.sh           # tally serve on $PORT + FFmpeg publishing live/ttff (sets FFDIR, WORK)
URL="http://127.0.0.1:$PORT/live/ttff.flv"
# warm-up until the stream plays; the first `tally probe` also writes its AppCDS archive (not measured)
for _ in $(seq 1 30); do ./tally probe "$URL" --until-first-frame --duration 10 >/dev/null 2>&1 && break; sleep 1; done
now() { date +%s%N; }
: >"$WORK/samples"
for run in $(seq 1 "$RUNS"); do
  t0=$(now); ./tally probe "$URL" --until-first-frame --duration 20 --json >"$WORK/probe.json" || {
    echo "tally probe failed: $(cat "$WORK/probe.json")" >&2; exit 1; }; t1=$(now)
  inner=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['streams'][0]['time_to_first_frame_ms'])" "$WORK/probe.json")
  echo "tally-cli $(( (t1 - t0) / 1000000 ))" >>"$WORK/samples"
  echo "tally-in-process $inner" >>"$WORK/samples"
  t0=$(now); "$FFDIR/ffprobe" -v error -select_streams v:0 -show_entries frame=pts_time -read_intervals '%+#1' -of csv "$URL" >/dev/null; t1=$(now)
  echo "ffprobe-default $(( (t1 - t0) / 1000000 ))" >>"$WORK/samples"
  t0=$(now); "$FFDIR/ffprobe" -v error -probesize 32 -analyzeduration 0 -select_streams v:0 -show_entries frame=pts_time -read_intervals '%+#1' -of csv "$URL" >/dev/null; t1=$(now)
  echo "ffprobe-fast $(( (t1 - t0) / 1000000 ))" >>"$WORK/samples"
done
# warm: one JVM with FFmpeg loaded opens players one after another (the studio's Player window)
/usr/lib/jvm/temurin-25-jdk-amd64/bin/java --enable-native-access=ALL-UNNAMED \
  -cp "target/tally-studio.jar:target/lib/*:target/test-classes" studio.tally.play.bench.WarmPlayerTtff "$URL" "$RUNS" \
  2>/dev/null | sed -n 's/^warm-ms /tally-warm /p' >>"$WORK/samples"
python3 - "$WORK/samples" "$RUNS" docs/benchmarks.md <<'PY'
import sys, statistics, datetime, os
samples, runs, doc = sys.argv[1], int(sys.argv[2]), sys.argv[3]
by = {}
for line in open(samples):
    k, v = line.split(); by.setdefault(k, []).append(float(v))
names = {
  "tally-cli": "`./tally probe URL --until-first-frame` (process start → first picture → exit)",
  "tally-in-process": "… of which the player's own time to first frame (connect start → first picture)",
  "tally-warm": "a player in a warm process (JVM and FFmpeg loaded: the studio's Player window), connect start → first picture",
  "ffprobe-default": "`ffprobe -show_entries frame -read_intervals %+#1` (default probing)",
  "ffprobe-fast": "… with `-probesize 32 -analyzeduration 0`",
}
load = open("/proc/loadavg").read().split()[0]
out = ["<!-- probe-ttff:start -->",
  f"## Time to first frame: `tally probe` vs ffprobe on one HTTP-FLV stream ({datetime.date.today()})", "",
  f"`bash bench/probe-ttff.sh {runs}`: our server on loopback, bundled FFmpeg 8.1 publishing testsrc2 640x360@30",
  "+ AAC (x264 zerolatency, GOP 1 s) over RTMP; each case a fresh process per run, cases interleaved, "
  f"{runs} runs, load average {load} at the end. ffprobe is the bundled 8.1 one; both stop at the first decoded video frame.", "",
  "| Case | Median ms | Min–max ms |", "|---|---|---|"]
for k in ["tally-cli", "tally-in-process", "tally-warm", "ffprobe-default", "ffprobe-fast"]:
    v = by.get(k, [])
    out.append(f"| {names[k]} | {statistics.median(v):.0f} | {min(v):.0f}–{max(v):.0f} |")
out.append("<!-- probe-ttff:end -->")
text = open(doc).read()
block = "\n".join(out)
if "<!-- probe-ttff:start -->" in text:
    a = text.index("<!-- probe-ttff:start -->"); b = text.index("<!-- probe-ttff:end -->") + len("<!-- probe-ttff:end -->")
    text = text[:a] + block + text[b:]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(doc, "w").write(text)
print(block)
PY
