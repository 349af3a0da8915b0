#!/usr/bin/env bash
# One RTMP publish, played side by side as HTTP-FLV (the hub, no bridge) and as WHEP (through the RTMP ->
# WebRTC bridge: H.264 packetized, AAC -> Opus): `tally probe` reads the test pattern's time code in both and
# reports glass-to-glass latency, time to first frame and A/V offset per URL, in one process per run.
# Usage: bash bench/bridge-latency.sh [runs=5]   (prints a markdown table for docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
PORT=${PORT:-18936}
./tally --version >/dev/null        # builds target/tally-studio.jar when the sources changed
WORK=$(mktemp -d)
cleanup() { kill "${PUB:-}" "${SRV:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
./tally serve --listen "127.0.0.1:$PORT" --config-dir "$WORK/server" >"$WORK/serve.log" 2>&1 & SRV=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done
./tally publish --source test --size 640x360 --fps 30 --bitrate 1500 --keyframe-interval 1 \
  --to "rtmp://127.0.0.1:$PORT/live/lat" >"$WORK/publish.log" 2>&1 & PUB=$!
FLV="http://127.0.0.1:$PORT/live/lat.flv"
WHEP="http://127.0.0.1:$PORT/rtc/v1/whep/?app=live&stream=lat"
for _ in $(seq 1 30); do ./tally probe "$FLV" --until-first-frame --duration 10 >/dev/null 2>&1 && break; sleep 1; done
: >"$WORK/samples"
for run in $(seq 1 "$RUNS"); do
  ./tally probe "$FLV" "$WHEP" --duration 15 --json >"$WORK/probe.json" || true
  cp "$WORK/probe.json" "/tmp/bridge-latency-run$run.json"
  python3 - "$WORK/probe.json" >>"$WORK/samples" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
doc, _ = json.JSONDecoder().raw_decode(text[text.index("{"):])  # the JSON document; log lines may follow
for s in doc["streams"]:
    kind = "whep" if "whep" in s["url"] else "flv"
    lat = s.get("latency_ms") or {}
    print(kind, s.get("status"), lat.get("median", -1), s.get("time_to_first_frame_ms", -1), s.get("av_offset_ms", "nan"),
          s.get("fps", 0))
PY
done
python3 - "$WORK/samples" "$RUNS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
print(f"Runs: {sys.argv[2]} (one `tally probe` process per run, both URLs at once, 15 s each).\n")
print("| path | runs passed | latency median ms (min–max of run medians) | time to first frame ms, median (min–max) | A/V offset ms, median | fps, median |")
print("|---|---|---|---|---|---|")
def fmt(xs):
    xs = [float(x) for x in xs if float(x) >= 0]
    return f"{statistics.median(xs):.0f} ({min(xs):.0f}–{max(xs):.0f})" if xs else "–"
for kind, name in (("flv", "RTMP → HTTP-FLV (hub)"), ("whep", "RTMP → WHEP (bridge)")):
    r = [x for x in rows if x[0] == kind]
    ok = [x for x in r if x[1] == "pass"]
    av = [float(x[4]) for x in r if x[4] not in ("nan", "None")]
    print(f"| {name} | {len(ok)}/{len(r)} | {fmt([x[2] for x in r])} | {fmt([x[3] for x in r])} | "
          f"{statistics.median(av):.0f} | {statistics.median([float(x[5]) for x in r]):.1f} |" if av else
          f"| {name} | {len(ok)}/{len(r)} | {fmt([x[2] for x in r])} | {fmt([x[3] for x in r])} | – | "
          f"{statistics.median([float(x[5]) for x in r]):.1f} |")
PY
