#!/bin/sh
# Starts raidwatch in the container: exec replaces this shell, so the JVM is PID 1 and receives
# docker stop's SIGTERM itself (raidwatch then closes the stream and exits 0). The heap follows the
# container's memory limit, at half of it: RocksDB (the state stores), Drools' classes and the threads
# live outside the heap. RAIDWATCH_HEAP_OPTS (e.g. -Xmx2g) replaces that heap setting, and
# RAIDWATCH_JAVA_OPTS adds or overrides JVM options, as for ./raidwatch.
exec java ${RAIDWATCH_HEAP_OPTS:--XX:MaxRAMPercentage=50} -XX:+ExitOnOutOfMemoryError ${RAIDWATCH_JAVA_OPTS:-} \
  -jar /opt/raidwatch/raidwatch.jar "$@"
