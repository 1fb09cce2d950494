#!/usr/bin/env bash
# Creates raidwatch's five topics as `raidwatch run` would (TopicSetup.wanted in the app; the test
# TopicScriptIT checks that both create the same topics): the two inputs kept for good (what
# re-processing starts from), the dead letters as an ordinary log, the two outputs compacted, each
# with the same partitions and replication. Kafka
# Streams creates its internal topics itself. A topic that exists already is left as it is, so the
# script can run on every start.
#
# Settings, from the environment (the topic names are raidwatch's own settings):
#   RAIDWATCH_BOOTSTRAP_SERVERS      Kafka brokers, host:port[,host:port] (required)
#   RAIDWATCH_TOPIC_PARTITIONS       partitions of each topic (default 6)
#   RAIDWATCH_TOPIC_REPLICATION      replication factor (default 1, for a one-broker cluster; 3 on most clusters)
#   RAIDWATCH_TOPIC_RAID_REPORTS     (default raid-reports; retention.ms=-1)
#   RAIDWATCH_TOPIC_FOI_UPDATES      (default foi-updates; retention.ms=-1)
#   RAIDWATCH_TOPIC_FLAGGED_CASES    (default flagged-cases; compacted)
#   RAIDWATCH_TOPIC_FORCE_RATES      (default force-rates; compacted)
#   RAIDWATCH_TOPIC_DEAD_LETTERS     (default raidwatch-dead-letters)
#   RAIDWATCH_TOPICS_WAIT            seconds to wait for Kafka to answer before giving up (default 60)
#   RAIDWATCH_TOPICS_COMMAND_CONFIG  a client properties file (security.protocol, sasl.*, ssl.*), optional
#   KAFKA_TOPICS                     the kafka-topics command (default: kafka-topics.sh on the PATH,
#                                    else /opt/kafka/bin/kafka-topics.sh as in the apache/kafka image)
#
# Exit status: 0 every topic exists; 1 Kafka did not answer within the wait, or refused a topic;
# 2 a setting is missing or wrong.
set -euo pipefail

fail() {
  echo "create-topics: $2" >&2
  exit "$1"
}

bootstrap="${RAIDWATCH_BOOTSTRAP_SERVERS:-}"
[ -n "$bootstrap" ] || fail 2 "RAIDWATCH_BOOTSTRAP_SERVERS is not set (Kafka brokers, host:port[,host:port])"
partitions="${RAIDWATCH_TOPIC_PARTITIONS:-6}"
replication="${RAIDWATCH_TOPIC_REPLICATION:-1}"
wait_seconds="${RAIDWATCH_TOPICS_WAIT:-60}"
for setting in RAIDWATCH_TOPIC_PARTITIONS:"$partitions" RAIDWATCH_TOPIC_REPLICATION:"$replication" RAIDWATCH_TOPICS_WAIT:"$wait_seconds"; do
  value="${setting#*:}"
  [[ "$value" =~ ^[1-9][0-9]{0,4}$ ]] || fail 2 "${setting%%:*} must be a whole number from 1 up, got: $value"
done
command_config="${RAIDWATCH_TOPICS_COMMAND_CONFIG:-}"
if [ -n "$command_config" ] && [ ! -r "$command_config" ]; then
  fail 2 "RAIDWATCH_TOPICS_COMMAND_CONFIG names $command_config, which cannot be read"
fi

if [ -n "${KAFKA_TOPICS:-}" ]; then
  topics_command="$KAFKA_TOPICS"
elif command -v kafka-topics.sh >/dev/null 2>&1; then
  topics_command="kafka-topics.sh"
elif [ -x /opt/kafka/bin/kafka-topics.sh ]; then
  topics_command="/opt/kafka/bin/kafka-topics.sh"
else
  fail 2 "kafka-topics.sh is neither on the PATH nor in /opt/kafka/bin; set KAFKA_TOPICS to it"
fi

