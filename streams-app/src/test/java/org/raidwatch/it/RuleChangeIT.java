package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.serde.InMemorySchemaRegistry;

/**
 * An instance restarted with another rule set re-evaluates every stored case under it, in bounded
 * batches, with no new input: a removed rule's flags are resolved, a new rule's flags raised, each
 * tagged with the version that produced it.
 */
class RuleChangeIT {

    @TempDir
    Path dir;

    @Test
    void after_a_restart_with_changed_rules_every_case_is_evaluated_under_them_without_new_input() throws Exception {
        // Given the shipped rules less foi-withheld, plus a rule that flags claimed raids reported without a source
        Path changed = dir.resolve("changed-rules");
        Files.createDirectories(changed);
        try (var files = Files.list(Path.of("../rules/drl"))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("foi-withheld.drl")).toList()) {
                Files.copy(file, changed.resolve(file.getFileName()));
            }
        }
        Files.writeString(changed.resolve("claimed-without-source.drl"), """
                package raidwatch.rules;
                import org.raidwatch.rules.RaidCase;
                global org.raidwatch.rules.Findings findings;
                // Trafficking or modern slavery was claimed, but no article is on record.
                rule "claimed-without-source"
                    @severity(LOW)
                when
                    $c : RaidCase( claimed, sourceUrl == null )
                then
                    findings.flag(drools, $c.pressClaim() + " with no article on record");
                end
                """);
        RuleSet shipped = RuleSet.loadShipped();
        RuleSet newRules = RuleSet.load(changed);
        List<DemoDataset.Event> events = DemoDataset.generate(55, 800).stream()
                .map(event -> event.report() != null && event.report().getRaidId().hashCode() % 5 == 0
                        ? new DemoDataset.Event(event.at(), org.raidwatch.schema.RaidReport.newBuilder(event.report()).setSourceUrl(null).build(), null)
                        : event)
                .toList();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, "mock://rule-change-it", 4);
            Expected underShipped = Expected.of(events, shipped, AppInstance.AS_OF);
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), "mock://rule-change-it", dir.resolve("state"), shipped)) {
                cluster.send(events);
                Await.until(Duration.ofMinutes(2), "the results under the shipped rules",
                        () -> underShipped.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> app.describe() + "; " + underShipped.mismatches(cluster.latestFlags(), cluster.latestRates()));
            }
            long withheld = cluster.latestFlags().keySet().stream().filter(key -> key.endsWith("|foi-withheld")).count();
            assertThat(withheld).as("foi-withheld flags before the change").isPositive();

            // When the instance restarts on its state with the changed rules, and no input arrives
            Expected underNew = Expected.of(events, newRules, AppInstance.AS_OF);
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), "mock://rule-change-it", dir.resolve("state"), newRules)) {
                // Then the flags become those of the new rules: foi-withheld resolved, claimed-without-source raised
                Await.until(Duration.ofMinutes(2), "every case re-evaluated under rule set " + newRules.version(),
                        () -> underNew.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> app.describe() + "; " + underNew.mismatches(cluster.latestFlags(), cluster.latestRates()));
            }
            Map<String, CaseFlag> flags = cluster.latestFlags();
            assertThat(flags.entrySet()).filteredOn(e -> e.getKey().endsWith("|foi-withheld")).hasSize((int) withheld)
                    .allSatisfy(e -> {
                        assertThat(e.getValue().getStatus()).isEqualTo(FlagStatus.RESOLVED);
                        assertThat(e.getValue().getRuleSetVersion()).isEqualTo(newRules.version());
                    });
            assertThat(flags.entrySet()).filteredOn(e -> e.getKey().endsWith("|claimed-without-source")).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getValue().getRuleSetVersion()).isEqualTo(newRules.version()));
            int records = Expected.assertValidLifeCycles(cluster.allFlagRecords());
            System.out.printf("rule change: %d inputs, %d foi-withheld flags resolved, %d claimed-without-source raised, %d flag records%n",
                    events.size(), withheld, flags.keySet().stream().filter(k -> k.endsWith("|claimed-without-source")).count(), records);
        } finally {
            InMemorySchemaRegistry.dropScope("rule-change-it");
        }
    }
}
