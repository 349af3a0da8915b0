#!/usr/bin/env bash
# Smoke test of an installed Tally Studio's command line, the same on Linux, macOS and Windows (Git Bash):
# --version, encoders, then serve + an FFmpeg publish + ffprobe reading the stream back as HTTP-FLV.
# FFmpeg comes from the build's own bytedeco jar (target/lib), so no OS package is needed for it.
# Usage: installers/smoke-test.sh PATH_TO_INSTALLED_TALLY
set -euo pipefail
tally=$1
cd "$(dirname "$0")/.."
work=target/smoke
rm -rf "$work" && mkdir -p "$work/ffmpeg"

echo "== $tally --version"
"$tally" --version | tee "$work/version.txt"
grep -q '^tally ' "$work/version.txt"

echo "== $tally encoders"
"$tally" encoders | tee "$work/encoders.txt"
grep -qi 'x264' "$work/encoders.txt"

# ffmpeg/ffprobe and their libraries, from this platform's bytedeco jar (the app image leaves them out)
jar=$(ls target/lib/ffmpeg-*-gpl.jar | head -n 1)
(cd "$work/ffmpeg" && unzip -q -j -o "../../../$jar" 'org/bytedeco/ffmpeg/*/*')
chmod +x "$work"/ffmpeg/ff* || true
exe=; [[ -f $work/ffmpeg/ffmpeg.exe ]] && exe=.exe
ffmpeg=$work/ffmpeg/ffmpeg$exe
ffprobe=$work/ffmpeg/ffprobe$exe
export LD_LIBRARY_PATH="$PWD/$work/ffmpeg${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export DYLD_LIBRARY_PATH="$PWD/$work/ffmpeg"
export PATH="$PWD/$work/ffmpeg:$PATH"

echo "== $tally serve + publish + ffprobe"
"$tally" serve --listen 127.0.0.1:19350 --listen 127.0.0.1:18080 > "$work/serve.log" 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  grep -q "listening on 127.0.0.1:18080" "$work/serve.log" && break
  sleep 1
done
cat "$work/serve.log"
"$ffmpeg" -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine=frequency=1000 \
  -t 25 -c:v libx264 -preset ultrafast -g 30 -pix_fmt yuv420p -c:a aac -f flv rtmp://127.0.0.1:19350/live/smoke &
publish=$!
ok=
for _ in $(seq 1 20); do
  if "$ffprobe" -v error -rw_timeout 10000000 -show_entries stream=codec_name,width -of default=nw=1 \
       http://127.0.0.1:18080/live/smoke.flv > "$work/probe.txt" 2>&1 \
     && grep -q 'codec_name=h264' "$work/probe.txt" && grep -q 'codec_name=aac' "$work/probe.txt"; then
    ok=1; break
  fi
  sleep 1
done
cat "$work/probe.txt"
kill $publish 2>/dev/null || true
[[ -n $ok ]] || { echo "smoke test: ffprobe did not read H.264 + AAC from the installed server"; cat "$work/serve.log"; exit 1; }
grep -q 'width=640' "$work/probe.txt"
echo "smoke test: passed"
