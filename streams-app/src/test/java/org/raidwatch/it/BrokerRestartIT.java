package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.serde.InMemorySchemaRegistry;

/** The broker stops mid-stream and starts again on the same storage: raidwatch recovers by itself, complete and without duplicates. */
class BrokerRestartIT {

    @TempDir
    Path dir;

    @Test
    void the_results_are_complete_and_not_duplicated_after_a_broker_restart() throws Exception {
        RuleSet rules = RuleSet.loadShipped();
        List<DemoDataset.Event> events = DemoDataset.generate(21, 1_500);
        List<DemoDataset.Event> before = events.subList(0, events.size() / 2);
        List<DemoDataset.Event> after = events.subList(events.size() / 2, events.size());
        Expected expected = Expected.of(events, rules, AppInstance.AS_OF);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, "mock://broker-restart-it", 4);
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), "mock://broker-restart-it", dir.resolve("state"), rules)) {
                cluster.send(before);
                Await.until(Duration.ofMinutes(2), "flags from the first half", () -> cluster.allFlagRecords().size() > 200,
                        () -> app.describe() + "; " + cluster.offsets());

                // When the broker goes away for a few seconds, mid-stream, and comes back on the same storage
                kafka.stop();
                Thread.sleep(5_000);
                kafka.restart();
                cluster.send(after);

                // Then everything is processed once
                Await.until(Duration.ofMinutes(4), "the results of all " + events.size() + " inputs",
                        () -> expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> app.describe() + "; " + expected.mismatches(cluster.latestFlags(), cluster.latestRates()) + "; " + cluster.offsets());
                assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
                int records = Expected.assertValidLifeCycles(cluster.allFlagRecords());
                System.out.printf("broker restart: %d inputs, %d flag records, 0 duplicates, %d flags holding%n",
                        events.size(), records, expected.holdingFlagCount());
            }
        } finally {
            InMemorySchemaRegistry.dropScope("broker-restart-it");
        }
    }
}
