#!/bin/bash
# The container's health check: GET /health on raidwatch's own HTTP server, with bash alone (the
# runtime image may have no curl). Healthy when it answers 200. Spawns no process, so nothing is
# left for PID 1 (the JVM, which reaps no children) to collect.
port="${RAIDWATCH_HTTP_PORT:-8080}"
address="${RAIDWATCH_HTTP_ADDRESS:-127.0.0.1}"
if [ "$port" = "0" ]; then
  echo "the HTTP server is off (RAIDWATCH_HTTP_PORT=0): nothing to check"
  exit 0
fi
case "$address" in 0.0.0.0 | "::" | "[::]") address=127.0.0.1 ;; esac
if ! { exec 3<>"/dev/tcp/$address/$port"; } 2>/dev/null; then
  echo "nothing listens on $address:$port"
  exit 1
fi
printf 'GET /health HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$address" "$port" >&3
IFS= read -r -t 4 status <&3 || true
exec 3<&-
status="${status%$'\r'}"
echo "/health: ${status:-no answer}"
case "$status" in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) exit 1 ;;
esac
