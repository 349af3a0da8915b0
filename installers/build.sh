#!/usr/bin/env bash
# Builds this OS's installers into target/installer/dist (one command per OS; `./mvnw -B -Pinstaller verify`
# runs it after the jars are built, then tries the Linux packages: InstalledPackagesIT):
#   Linux   .deb, .rpm and an app-image tarball      macOS  .dmg          Windows  .msi
# Steps: the app's jars without what the app never runs and with no other platform's natives (AppInput) ->
# jdeps -> a jlink runtime of only those modules -> icons rendered from assets/tally.svg (IconSet) ->
# jpackage app image -> the packages. Usage: installers/build.sh [--types deb,rpm,app-image] [--skip-build]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. installers/find-java.sh
JAVA_HOME=$(tally_find_java) || { echo "installers/build.sh: $(tally_how_to_get_java)" >&2; exit 2; }
bin="$JAVA_HOME/bin"

types= skip_build=
while (($#)); do
  case "$1" in
    --types) types=$2; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    *) echo "installers/build.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

case "$(uname -s)" in
  Linux) os=linux; default_types=deb,rpm,app-image ;;
  Darwin) os=macosx; default_types=dmg ;;
  MINGW*|MSYS*|CYGWIN*) os=windows; default_types=msi ;;
  *) echo "installers/build.sh: unsupported OS $(uname -s)" >&2; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=$([ $os = macosx ] && echo arm64 || echo aarch64) ;;
  *) echo "installers/build.sh: unsupported architecture $(uname -m)" >&2; exit 2 ;;
esac
platform=$os-$arch
types=${types:-$default_types}

if [[ -z $skip_build ]]; then
  ./mvnw -B -q package -DskipTests -Dtally.jdk="$JAVA_HOME"
fi
out=target/installer
rm -rf "$out"
mkdir -p "$out/dist" "$out/tools"
say() { printf 'installers: %s\n' "$*"; }
elapsed() { echo "$(( $(date +%s) - start ))s"; }
start=$(date +%s)

# version: jpackage wants numbers only (0.1.0-SNAPSHOT -> 0.1.0)
full_version=$(tr -d '\r\n' < target/classes/studio/tally/version.txt)
version=${full_version%%-*}

# 1. the app's jars, minus FFmpeg's executables; a foreign native fails here
"$bin/java" installers/tools/AppInput.java "$platform" target/tally-studio.jar target/lib "$out/input"

