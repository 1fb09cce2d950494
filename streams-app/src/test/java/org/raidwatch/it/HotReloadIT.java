package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.deployment.HttpEndpoint;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.serde.InMemorySchemaRegistry;

/**
 * Rule sets replaced again and again while inputs flow (as the rules topic replaces them), the last
 * time while a re-evaluation of every case is under way: nothing is lost or counted twice, every
 * flag record is tagged with a rule set that defines its rule, and the end state is exactly what the
 * last set computes from the inputs alone.
 */
class HotReloadIT {

    @TempDir
    Path dir;

    @Test
    void rule_sets_replaced_while_records_flow_end_exactly_as_the_last_set_computes() throws Exception {
        // Given two rule sets: the shipped one, and one without foi-withheld but with a rule for Kent's claimed raids
        Path changed = RuleFolders.shippedWithout(dir.resolve("changed-rules"), "foi-withheld");
        RuleFolders.addRule(changed, "claimed-in-kent", "claimed, force == \"Kent Police\"", "$c.pressClaim() + \" in Kent\"");
        RuleSet shipped = RuleSet.loadShipped();
        RuleSet kent = RuleSet.load(changed);
        Map<String, Set<String>> rulesByVersion = Map.of(shipped.version(), Set.copyOf(shipped.ruleIds()),
                kent.version(), Set.copyOf(kent.ruleIds()));
        List<DemoDataset.Event> events = DemoDataset.generate(57, 1_000);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, "mock://hot-reload-it", 4);
            LiveRuleSet live = new LiveRuleSet(shipped);
            List<String> swaps = new ArrayList<>();
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), "mock://hot-reload-it", dir.resolve("state"), live,
                    HttpEndpoint.off())) {
                // When the inputs are sent in ten batches from one thread, while this one swaps the rule set six times
                AtomicReference<Throwable> sendFailure = new AtomicReference<>();
                Thread sender = new Thread(() -> {
                    try {
                        int batch = events.size() / 10 + 1;
                        for (int from = 0; from < events.size(); from += batch) {
                            cluster.send(events.subList(from, Math.min(events.size(), from + batch)));
                            Thread.sleep(150);
                        }
                    } catch (Throwable e) {
                        sendFailure.set(e);
                    }
                }, "sender");
                sender.start();
                for (int swap = 0; swap < 6; swap++) {
                    Thread.sleep(250);
                    RuleSet next = swap % 2 == 0 ? kent : shipped;
                    assertThat(live.replace(next)).isTrue();
                    swaps.add(next.version());
                }
                sender.join(Duration.ofMinutes(2).toMillis());
                assertThat(sender.isAlive()).as("the sender still sending after 2 minutes").isFalse();
                assertThat(sendFailure.get()).as("sending the inputs").isNull();
                // and, once everything is in, the Kent set goes live and is replaced by the shipped one again while its
                // re-evaluation of the stored cases is under way
                assertThat(live.replace(kent)).isTrue();
                Thread.sleep(400);
                assertThat(live.replace(shipped)).isTrue();
                swaps.addAll(List.of(kent.version(), shipped.version()));

                // Then the final flags and rates are exactly those the shipped set computes from the inputs
                Expected underShipped = Expected.of(events, shipped, AppInstance.AS_OF);
                Await.until(Duration.ofMinutes(3), "the results of rule set " + shipped.version() + " after " + swaps.size() + " swaps",
                        () -> underShipped.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> app.describe() + "; " + underShipped.mismatches(cluster.latestFlags(), cluster.latestRates()));
            }

            // and no flag record is a duplicate or breaks the life cycle
            List<CaseFlag> records = cluster.allFlagRecords();
            int checked = Expected.assertValidLifeCycles(records);
            // and every record raising or updating a flag was made by a set that defines its rule
            assertThat(records).filteredOn(flag -> flag.getStatus() != FlagStatus.RESOLVED).allSatisfy(flag ->
                    assertThat(rulesByVersion.get(flag.getRuleSetVersion())).as("rules of " + flag.getRuleSetVersion())
                            .contains(flag.getRuleId()));
            // and both sets made records, so the swaps did reach the stream
            assertThat(records).extracting(CaseFlag::getRuleSetVersion).contains(shipped.version(), kent.version());
            Map<String, CaseFlag> flags = cluster.latestFlags();
            assertThat(flags.entrySet()).filteredOn(e -> e.getKey().endsWith("|claimed-in-kent")).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getValue().getStatus()).isEqualTo(FlagStatus.RESOLVED));
            assertThat(flags.entrySet()).filteredOn(e -> e.getKey().endsWith("|foi-withheld"))
                    .anySatisfy(e -> assertThat(e.getValue().getStatus()).isNotEqualTo(FlagStatus.RESOLVED));
            System.out.printf("hot reload: %d inputs, %d rule set swaps, %d flag records, %d claimed-in-kent flags raised and resolved%n",
                    events.size(), swaps.size(), checked, flags.keySet().stream().filter(key -> key.endsWith("|claimed-in-kent")).count());
        } finally {
            InMemorySchemaRegistry.dropScope("hot-reload-it");
        }
    }
}
