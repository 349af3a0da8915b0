#!/usr/bin/env bash
# macOS: the .dmg from the app image installers/build.sh made, signed and notarized when the secrets exist.
#   MACOS_SIGNING_IDENTITY  "Developer ID Application: NAME (TEAMID)", in the keychain (CI imports it)
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   notarization (an app-specific password)
# Without them the .dmg is built unsigned and each skipped step says so in one line.
# Usage: installers/macos/package.sh JDK_BIN APP_IMAGE DEST VERSION ARCH
set -euo pipefail
bin=$1 app=$2 dest=$3 version=$4 arch=$5
here=$(cd "$(dirname "$0")" && pwd)
entitlements="$here/tally.entitlements"
name="Tally Studio"

if [[ -n ${MACOS_SIGNING_IDENTITY:-} ]]; then
  sign() { codesign --force --timestamp --options runtime --entitlements "$entitlements" --sign "$MACOS_SIGNING_IDENTITY" "$@"; }
  # jpackage signs the app's own binaries but not the natives inside jars (FFmpeg, libwebrtc, JavaFX, JavaCPP),
  # which notarization checks too: sign each one in place and put it back into its jar.
  work=$(mktemp -d)
  for jar in "$app"/Contents/app/*.jar; do
    natives=$(unzip -Z1 "$jar" | grep -E '\.(dylib|jnilib)$' || true)
    [[ -n $natives ]] || continue
    rm -rf "$work/x" && mkdir -p "$work/x"
    (cd "$work/x" && unzip -q "$jar" $natives)
    while IFS= read -r n; do sign "$work/x/$n"; done <<< "$natives"
    (cd "$work/x" && zip -q -0 "$jar" $natives)
  done
  rm -rf "$work"
  # then every Mach-O in the bundle from the inside out, and the bundle itself
  find "$app/Contents" -type f \( -name '*.dylib' -o -perm -u+x \) -print0 | while IFS= read -r -d '' f; do
    file -b "$f" | grep -q Mach-O && sign "$f"
  done
  sign "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
else
  echo "macOS: MACOS_SIGNING_IDENTITY not set: the app and .dmg are NOT signed (Gatekeeper asks users to allow it)"
fi

"$bin/jpackage" --type dmg --app-image "$app" --name "$name" --app-version "$version" --dest "$dest"
dmg=$(ls "$dest"/*.dmg)
final="$dest/tally-studio-$version-macos-$arch.dmg"
mv "$dmg" "$final"

if [[ -n ${MACOS_SIGNING_IDENTITY:-} ]]; then
  codesign --force --timestamp --sign "$MACOS_SIGNING_IDENTITY" "$final"
fi
if [[ -n ${MACOS_SIGNING_IDENTITY:-} && -n ${APPLE_ID:-} && -n ${APPLE_TEAM_ID:-} && -n ${APPLE_APP_PASSWORD:-} ]]; then
  xcrun notarytool submit "$final" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD" --wait
  xcrun stapler staple "$final"
else
  echo "macOS: notarization skipped (needs MACOS_SIGNING_IDENTITY, APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD)"
fi
