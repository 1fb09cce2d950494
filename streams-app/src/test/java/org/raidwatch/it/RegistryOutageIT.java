package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.serde.RestSchemaRegistryClient;
import org.raidwatch.serde.WireFormatFixtures;

/**
 * The schema registry is infrastructure, not input: while raidwatch cannot reach it, records whose
 * writer schema it has not seen yet wait (the task fails and is retried); none becomes a dead letter,
 * and once the registry is back every record is processed once.
 */
class RegistryOutageIT {

    @TempDir
    Path dir;

    @Test
    void records_arriving_while_the_registry_is_unreachable_are_processed_once_when_it_is_back() throws Exception {
        RuleSet rules = RuleSet.loadShipped();
        List<DemoDataset.Event> events = DemoDataset.generate(44, 400);
        List<DemoDataset.Event> before = events.subList(0, events.size() / 2);
        List<DemoDataset.Event> during = events.subList(events.size() / 2, events.size());
        Expected expected = Expected.of(events, rules, AppInstance.AS_OF);
        try (ApicurioRegistry registry = ApicurioRegistry.start(dir.resolve("apicurio.log"));
             TcpProxy line = TcpProxy.start(registry.port());
             EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            registry.setCompatibility("BACKWARD");
            String throughLine = "http://127.0.0.1:" + line.port() + "/apis/ccompat/v6";
            // Producers reach the registry directly; raidwatch through a line that can be cut
            Cluster cluster = new Cluster(kafka, registry.confluentUrl(), 4);
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), throughLine, dir.resolve("state"), rules)) {
                cluster.send(before);
                Await.until(Duration.ofMinutes(2), "flags from the first half", () -> cluster.allFlagRecords().size() > 50,
                        () -> app.describe() + "; " + cluster.offsets());

                // When raidwatch loses the registry, and the second half's raid reports arrive written with a
                // newer schema, whose id raidwatch has never seen
                line.cut();
                sendWithNewerSchema(cluster, registry, during);
                Thread.sleep(15_000);
                assertThat(cluster.deadLetterCount()).as("dead letters while the registry is unreachable").isZero();

                // Then, once the registry is reachable again, everything is processed, once, with no dead letter
                line.restore();
                Await.until(Duration.ofMinutes(3), "the results of all " + events.size() + " inputs",
                        () -> expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> app.describe() + "; " + expected.mismatches(cluster.latestFlags(), cluster.latestRates()) + "; " + cluster.offsets());
                assertThat(cluster.deadLetterCount()).isZero();
                assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
                int records = Expected.assertValidLifeCycles(cluster.allFlagRecords());
                System.out.printf("registry outage: %d inputs (%d during the outage), %d flag records, 0 duplicates, 0 dead letters%n",
                        events.size(), during.size(), records);
            }
        }
    }

    /** Raid reports framed with a newer producer schema (one more optional field), FOI updates as today. */
    private static void sendWithNewerSchema(Cluster cluster, ApicurioRegistry registry, List<DemoDataset.Event> events) throws Exception {
        Schema current = RaidReport.getClassSchema();
        Schema newer = WireFormatFixtures.withOptionalField(current, "policeOperation");
        int newerId = new RestSchemaRegistryClient(registry.confluentUrl(), Duration.ofSeconds(10)).register("raid-reports-value", newer);
        HashMap<String, Object> config = new HashMap<>(cluster.client);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (DemoDataset.Event event : events) {
                if (event.report() != null) {
                    RaidReport report = event.report();
                    GenericRecord record = new GenericData.Record(newer);
                    current.getFields().forEach(f -> record.put(f.name(), report.get(f.pos())));
                    record.put("policeOperation", "Operation " + report.getRaidId());
                    producer.send(new ProducerRecord<>("raid-reports", report.getRaidId(), WireFormatFixtures.frame(newerId, newer, record)))
                            .get();
                } else {
                    String topic = "foi-updates";
                    producer.send(new ProducerRecord<>(topic, event.foiUpdate().getRaidId(),
                            cluster.topics.foiUpdates().valueSerde().serializer().serialize(topic, event.foiUpdate()))).get();
                }
            }
        }
    }
}
