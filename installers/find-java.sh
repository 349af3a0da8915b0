# Sourced by ./tally and ./run-tests (POSIX sh): find a Java 25+ JDK, or say in one line how to get one.

# Prints the home of the first JDK >= 25 among $TALLY_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm/*, macOS's
# JavaVirtualMachines and the java on PATH; returns 1 when there is none.
tally_find_java() {
  path_java=$(command -v javac 2>/dev/null) && path_java=$(readlink -f "$path_java" 2>/dev/null) \
    && path_java=${path_java%/bin/javac} || path_java=
  for home in "${TALLY_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/*-25-* /usr/lib/jvm/*25* \
              /Library/Java/JavaVirtualMachines/*/Contents/Home "$path_java"; do
    [ -n "$home" ] && [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    # the JDK's release file names its version: no extra JVM start (~0.2 s) on every launch
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null)
    [ "${major:-0}" -ge 25 ] 2>/dev/null && { echo "$home"; return 0; }
  done
  return 1
}

# One line: the exact command that installs Temurin 25 here (Adoptium's apt repository on Debian/Ubuntu).
tally_how_to_get_java() {
  if [ -r /etc/os-release ] && [ -x /usr/bin/apt-get ]; then
    codename=$(. /etc/os-release; echo "${VERSION_CODENAME:-bookworm}")
    echo "needs a Java 25 JDK and found none (set TALLY_JAVA_HOME to one); install Temurin 25 with: sudo sh -c 'apt-get install -y wget gpg && wget -qO- https://packages.adoptium.net/artifactory/api/gpg/key/public | gpg --dearmor > /etc/apt/trusted.gpg.d/adoptium.gpg && echo \"deb https://packages.adoptium.net/artifactory/deb $codename main\" > /etc/apt/sources.list.d/adoptium.list && apt-get update && apt-get install -y temurin-25-jdk'"
  elif [ "$(uname -s)" = Darwin ]; then
    echo "needs a Java 25 JDK and found none (set TALLY_JAVA_HOME to one); install Temurin 25 with: brew install --cask temurin@25 (or the .pkg from https://adoptium.net/temurin/releases/?version=25)"
  else
    echo "needs a Java 25 JDK and found none (set TALLY_JAVA_HOME to one); get Temurin 25 from https://adoptium.net/temurin/releases/?version=25"
  fi
}

# Debian/Ubuntu: installs the packages named that are not installed yet (as root, or with sudo).
tally_apt_install() {
  [ -x /usr/bin/dpkg-query ] && [ -x /usr/bin/apt-get ] || return 0
  missing=
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -n "$missing" ] || return 0
  sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "installing$missing (apt-get${sudo:+, with sudo})" >&2
  $sudo apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >&2
}
