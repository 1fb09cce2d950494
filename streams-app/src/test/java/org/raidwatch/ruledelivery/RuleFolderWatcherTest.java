package org.raidwatch.ruledelivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.RuleSet;

/** demo --watch: a saved change to the rules folder puts the rebuilt set in force; a broken one changes nothing. */
class RuleFolderWatcherTest {

    private static final String RULE = """
            package raidwatch.rules;
            import org.raidwatch.rules.RaidCase;
            global org.raidwatch.rules.Findings findings;
            rule "%s"
                @severity(LOW)
            when
                $c : RaidCase( claimed )
            then
                findings.flag(drools, "claimed");
            end
            """;

    @Test
    void a_saved_change_is_put_in_force_once_the_folder_is_quiet_and_a_broken_one_is_refused(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("first.drl"), RULE.formatted("first"));
        LiveRuleSet live = new LiveRuleSet(RuleSet.load(folder));
        String firstVersion = live.current().version();
        LinkedBlockingQueue<String> reports = new LinkedBlockingQueue<>();
        try (RuleFolderWatcher watcher = new RuleFolderWatcher(folder, live, Duration.ofMillis(200), new RuleFolderWatcher.Report() {
            @Override
            public void inForce(RuleSet ruleSet) {
                reports.add("in force " + ruleSet.ruleIds());
            }

            @Override
            public void unchanged(RuleSet ruleSet) {
                reports.add("unchanged");
            }

            @Override
            public void refused(List<String> problems) {
                reports.add("refused " + problems);
            }
        })) {
            // When a second rule is saved (in two writes, as editors do)
            Files.writeString(folder.resolve("second.drl"), RULE.formatted("second").substring(0, 40));
            Files.writeString(folder.resolve("second.drl"), RULE.formatted("second"));

            // Then one rebuild puts both rules in force
            assertThat(reports.poll(20, TimeUnit.SECONDS)).as("a report within 20 s of the save").isEqualTo("in force [first, second]");
            assertThat(live.current().ruleIds()).containsExactly("first", "second");
            String secondVersion = live.current().version();
            assertThat(secondVersion).isNotEqualTo(firstVersion);

            // When a rule is broken
            Files.writeString(folder.resolve("first.drl"), RULE.formatted("first").replace("claimed )", "claimed "));

            // Then it is refused with file and line, and the set in force stays
            assertThat(reports.poll(20, TimeUnit.SECONDS)).as("a report within 20 s of the save")
                    .startsWith("refused [" + folder.resolve("first.drl") + ":");
            assertThat(live.current().version()).isEqualTo(secondVersion);

            // When the rule is mended but a scenario beside it expects otherwise
            Files.createDirectories(folder.resolve("tests"));
            Files.writeString(folder.resolve("tests/first.yaml"), """
                    - name: an unclaimed raid
                      report: {raid_id: R1, force: Kent, raid_date: 2021-03-01, trafficking_claimed: no}
                      holds: [first]
                    """);
            Files.writeString(folder.resolve("first.drl"), RULE.formatted("first"));

            // Then the set is refused for its failing scenario, and the set in force stays
            String report = reports.poll(20, TimeUnit.SECONDS);
            while (report != null && !report.contains("first.yaml")) {
                report = reports.poll(20, TimeUnit.SECONDS); // the scenario file and the rule may be saved in two rounds
            }
            assertThat(report).as("a refusal naming the failing scenario within 20 s").contains("scenario \"an unclaimed raid\" fails");
            assertThat(live.current().version()).isEqualTo(secondVersion);
        }
    }
}
