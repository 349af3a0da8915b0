# Sourced by the benches that need one live stream: builds, starts `tally serve` on 127.0.0.1:$PORT and the
# bundled FFmpeg 8.1 publishing testsrc2 640x360@30 (x264 zerolatency, 1 s GOP) + AAC to rtmp://…/live/ttff.
# Sets FFDIR (the bundled ffmpeg/ffprobe), WORK (a temp dir, removed on exit), SRV and PUB (their pids).
./tally --version >/dev/null        # builds target/tally-studio.jar when the sources changed
./mvnw -q -B -o test-compile        # benches with a Java part run it from the test classes
FFDIR=$(dirname "$(find ~/.javacpp/cache -path '*ffmpeg*linux-x86_64*' -name ffmpeg -type f | head -n 1)")
[ -x "$FFDIR/ffmpeg" ] || { echo "bundled FFmpeg not unpacked: run any FFmpeg test first" >&2; exit 2; }
WORK=$(mktemp -d)
cleanup() { kill "${PUB:-}" "${SRV:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
./tally serve --listen "127.0.0.1:$PORT" --config-dir "$WORK/server" >"$WORK/serve.log" 2>&1 & SRV=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done
"$FFDIR/ffmpeg" -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=640x360:rate=30 \
  -re -f lavfi -i sine=frequency=1000:sample_rate=48000 -c:v libx264 -preset ultrafast -tune zerolatency \
  -pix_fmt yuv420p -g 30 -b:v 1500k -c:a aac -b:a 128k -f flv "rtmp://127.0.0.1:$PORT/live/ttff" \
  >"$WORK/ffmpeg.log" 2>&1 & PUB=$!
# bench_java CLASS RUNS: runs studio.tally.server.webrtc.CLASS against the stream (after 3 s for it to start),
# its samples (lines "name-ms value") into $WORK/samples, its log into $WORK/bench.err; on failure shows both.
bench_java() {
  sleep 3
  "${TALLY_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" --enable-native-access=ALL-UNNAMED \
    -cp "target/tally-studio.jar:target/lib/*:target/test-classes" "studio.tally.server.webrtc.$1" \
    "http://127.0.0.1:$PORT" live ttff "$2" 2>"$WORK/bench.err" >"$WORK/samples" \
    || { tail -20 "$WORK/bench.err" "$WORK/samples" >&2; exit 1; }
}
