package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.serde.InMemorySchemaRegistry;

/**
 * Hostile input on both inputs, interleaved with a real workload, through a running instance on a
 * real broker: every bad record ends in the dead-letter topic, every good one gives the right
 * result, and the stream never stops.
 */
class HostileInputIT {

    private static final String REGISTRY = "mock://hostile-input-it";

    @TempDir
    Path dir;

    @Test
    void every_bad_record_is_a_dead_letter_and_every_good_one_counts() throws Exception {
        RuleSet rules = RuleSet.loadShipped();
        List<DemoDataset.Event> good = DemoDataset.generate(11, 600);
        Random random = new Random(11);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, REGISTRY, 4);
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), REGISTRY, dir.resolve("state"), rules);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new HashMap<>(cluster.client), new StringSerializer(),
                         new ByteArraySerializer())) {
                int bad = 0;
                int goodSent = 0;
                for (DemoDataset.Event event : good) {
                    String topic = event.report() != null ? "raid-reports" : "foi-updates";
                    String raidId = event.report() != null ? event.report().getRaidId() : event.foiUpdate().getRaidId();
                    byte[] value = event.report() != null
                            ? cluster.topics.raidReports().valueSerde().serializer().serialize(topic, event.report())
                            : cluster.topics.foiUpdates().valueSerde().serializer().serialize(topic, event.foiUpdate());
                    producer.send(new ProducerRecord<>(topic, raidId, value));
                    goodSent++;
                    // after each good record, a few bad ones on either input
                    for (int i = 0; i < 3; i++) {
                        String badTopic = random.nextBoolean() ? "raid-reports" : "foi-updates";
                        producer.send(new ProducerRecord<>(badTopic, "bad-" + bad, hostile(random, cluster, badTopic, value, bad)));
                        bad++;
                    }
                }
                producer.flush();
                int badSent = bad;
                Expected expected = Expected.of(good, rules, AppInstance.AS_OF);

                Await.until(Duration.ofMinutes(3), "all " + badSent + " bad records in the dead-letter topic and the results of "
                                + goodSent + " good ones",
                        () -> cluster.deadLetterCount() == badSent && expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> "dead letters " + cluster.deadLetterCount() + "; app " + app.describe() + "; "
                                + expected.mismatches(cluster.latestFlags(), cluster.latestRates()) + "; " + cluster.offsets());

                assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(cluster.deadLetterCount()).isEqualTo(badSent);
                Expected.assertValidLifeCycles(cluster.allFlagRecords());
                System.out.printf("hostile input: %d good records, %d bad records, %d dead letters, %d flags holding%n",
                        goodSent, badSent, cluster.deadLetterCount(), expected.holdingFlagCount());
            }
        } finally {
            InMemorySchemaRegistry.dropScope("hostile-input-it");
        }
    }

    /** One bad value of a rotating kind: random bytes, truncated Avro, an unknown schema id, or valid Avro breaking the contract. */
    private static byte[] hostile(Random random, Cluster cluster, String topic, byte[] goodValue, int n) {
        switch (n % 8) {
            case 0, 1 -> {
                byte[] bytes = new byte[random.nextInt(300)];
                random.nextBytes(bytes);
                if (bytes.length > 0 && bytes[0] == 0) {
                    bytes[0] = 1; // a random first byte of 0 would be a (vanishingly unlikely) valid header; keep it garbage
                }
                return bytes;
            }
            case 2 -> {
                return Arrays.copyOf(goodValue, 5 + random.nextInt(Math.max(1, goodValue.length - 6)));
            }
            case 3 -> {
                byte[] bytes = goodValue.clone();
                bytes[1] = 0x7f; // schema id 2130706432 and up: not registered
                return bytes;
            }
            default -> {
                return absurd(random, cluster, topic, n);
            }
        }
    }

    private static byte[] absurd(Random random, Cluster cluster, String topic, int n) {
        if (topic.equals("raid-reports")) {
            RaidReport.Builder report = RaidReport.newBuilder().setRaidId("bad-" + n).setForce("Kent Police")
                    .setRaidDate(LocalDate.of(2020, 1, 1)).setTraffickingClaimed(true);
            switch (n % 4) {
                case 0 -> report.setClaimedVictims(-1 - random.nextInt(1000));
                case 1 -> report.setRaidDate(LocalDate.of(9999, 12, 31));
                case 2 -> report.setRaidId("");
                default -> report.setSourceUrl("x".repeat(100_000));
            }
            return cluster.topics.raidReports().valueSerde().serializer().serialize(topic, report.build());
        }
        FoiUpdate.Builder update = FoiUpdate.newBuilder().setFoiId("F-bad-" + n).setRaidId("bad-" + n).setForce("Kent Police")
                .setRequestedOn(LocalDate.of(2020, 1, 1)).setStatus(org.raidwatch.schema.FoiStatus.RESPONDED);
        switch (n % 4) {
            case 0 -> update.setNrmReferrals(-5);
            case 1 -> update.setRequestedOn(LocalDate.of(9999, 1, 1));
            case 2 -> update.setForce("Gotham City Police");
            default -> update.setFoiId("y".repeat(100_000));
        }
        return cluster.topics.foiUpdates().valueSerde().serializer().serialize(topic, update.build());
    }
}