# name and topic configs (name=value,...; empty: the broker's defaults), in TopicSetup.wanted's order
compact="cleanup.policy=compact"
kept_for_good="retention.ms=-1"
topics=(
  "${RAIDWATCH_TOPIC_RAID_REPORTS:-raid-reports}|$kept_for_good"
  "${RAIDWATCH_TOPIC_FOI_UPDATES:-foi-updates}|$kept_for_good"
  "${RAIDWATCH_TOPIC_FLAGGED_CASES:-flagged-cases}|$compact"
  "${RAIDWATCH_TOPIC_FORCE_RATES:-force-rates}|$compact"
  "${RAIDWATCH_TOPIC_DEAD_LETTERS:-raidwatch-dead-letters}|"
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The reason kafka-topics.sh gave in its output files: its error line, else the root cause of its
# stack trace, else its last line.
reason() {
  local lines
  lines="$(cat "$@" 2>/dev/null | grep -v -E '^[[:space:]]+(at |\.\.\. [0-9]+ more)' | grep -v '^[[:space:]]*$' || true)"
  { grep -m 1 'Error while executing topic command' <<<"$lines" \
    || grep 'Caused by:' <<<"$lines" | tail -n 1 \
    || tail -n 1 <<<"$lines"; } | sed 's/^Caused by: //'
}

# kafka-topics.sh with a client configuration whose calls give up after $1 seconds (the admin
# client would otherwise retry for a minute per call), plus the user's own client settings.
topics_within() {
  local seconds="$1"
  shift
  local config="$work/client.properties"
  : >"$config"
  if [ -n "$command_config" ]; then
    cat "$command_config" >>"$config"
    echo >>"$config"
  fi
  printf 'default.api.timeout.ms=%d\nrequest.timeout.ms=%d\n' "$((seconds * 1000))" "$((seconds * 1000))" >>"$config"
  local hard_limit=()
  if command -v timeout >/dev/null 2>&1; then
    hard_limit=(timeout "$((seconds + 30))")
  fi
  "${hard_limit[@]}" "$topics_command" --bootstrap-server "$bootstrap" --command-config "$config" "$@"
}

# Wait, bounded, until Kafka answers; the existing topics' names are the answer.
deadline=$((SECONDS + wait_seconds))
echo "create-topics: waiting up to ${wait_seconds} s for Kafka at $bootstrap"
while true; do
  remaining=$((deadline - SECONDS))
  [ "$remaining" -ge 1 ] || remaining=1
  if topics_within "$remaining" --list >"$work/list.out" 2>"$work/list.err"; then
    existing="$(cat "$work/list.out")"
    break
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    fail 1 "Kafka at $bootstrap did not answer within ${wait_seconds} s ($(reason "$work/list.out" "$work/list.err"))"
  fi
  sleep 2
done

created=0
for entry in "${topics[@]}"; do
  name="${entry%%|*}"
  configs="${entry#*|}"
  if grep -qxF -- "$name" <<<"$existing"; then
    echo "create-topics: $name exists; left as it is"
    continue
  fi
  args=(--create --if-not-exists --topic "$name" --partitions "$partitions" --replication-factor "$replication")
  if [ -n "$configs" ]; then
    IFS=',' read -ra pairs <<<"$configs"
    for pair in "${pairs[@]}"; do
      args+=(--config "$pair")
    done
  fi
  if ! topics_within "$wait_seconds" "${args[@]}" >"$work/create.out" 2>&1; then
    fail 1 "Kafka at $bootstrap did not create $name ($(reason "$work/create.out"))"
  fi
  echo "create-topics: created $name (${partitions} partitions, replication ${replication}${configs:+, $configs})"
  created=$((created + 1))
done

# A new topic's partitions get their leaders a moment after it is created: wait, bounded, until
# none of raidwatch's partitions is without one, so that the first writes find their leaders.
if [ "$created" -gt 0 ]; then
  pattern="$(for entry in "${topics[@]}"; do printf '%s|' "${entry%%|*}"; done)"
  pattern="${pattern%|}"
  pattern="${pattern//./\\.}"
  deadline=$((SECONDS + wait_seconds))
  while true; do
    remaining=$((deadline - SECONDS))
    [ "$remaining" -ge 5 ] || remaining=5
    if topics_within "$remaining" --describe --unavailable-partitions --topic "$pattern" >"$work/describe.out" 2>&1 \
        && ! grep -q 'Partition:' "$work/describe.out"; then
      break
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail 1 "some partitions of raidwatch's topics still have no leader after ${wait_seconds} s ($(reason "$work/describe.out"))"
    fi
    sleep 1
  done
fi
echo "create-topics: done; ${created} created, $((${#topics[@]} - created)) already there"
