package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.it.RuleFolders;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;

/** A rule set replaced while the stream runs takes effect between records and reaches every stored case. */
class RuleSetReplacedTest {

    private RaidwatchDriver driver;

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void a_replaced_set_resolves_a_removed_rules_flags_and_raises_a_new_rules_in_bounded_batches(@TempDir Path folder) throws IOException {
        // Given the shipped rules in force, a punctuation with no time budget (so it re-evaluates one case),
        // and five answered raids
        LiveRuleSet rules = new LiveRuleSet(RaidwatchDriver.shippedRules());
        driver = new RaidwatchDriver(rules, CaseTopology.Settings.live().withReevaluation(Duration.ofMillis(250), Duration.ZERO, 2));
        List<String> raids = List.of("r-1", "r-2", "r-3", "r-4", "r-5");
        for (String raid : raids) {
            driver.send(Raids.report(raid));
            driver.send(Raids.answer(raid).setNrmReferrals(0));
        }
        String before = rules.current().version();
        driver.flagChanges();

        // When a set without identified-not-referred and with a new rule is put in force
        RuleSet replacement = shippedWithout(folder, "identified-not-referred", """
                rule "claimed-in-kent"
                    @severity(LOW)
                when
                    $c : RaidCase( claimed, force == "Kent Police" )
                then
                    findings.flag(drools, "Kent claimed trafficking");
                end
                """);
        assertThat(rules.replace(replacement)).isTrue();
        // and a new raid arrives before any punctuation
        driver.send(Raids.report("r-6"));
        List<CaseFlag> atOnce = driver.flagChanges();

        // Then the new raid is evaluated under the new set at once
        assertThat(atOnce).extracting(CaseFlag::getRaidId, CaseFlag::getRuleId, CaseFlag::getStatus, CaseFlag::getRuleSetVersion)
                .containsExactly(tuple("r-6", "claimed-in-kent", FlagStatus.RAISED, replacement.version()));

        // and one punctuation re-evaluates one stored case, not all of them
        driver.advanceWallClock(Duration.ofMillis(250));
        List<CaseFlag> firstBatch = driver.flagChanges();
        assertThat(firstBatch).extracting(CaseFlag::getRaidId).containsOnly("r-1").hasSize(2);

        // and later punctuations reach every stored case: the removed rule's flags RESOLVED, the new rule's RAISED
        for (int punctuation = 0; punctuation < 6; punctuation++) {
            driver.advanceWallClock(Duration.ofMillis(250));
        }
        List<CaseFlag> all = new java.util.ArrayList<>(firstBatch);
        all.addAll(driver.flagChanges());
        for (String raid : raids) {
            assertThat(all).filteredOn(flag -> flag.getRaidId().equals(raid))
                    .extracting(CaseFlag::getRuleId, CaseFlag::getStatus, CaseFlag::getRuleSetVersion)
                    .containsExactlyInAnyOrder(
                            tuple("identified-not-referred", FlagStatus.RESOLVED, replacement.version()),
                            tuple("claimed-in-kent", FlagStatus.RAISED, replacement.version()));
        }
        // and the flags both sets agree on are not sent again
        assertThat(all).extracting(CaseFlag::getRuleId).doesNotContain("claimed-no-referral", "rescue-overstated");
        assertThat(driver.caseOf("r-3").getFlags().keySet()).containsExactlyInAnyOrder("claimed-no-referral", "rescue-overstated",
                "claimed-in-kent");
        assertThat(driver.caseOf("r-3").getFlags().get("claimed-no-referral").getRuleSetVersion()).isEqualTo(before);
    }

    @Test
    void a_set_replaced_again_before_its_pass_ended_leaves_no_case_under_it(@TempDir Path folder) throws IOException {
        // Given the shipped rules in force, a punctuation re-evaluating one case, and three answered raids
        RuleSet shipped = RaidwatchDriver.shippedRules();
        LiveRuleSet rules = new LiveRuleSet(shipped);
        driver = new RaidwatchDriver(rules, CaseTopology.Settings.live().withReevaluation(Duration.ofMillis(250), Duration.ZERO, 2));
        for (String raid : List.of("r-1", "r-2", "r-3")) {
            driver.send(Raids.report(raid));
            driver.send(Raids.answer(raid).setNrmReferrals(0));
        }
        // (a first pass records that every case is evaluated under the shipped set)
        for (int punctuation = 0; punctuation < 8; punctuation++) {
            driver.advanceWallClock(Duration.ofMillis(250));
        }
        driver.flagChanges();

        // When another set is put in force, one case is re-evaluated under it and a new raid evaluated under it
        RuleSet other = shippedWithout(folder, "identified-not-referred", "");
        rules.replace(other);
        driver.advanceWallClock(Duration.ofMillis(250));
        driver.send(Raids.report("r-4"));
        driver.send(Raids.answer("r-4").setNrmReferrals(0));
        // and the shipped set comes back before that pass has ended
        rules.replace(shipped);
        for (int punctuation = 0; punctuation < 8; punctuation++) {
            driver.advanceWallClock(Duration.ofMillis(250));
        }

        // Then every case holds the shipped set's flags again, identified-not-referred among them
        for (String raid : List.of("r-1", "r-2", "r-3", "r-4")) {
            assertThat(driver.caseOf(raid).getFlags().keySet()).as(raid)
                    .containsExactlyInAnyOrder("claimed-no-referral", "rescue-overstated", "identified-not-referred");
        }
        assertThat(driver.flagChanges()).filteredOn(flag -> flag.getStatus() == FlagStatus.RAISED)
                .extracting(CaseFlag::getRaidId, CaseFlag::getRuleId, CaseFlag::getRuleSetVersion)
                .contains(tuple("r-1", "identified-not-referred", shipped.version()), tuple("r-4", "identified-not-referred", shipped.version()));
    }

    @Test
    void putting_the_set_in_force_again_changes_nothing() {
        LiveRuleSet rules = new LiveRuleSet(RaidwatchDriver.shippedRules());
        driver = new RaidwatchDriver(rules, CaseTopology.Settings.live());
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));
        driver.flagChanges();

        assertThat(rules.replace(RaidwatchDriver.shippedRules())).isFalse();
        driver.advanceWallClock(Duration.ofSeconds(2));

        assertThat(driver.flagChanges()).isEmpty();
    }

    private static RuleSet shippedWithout(Path folder, String removed, String addedRule) throws IOException {
        RuleFolders.shippedWithout(folder, removed);
        Files.writeString(folder.resolve("added.drl"), """
                package raidwatch.rules;
                import org.raidwatch.rules.RaidCase;
                global org.raidwatch.rules.Findings findings;
                """ + addedRule);
        return RuleSet.load(folder);
    }
}
