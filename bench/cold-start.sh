#!/usr/bin/env bash
# Studio cold start: launches what users launch (`./tally`, and the app image's "Tally Studio" launcher when
# installers/build.sh has made one) on an Xvfb display, with a profile of test pattern 1280x720 + tone and
# the embedded server on, and reads the studio's own log line "first preview frame N ms after start"
# (JVM start -> first composed picture on the FX thread). Also kept per run: the wall time from the
# launcher's exec to that line (launcher script and JVM boot included), the CPU time the process had used by
# then (what other tenants of a shared machine cannot inflate much), "JavaFX up" and "engine open".
# Cases interleaved, the first run of each (it writes its class-data archive/AOT cache) not counted.
# Usage: bash bench/cold-start.sh [runs=5] [case...]
#   a case is `tally` (default), `app-image` (default when target/installer/image exists) or
#   `label=command` (any launcher, e.g. `serial=env TALLY_JAVA_OPTS=-XX:+UseSerialGC ./tally`; the
#   profile flag is appended).
# Prints a table (median, min–max per case, load average per run) and leaves the raw samples in
# target/cold-start/samples.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
shift || true
image="target/installer/image/Tally Studio/bin/Tally Studio"
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  cases=(tally)
  [ -x "$image" ] && cases+=(app-image)
fi
./tally --version >/dev/null        # builds target/tally-studio.jar when the sources changed
out=target/cold-start
rm -rf "$out"; mkdir -p "$out"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
profile=$(mktemp -d)
cat >"$profile/settings.json" <<EOF
{ "video": { "width": 1280, "height": 720, "fps": 30.0, "bitrateKbps": 2500, "encoder": "auto", "keyframeIntervalSeconds": 2.0 },
  "server": { "enabled": true, "listen": [ "127.0.0.1:$(free_port)" ], "rtcUdp": "127.0.0.1:$(free_udp)" },
  "destinations": [],
  "scene": [ { "id": "pattern1", "kind": "test-pattern", "placement": { "x": 0.0, "y": 0.0, "width": 1.0, "height": 1.0 } },
             { "id": "tone1", "kind": "tone" } ] }
EOF
# a free display number, chosen by Xvfb itself
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$out/display" >"$out/xvfb.log" 2>&1 & XVFB=$!
cleanup() { kill "$XVFB" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$profile"; }
trap cleanup EXIT
for _ in $(seq 1 100); do [ -s "$out/display" ] && break; sleep 0.1; done
display=:$(head -n 1 "$out/display")

command_of() {
  case "$1" in
    tally) echo "./tally" ;;
    app-image) printf '%q' "$image" ;;
    *=*) echo "${1#*=}" ;;
    *) echo "cold-start.sh: unknown case $1" >&2; exit 2 ;;
  esac
}
label_of() { case "$1" in *=*) echo "${1%%=*}" ;; *) echo "$1" ;; esac; }

# one_run CASE N: starts the studio, waits for its first preview frame (60 s at most), SIGTERM, waits for exit
one_run() {
  local label cmd log t0 pid ms
  label=$(label_of "$1"); cmd=$(command_of "$1")
  log="$out/$label-$2.log"
  t0=$(date +%s%3N)
  DISPLAY=$display eval "exec $cmd --profile \"$profile\"" >/dev/null 2>"$log" & pid=$!
  for _ in $(seq 1 600); do
    grep -q 'first preview frame' "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  grep -q 'first preview frame' "$log" || { echo "$label run $2: no first preview frame" >&2; tail -20 "$log" >&2; exit 1; }
  python3 - "$log" "$t0" "$label" "$2" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY' >>"$out/samples"
import re, sys, datetime
log, t0, label, run, load = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
text = open(log).read()
def after(what):
    m = re.search(what + r" (\d+) ms", text)
    return int(m.group(1)) if m else -1
m = re.search(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) .*first preview frame", text, re.M)
day = datetime.datetime.fromtimestamp(t0 / 1000).replace(hour=0, minute=0, second=0, microsecond=0)
at = day.timestamp() * 1000 + ((int(m.group(1)) * 60 + int(m.group(2))) * 60 + int(m.group(3))) * 1000 + int(m.group(4))
cpu = re.search(r"first preview frame \d+ ms after start, (\d+) ms of CPU", text)
# the embedded server (started after the first frame, while the bench's SIGTERM closes the studio): its
# "listening on" line, in ms after JVM start
def clock(line):
    h, mi, sec, ms = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d)", line).groups()
    return ((int(h) * 60 + int(mi)) * 60 + int(sec)) * 1000 + int(ms)
frame_line = re.search(r"^.*first preview frame.*$", text, re.M).group(0)
listening = re.search(r"^.*TallyServer - listening on.*$", text, re.M)
jvm_start = clock(frame_line) - after("first preview frame")
server = clock(listening.group(0)) - jvm_start if listening else -1
print(label, run, after("first preview frame"), int(at - t0), cpu.group(1) if cpu else -1, after("JavaFX up"),
      after("studio engine open in"), server, load)
PY
}

for c in "${cases[@]}"; do one_run "$c" warmup; done
for run in $(seq 1 "$RUNS"); do
  for c in "${cases[@]}"; do one_run "$c" "$run"; done
done
grep -v ' warmup ' "$out/samples" >"$out/counted"
python3 - "$out/counted" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
by = {}
for label, run, frame, wall, cpu, fx, engine, server, load in rows:
    by.setdefault(label, []).append((int(frame), int(wall), int(cpu), int(fx), int(engine), int(server), float(load)))
def col(v, i):
    xs = [r[i] for r in v]
    return f"{statistics.median(xs):.0f} ({min(xs):.0f}–{max(xs):.0f})"
print("| case | runs | first preview frame, ms after JVM start | launch → first frame, ms | CPU by then, ms | JavaFX up, ms | engine open, ms | server listening, ms after JVM start | load average |")
print("|---|---|---|---|---|---|---|---|---|")
for label, v in by.items():
    loads = [r[6] for r in v]
    print(f"| {label} | {len(v)} | {col(v, 0)} | {col(v, 1)} | {col(v, 2)} | {col(v, 3)} | {col(v, 4)} | {col(v, 5)} | {min(loads):.1f}–{max(loads):.1f} |")
PY
