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

/**
 * Two instances with the same application id share the partitions; stopping one hands its work to
 * the other; the final flags and rates are those a single instance computes from the same input.
 */
class ScaleOutIT {

    @TempDir
    Path dir;

    @Test
    void two_instances_share_the_work_and_one_takes_over_when_the_other_stops() throws Exception {
        RuleSet rules = RuleSet.loadShipped();
        List<DemoDataset.Event> events = DemoDataset.generate(31, 1_500);
        List<DemoDataset.Event> before = events.subList(0, events.size() / 2);
        List<DemoDataset.Event> after = events.subList(events.size() / 2, events.size());
        Expected expected = Expected.of(events, rules, AppInstance.AS_OF);
        String registry = "mock://scale-out-it";
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, registry, 4);
            try (AppInstance first = AppInstance.start(kafka.bootstrapServers(), registry, dir.resolve("state-1"), rules);
                 AppInstance second = AppInstance.start(kafka.bootstrapServers(), registry, dir.resolve("state-2"), rules)) {
                Await.until(Duration.ofMinutes(1), "both instances running after the rebalance",
                        () -> first.state() == KafkaStreams.State.RUNNING && second.state() == KafkaStreams.State.RUNNING,
                        () -> "first " + first.describe() + ", second " + second.describe());
                cluster.send(before);
                Await.until(Duration.ofMinutes(2), "flags from the first half", () -> cluster.allFlagRecords().size() > 200,
                        () -> "first " + first.describe() + ", second " + second.describe() + "; " + cluster.offsets());

                // When the first instance stops, its partitions move to the second
                first.close();
                cluster.send(after);

                Await.until(Duration.ofMinutes(4), "the results of all " + events.size() + " inputs",
                        () -> expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> "second " + second.describe() + "; " + expected.mismatches(cluster.latestFlags(), cluster.latestRates())
                                + "; " + cluster.offsets());
                assertThat(second.state()).isEqualTo(KafkaStreams.State.RUNNING);
                int records = Expected.assertValidLifeCycles(cluster.allFlagRecords());
                System.out.printf("scale-out: %d inputs over 2 instances then 1, %d flag records, 0 duplicates, %d flags holding%n",
                        events.size(), records, expected.holdingFlagCount());
            }
        } finally {
            InMemorySchemaRegistry.dropScope("scale-out-it");
        }
    }
}