# 2. jdeps: the JDK modules the app and its libraries use
modules=$("$bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$out"/input/*.jar 2>/dev/null | tail -n 1)
[[ $modules == java.base* ]] || { echo "installers: jdeps failed: $modules" >&2; exit 1; }
say "jdeps: $modules ($(elapsed))"

# 3. the runtime: only those modules, no debug attributes, headers or man pages, a base CDS archive for the
#    app's dynamic one to sit on. The modules stay uncompressed: the package's own compression (xz for
#    .deb/.rpm) does better on them than jlink's zip, and the JVM maps them without inflating.
"$bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --generate-cds-archive --output "$out/runtime" >/dev/null
# the archive for -XX:-UseCompressedOops (heaps over 32 GB) is never used by a studio
rm -f "$out"/runtime/lib/server/classes_nocoops.jsa "$out"/runtime/bin/server/classes_nocoops.jsa
say "runtime: $(du -sh "$out/runtime" | cut -f1) ($(elapsed))"

# 4. icons from the one SVG source
jsvg=$(ls "$HOME"/.m2/repository/com/github/weisj/jsvg/2.2.0/jsvg-2.2.0.jar 2>/dev/null || true)
if [[ -z $jsvg ]]; then
  ./mvnw -B -q dependency:get -Dartifact=com.github.weisj:jsvg:2.2.0 >/dev/null
  jsvg="$HOME/.m2/repository/com/github/weisj/jsvg/2.2.0/jsvg-2.2.0.jar"
fi
"$bin/java" -Djava.awt.headless=true -cp "$jsvg" installers/tools/IconSet.java assets/tally.svg "$out/icons"

# 5. the app image: the studio launcher (desktop entry, Start menu, Dock) and `tally`, the command line.
#    Each keeps a dynamic AppCDS archive in the user's cache, written by its first run and mapped by every
#    later one. Its name carries this build's jars (a checksum): JDK 25's AutoCreateSharedArchive refuses an
#    archive whose jars changed but does not write a new one, so a package rebuilt under the same version
#    started without class data for good (docs/benchmarks.md, studio cold start). JavaCPP's unpacked
#    FFmpeg libraries go to the same cache dir, so one directory holds everything the app writes but settings.
case $os in
  linux) cache='$HOME/.cache/tally-studio' ;;
  macosx) cache='$HOME/Library/Caches/Tally Studio' ;;
  windows) cache='$LOCALAPPDATA/tally-studio-cache' ;;  # not under %LOCALAPPDATA%\Tally Studio: the per-user install lives there
esac
common_opts=(--enable-native-access=ALL-UNNAMED "-Dtally.cache.dir=$cache" "-Dorg.bytedeco.javacpp.cachedir=$cache/javacpp"
  -XX:+AutoCreateSharedArchive -Xlog:cds=off -Xlog:cds+dynamic=off)
build_id=$(cat "$out"/input/*.jar | cksum | cut -d' ' -f1)
java_options=()
for o in "${common_opts[@]}" "-XX:SharedArchiveFile=$cache/studio-$full_version-$build_id.jsa"; do java_options+=(--java-options "$o"); done
cli_props="$out/tally.properties"
{
  echo "main-class=studio.tally.cli.Main"
  echo "description=Tally Studio on the command line: tally serve, publish, encoders, devices, or the studio"
  # one line, space-separated: jpackage splits it like a command line; quoted because the cache path may hold a space
  printf 'java-options='; for o in "${common_opts[@]}" "-XX:SharedArchiveFile=$cache/cli-$full_version-$build_id.jsa"; do printf '"%s" ' "$o"; done; echo
  case $os in
    linux) echo "linux-shortcut=false" ;;
    windows) echo "win-console=true"; echo "win-shortcut=false"; echo "win-menu=false" ;;
  esac
} > "$cli_props"

icon=$out/icons/tally-256.png
[[ $os = windows ]] && icon=$out/icons/tally.ico
[[ $os = macosx ]] && icon=$out/icons/tally.icns
common=(--name "Tally Studio" --app-version "$version" --vendor "Tally Studio"
  --description "Live-video studio with an embedded one-port media server"
  --copyright "Tally Studio authors")
"$bin/jpackage" --type app-image "${common[@]}" --input "$out/input" --main-jar tally-studio.jar \
  --main-class studio.tally.cli.Main --runtime-image "$out/runtime" --icon "$icon" "${java_options[@]}" \
  --add-launcher "tally=$cli_props" --dest "$out/image" \
  $( [[ $os = macosx ]] && echo --resource-dir installers/macos --mac-package-identifier studio.tally.TallyStudio )
app_image=$(ls -d "$out"/image/*)
say "app image: $(du -sh "$app_image" | cut -f1) ($(elapsed))"

# 6. the packages
for type in ${types//,/ }; do
  case "$type" in
    app-image)
      tarball="$out/dist/tally-studio-$version-$platform.tar.xz"
      XZ_OPT="-6 -T0" tar -C "$out/image" -cJf "$tarball" "$(basename "$app_image")"
      ;;
    deb|rpm)
      deps="libgtk-3-0, libpulse0"; [[ $type = rpm ]] && deps="gtk3, pulseaudio-libs"
      "$bin/jpackage" --type "$type" "${common[@]}" --app-image "$app_image" --dest "$out/dist" \
        --linux-package-name tally-studio --linux-shortcut --linux-menu-group "AudioVideo;Video;" \
        --linux-app-category video --linux-deb-maintainer "Tally Studio <maintainers@tally.studio>" \
        --linux-rpm-license-type "Proprietary" --linux-package-deps "$deps" \
        --icon "$out/icons/tally-256.png" --resource-dir installers/linux
      ;;
    msi)
      "$bin/jpackage" --type msi "${common[@]}" --app-image "$app_image" --dest "$out/dist" \
        --win-per-user-install --win-menu --win-menu-group "Tally Studio" \
        --win-shortcut --win-dir-chooser --win-upgrade-uuid 6f1c3b0e-4a57-4c39-9a0e-7d8e2f5b1c42
      ;;
    dmg)
      installers/macos/package.sh "$bin" "$app_image" "$out/dist" "$version" "$arch"
      ;;
    *) echo "installers: unknown package type $type" >&2; exit 2 ;;
  esac
  say "$type: done ($(elapsed))"
done
ls -l "$out/dist"
