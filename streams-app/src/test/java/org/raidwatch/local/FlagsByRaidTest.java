package org.raidwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.topology.Topics;

class FlagsByRaidTest {

    @TempDir
    Path dir;

    private record Key(String raidId, String ruleId) {
    }

    @Test
    void flags_come_back_by_raid_then_rule_as_java_orders_the_ids_with_the_latest_record_of_each() {
        // Given flags whose raid ids are prefixes of each other, outside ASCII, and a key written twice and one deleted
        List<Key> keys = new ArrayList<>(List.of(new Key("r-1", "b"), new Key("r-10", "a"), new Key("r-1", "a"),
                new Key("r-1-", "a"), new Key("R-2", "z"), new Key("r-é", "a"), new Key("r-\uD83D\uDE00", "a"),
                new Key("r-\uFFFD", "a"), new Key("r-1", "ab")));
        Random random = new Random(5);
        for (int i = 0; i < 500; i++) {
            keys.add(new Key("raid-" + random.nextInt(100_000), "rule-" + random.nextInt(7)));
        }
        List<Key> expected = new ArrayList<>(keys.stream().distinct().toList());
        expected.removeIf(k -> k.raidId().equals("R-2"));
        expected.sort(Comparator.comparing(Key::raidId).thenComparing(Key::ruleId));

        List<String> seen = new ArrayList<>();
        try (FlagsByRaid byRaid = FlagsByRaid.in(dir.resolve("sorting"))) {
            for (Key key : keys) {
                byRaid.put(Topics.flagKey(key.raidId(), key.ruleId()), "first".getBytes(StandardCharsets.UTF_8));
            }
            for (Key key : keys) {
                byRaid.put(Topics.flagKey(key.raidId(), key.ruleId()), "latest".getBytes(StandardCharsets.UTF_8));
            }
            byRaid.put(Topics.flagKey("R-2", "z"), null);

            // When they are handed out
            byRaid.forEachInOrder((key, value) -> seen.add(key + "=" + new String(value, StandardCharsets.UTF_8)));
        }

        // Then in Java's order of raid ids, then rule ids (the order flags.jsonl is written in), each with its latest record
        assertThat(seen).isEqualTo(expected.stream().map(k -> Topics.flagKey(k.raidId(), k.ruleId()) + "=latest").toList());
    }
}
