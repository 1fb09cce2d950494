package org.raidwatch.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;
import org.raidwatch.topology.Topics;

class FlagIndexTest {

    private static ListedFlag flag(String raidId, String ruleId, FlagStatus status, long changedAtSecond) {
        return ListedFlag.of(caseFlag(raidId, ruleId, status, changedAtSecond));
    }

    private static CaseFlag caseFlag(String raidId, String ruleId, FlagStatus status, long changedAtSecond) {
        return CaseFlag.newBuilder().setRaidId(raidId).setRuleId(ruleId).setStatus(status).setSeverity(Severity.HIGH)
                .setForce("Kent Police").setRaidDate(LocalDate.of(2021, 3, 4)).setExplanation("explained")
                .setEvidence(Map.of()).setSourceUrl("https://news.example/" + raidId)
                .setRuleSetVersion("v7").setChangedAt(Instant.ofEpochSecond(1_600_000_000L + changedAtSecond)).build();
    }

    private static List<String> listed(FlagListing listing) {
        return listing.matching(f -> true, Integer.MAX_VALUE).items().stream()
                .map(f -> f.getRaidId() + "|" + f.getRuleId() + "|" + f.getStatus() + "|" + f.getChangedAt()).toList();
    }

    @Test
    void a_flag_that_changes_moves_to_its_new_place_and_a_deleted_one_leaves_the_listing() {
        // Given three flags listed newest first
        FlagIndex index = new FlagIndex();
        Map<String, ListedFlag> held = new HashMap<>();
        held.put("r-1|a", flag("r-1", "a", FlagStatus.RAISED, 10));
        held.put("r-2|a", flag("r-2", "a", FlagStatus.RAISED, 20));
        held.put("r-3|a", flag("r-3", "a", FlagStatus.RAISED, 30));
        index.replaceAll(held);
        FlagListing before = index.listing();

        // When the oldest is resolved later than all of them, and the newest's key is deleted
        Map<String, ListedFlag> changes = new LinkedHashMap<>();
        changes.put("r-1|a", flag("r-1", "a", FlagStatus.RESOLVED, 40));
        changes.put("r-3|a", null);
        index.apply(changes);

        // Then the resolved flag comes first, the deleted one is gone, and the earlier listing is as it was
        assertThat(listed(index.listing())).containsExactly(
                "r-1|a|RESOLVED|2020-09-13T12:27:20Z", "r-2|a|RAISED|2020-09-13T12:27:00Z");
        assertThat(listed(before)).hasSize(3);
    }

    @Test
    void changes_merged_in_give_the_same_listing_as_sorting_every_flag_afresh() {
        // Given a thousand flags, many found at the same second, and rounds of random changes to them
        Random random = new Random(17);
        FlagIndex index = new FlagIndex();
        Map<String, ListedFlag> truth = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            String raid = "r-" + random.nextInt(400);
            String rule = "rule-" + random.nextInt(3);
            truth.put(Topics.flagKey(raid, rule), flag(raid, rule, FlagStatus.RAISED, random.nextInt(50)));
        }
        index.replaceAll(truth);

        for (int round = 0; round < 200; round++) {
            // When some keys get a new flag (at a time that may be older, equal or newer) and some are deleted
            Map<String, ListedFlag> changes = new LinkedHashMap<>();
            int count = random.nextInt(round % 10 == 0 ? 300 : 6);
            for (int c = 0; c < count; c++) {
                String raid = "r-" + random.nextInt(500);
                String rule = "rule-" + random.nextInt(3);
                String key = Topics.flagKey(raid, rule);
                ListedFlag changed = random.nextInt(5) == 0 ? null
                        : flag(raid, rule, random.nextBoolean() ? FlagStatus.UPDATED : FlagStatus.RESOLVED, random.nextInt(60));
                changes.put(key, changed);
                if (changed == null) {
                    truth.remove(key);
                } else {
                    truth.put(key, changed);
                }
            }
            index.apply(changes);

            // Then the listing is exactly what sorting every flag afresh gives
            assertThat(listed(index.listing())).as("after round %d", round).isEqualTo(listed(FlagListing.ofListed(truth.values())));
        }
    }

    @Test
    void taking_out_a_flag_the_listing_does_not_hold_is_refused() {
        // Given a listing of one flag
        FlagListing listing = FlagListing.ofListed(new ArrayList<>(List.of(flag("r-1", "a", FlagStatus.RAISED, 10))));

        // When an equal copy (not the flag it holds) is to be taken out, Then it is refused
        assertThatThrownBy(() -> listing.withChanges(List.of(flag("r-1", "a", FlagStatus.RAISED, 10)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("r-1");
    }
}
