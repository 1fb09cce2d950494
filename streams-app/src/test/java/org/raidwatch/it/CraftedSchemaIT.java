package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.serde.InMemorySchemaRegistry;
import org.raidwatch.serde.WireFormatFixtures;

/**
 * Records whose writer schema makes decoding cost far more than their size (an array of nulls, a
 * dozen bytes claiming twenty million items), sent among a real workload to a running instance on a
 * real broker: each is a dead letter at once, and the good records are processed exactly once.
 */
class CraftedSchemaIT {

    private static final String SCOPE = "crafted-schema-it";
    private static final String REGISTRY = "mock://" + SCOPE;

    @TempDir
    Path dir;

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void a_thousand_records_with_a_crafted_writer_schema_are_dead_letters_within_seconds() throws Exception {
        RuleSet rules = RuleSet.loadShipped();
        List<DemoDataset.Event> good = DemoDataset.generate(17, 300);
        // A writer schema anyone may register under any subject: first field an array of nulls
        Schema craftedSchema = SchemaBuilder.record("RaidReport").namespace("org.raidwatch.schema").fields()
                .name("pad").type().array().items().nullType().noDefault()
                .name("raidId").type().stringType().noDefault().endRecord();
        int craftedId = InMemorySchemaRegistry.scope(SCOPE).register("anything-value", craftedSchema);
        byte[] count = WireFormatFixtures.varint(20_000_000L * 2);
        byte[] craftedRecord = new byte[5 + count.length];
        ByteBuffer.wrap(craftedRecord, 1, 4).putInt(craftedId);
        System.arraycopy(count, 0, craftedRecord, 5, count.length);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, REGISTRY, 2);
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), REGISTRY, dir.resolve("state"), rules);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new HashMap<>(cluster.client), new StringSerializer(),
                         new ByteArraySerializer())) {
                // Given 1,000 crafted records sent first, then the good workload, with more crafted records among it
                int crafted = 0;
                long start = System.nanoTime();
                for (int i = 0; i < 700; i++) {
                    producer.send(new ProducerRecord<>("raid-reports", "crafted-" + crafted++, craftedRecord));
                }
                int i = 0;
                for (DemoDataset.Event event : good) {
                    cluster.send(producer, event);
                    if (i++ % 2 == 0 && crafted < 1_000) {
                        producer.send(new ProducerRecord<>("raid-reports", "crafted-" + crafted++, craftedRecord));
                    }
                }
                while (crafted < 1_000) {
                    producer.send(new ProducerRecord<>("raid-reports", "crafted-" + crafted++, craftedRecord));
                }
                producer.flush();
                Expected expected = Expected.of(good, rules, AppInstance.AS_OF);

                // Then within seconds every crafted record is a dead letter and the good ones have their results
                Await.until(Duration.ofMinutes(2), "1,000 dead letters and the results of the good records",
                        () -> cluster.deadLetterCount() == 1_000 && expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> "dead letters " + cluster.deadLetterCount() + "; app " + app.describe() + "; "
                                + expected.mismatches(cluster.latestFlags(), cluster.latestRates()));
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("CraftedSchemaIT: 1,000 crafted records among %d good ones processed in %.1f s%n", good.size(), seconds);
                assertThat(seconds).as("seconds to process 1,000 crafted records and %d good ones", good.size()).isLessThan(30);
                // And each good record counted exactly once (no flag raised twice), the stream never having stopped
                Expected.assertValidLifeCycles(cluster.allFlagRecords());
                assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(cluster.deadLetterReasons()).allSatisfy(reason -> assertThat(reason).contains("take no bytes"));
            }
        }
    }

}
