package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.clients.TopicReader;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.deployment.Deployment;
import org.raidwatch.deployment.RaidwatchConfig;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.serde.InMemorySchemaRegistry;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.TopicNames;

/**
 * Producers in other languages place records with another partitioner than Java's: whatever they
 * use, a raid's report and FOI updates meet in one case.
 */
class PartitionerIT {

    @TempDir
    Path dir;

    @Test
    void reports_from_a_java_producer_and_foi_updates_from_a_librdkafka_producer_give_the_results_of_an_all_java_run() throws Exception {
        RuleSet rules = RuleSet.loadShipped();
        List<DemoDataset.Event> events = DemoDataset.generate(33, 600);
        Expected expected = Expected.of(events, rules, AppInstance.AS_OF);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, "mock://partitioner-it", 4);
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), "mock://partitioner-it", dir.resolve("state"), rules)) {
                // Given raid reports written by the Java client (murmur2) and FOI updates by a producer
                // placing records as librdkafka does by default (CRC32 of the key)
                int misplaced = 0;
                Map<String, Object> crc32 = new HashMap<>(cluster.client);
                crc32.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, Crc32Partitioner.class.getName());
                crc32.put(ProducerConfig.ACKS_CONFIG, "all");
                cluster.send(events.stream().filter(event -> event.report() != null).toList());
                try (KafkaProducer<String, byte[]> librdkafkaLike = new KafkaProducer<>(crc32, new StringSerializer(), new ByteArraySerializer())) {
                    for (DemoDataset.Event event : events) {
                        FoiUpdate update = event.foiUpdate();
                        if (update != null) {
                            byte[] value = cluster.topics.foiUpdates().valueSerde().serializer().serialize("foi-updates", update);
                            int partition = librdkafkaLike.send(new ProducerRecord<>("foi-updates", update.getRaidId(), value))
                                    .get(30, TimeUnit.SECONDS).partition();
                            if (partition != org.apache.kafka.common.utils.Utils.toPositive(
                                    org.apache.kafka.common.utils.Utils.murmur2(update.getRaidId().getBytes(StandardCharsets.UTF_8))) % 4) {
                                misplaced++;
                            }
                        }
                    }
                }
                assertThat(misplaced).as("FOI updates a CRC32 partitioner put elsewhere than murmur2 would").isGreaterThan(100);

                // Then every case is whole: the flags and rates equal the recomputation from the inputs
                Await.until(Duration.ofMinutes(3), "the results of all " + events.size() + " inputs",
                        () -> expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> app.describe() + "; " + expected.mismatches(cluster.latestFlags(), cluster.latestRates()) + "; " + cluster.offsets());
                assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(cluster.deadLetterCount()).isZero();
                int records = Expected.assertValidLifeCycles(cluster.allFlagRecords());
                int relocated = TopicReader.readAll(cluster.client,
                        AppInstance.APPLICATION_ID + "-" + CaseTopology.MISPLACED_FOI_UPDATES_TOPIC + "-repartition",
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(), Duration.ofSeconds(30)).size();
                assertThat(relocated).as("FOI updates relocated").isEqualTo(misplaced);
                System.out.printf("mixed partitioners: %d inputs, %d FOI updates relocated, %d flag records, %d flags holding%n",
                        events.size(), relocated, records, expected.holdingFlagCount());
            }
        } finally {
            InMemorySchemaRegistry.dropScope("partitioner-it");
        }
    }

    @Test
    void input_topics_split_differently_are_refused_at_start_up() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, "mock://partitioner-it-2", 2);
            try (Admin admin = Admin.create(cluster.client)) {
                admin.createPartitions(Map.of("foi-updates", NewPartitions.increaseTo(3))).all().get(30, TimeUnit.SECONDS);

                assertThatThrownBy(() -> Deployment.inputPartitions(admin, TopicNames.DEFAULTS, Duration.ofSeconds(30)))
                        .isInstanceOf(RaidwatchConfig.InvalidConfigException.class)
                        .hasMessage("the input topics must have the same number of partitions, so that a raid's report and FOI updates"
                                + " meet in one case: raid-reports has 2 and foi-updates has 3; add partitions to the smaller one"
                                + " (kafka-topics --alter --partitions 3)");
            }
        } finally {
            InMemorySchemaRegistry.dropScope("partitioner-it-2");
        }
    }
}
