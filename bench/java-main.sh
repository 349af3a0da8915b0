# Sourced by the benchmark scripts whose part is a Java main on the test class path (run from the repository root):
#   bench_classpath                       compiles the tests and sets CP (dependencies + classes + test classes)
#   bench_java HEAP MAIN_CLASS ARGS...    runs MAIN_CLASS on Java 25 ($TALLY_JAVA overrides) with -XmxHEAP
JAVA=${TALLY_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}

bench_classpath() {
  ./mvnw -q -B -o test-compile
  CP=$(./mvnw -q -B -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout):target/classes:target/test-classes
}

bench_java() {
  local heap=$1 main=$2
  shift 2
  [ -n "${CP:-}" ] || bench_classpath
  "$JAVA" --enable-native-access=ALL-UNNAMED "-Xmx$heap" -cp "$CP" "$main" "$@"
}
