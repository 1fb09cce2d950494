package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.serde.ConfluentAvroSerde;
import org.raidwatch.serde.RestSchemaRegistryClient;
import org.raidwatch.serde.SchemaRegistryClient;
import org.raidwatch.serde.SchemaRegistryException;
import org.raidwatch.serde.WireFormatFixtures;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.TopicRole;

/**
 * raidwatch's registry client and serde against a real Confluent-compatible registry server
 * (Apicurio Registry's ccompat API), and byte compatibility with an independent implementation of
 * the wire format (Apicurio's own Avro serde in Confluent mode).
 */
class SchemaRegistryIT {

    @TempDir
    static Path dir;
    static ApicurioRegistry registry;
    static RestSchemaRegistryClient client;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = ApicurioRegistry.start(dir.resolve("apicurio.log"));
        // Confluent's server defaults to BACKWARD; Apicurio starts at NONE.
        registry.setCompatibility("BACKWARD");
        client = new RestSchemaRegistryClient(registry.confluentUrl(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopRegistry() throws InterruptedException {
        if (registry != null) {
            registry.close();
        }
    }

    private static RaidReport report(String raidId) {
        return RaidReport.newBuilder().setRaidId(raidId).setRevision(0).setForce("Kent Police").setRaidDate(LocalDate.of(2020, 3, 4))
                .setSourceUrl("https://news.example/" + raidId).setTraffickingClaimed(true).setClaimedVictims(6).build();
    }

    @Test
    void the_client_registers_fetches_by_id_finds_the_latest_and_checks_compatibility() {
        Schema current = RaidReport.getClassSchema();
        int id = client.register("client-test-value", current);

        assertThat(client.schemaById(id)).isEqualTo(current);
        assertThat(new RestSchemaRegistryClient(registry.confluentUrl(), Duration.ofSeconds(10)).schemaById(id))
                .as("fetched by a fresh client").isEqualTo(current);
        assertThat(new RestSchemaRegistryClient(registry.confluentUrl(), Duration.ofSeconds(10)).lookup("client-test-value", current))
                .isEqualTo(id);
        SchemaRegistryClient.RegisteredSchema latest = client.latest("client-test-value");
        assertThat(latest.id()).isEqualTo(id);
        assertThat(latest.version()).isEqualTo(1);

        Schema newer = WireFormatFixtures.withOptionalField(current, "policeOperation");
        assertThat(client.isCompatible("client-test-value", newer)).isTrue();
        int newerId = client.register("client-test-value", newer);
        assertThat(newerId).isNotEqualTo(id);
        assertThat(client.latest("client-test-value").version()).isEqualTo(2);
    }

    @Test
    void an_incompatible_schema_is_refused_with_a_clear_error() {
        client.register("refusal-test-value", RaidReport.getClassSchema());
        Schema incompatible = SchemaBuilder.record("RaidReport").namespace("org.raidwatch.schema").fields()
                .requiredString("raidId").requiredLong("mandatoryNewField").endRecord();

        assertThat(client.isCompatible("refusal-test-value", incompatible)).isFalse();
        assertThatThrownBy(() -> client.register("refusal-test-value", incompatible))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isIncompatible()).isTrue();
                    assertThat(e.httpStatus()).isEqualTo(409);
                })
                .hasMessageContaining("answered HTTP 409");
    }

    @Test
    void an_unknown_id_is_a_not_found_error() {
        assertThatThrownBy(() -> client.schemaById(987_654))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isUnknownSchema()).isTrue());
    }

    @Test
    void records_written_by_apicurios_serde_are_read_by_raidwatch() {
        try (AvroKafkaSerializer<RaidReport> apicurio = new AvroKafkaSerializer<>()) {
            apicurio.configure(apicurioConfig(), false);
            byte[] bytes = apicurio.serialize("interop-in", report("r-in"));

            assertThat(bytes[0]).as("magic byte").isZero();
            RaidReport read = ConfluentAvroSerde.forValues(client, RaidReport.class).deserializer().deserialize("interop-in", bytes);
            assertThat(read).isEqualTo(report("r-in"));
        }
    }

    @Test
    void records_written_by_raidwatch_are_read_by_apicurios_serde() {
        byte[] bytes = ConfluentAvroSerde.forValues(client, RaidReport.class).serializer().serialize("interop-out", report("r-out"));

        try (AvroKafkaDeserializer<GenericRecord> apicurio = new AvroKafkaDeserializer<>()) {
            apicurio.configure(apicurioConfig(), false);
            GenericRecord read = apicurio.deserialize("interop-out", bytes);

            assertThat(read.get("raidId").toString()).isEqualTo("r-out");
            assertThat(read.get("force").toString()).isEqualTo("Kent Police");
            assertThat(read.get("claimedVictims")).isEqualTo(6);
        }
    }

    @Test
    void a_producer_on_a_newer_schema_and_raidwatch_on_the_older_one_understand_each_other() throws IOException {
        ConfluentAvroSerde<RaidReport> raidwatch = ConfluentAvroSerde.forValues(client, RaidReport.class);
        raidwatch.serializer().serialize("evolving", report("r-0"));
        Schema newer = WireFormatFixtures.withOptionalField(RaidReport.getClassSchema(), "policeOperation");
        int newerId = client.register("evolving-value", newer);

        // newer producer -> raidwatch: the added field is skipped
        GenericRecord written = new GenericData.Record(newer);
        RaidReport.getClassSchema().getFields().forEach(f -> written.put(f.name(), report("r-1").get(f.pos())));
        written.put("policeOperation", "Operation Aidant");
        assertThat(raidwatch.deserializer().deserialize("evolving", WireFormatFixtures.frame(newerId, newer, written))).isEqualTo(report("r-1"));

        // raidwatch -> newer consumer: the added field takes its default
        byte[] bytes = raidwatch.serializer().serialize("evolving", report("r-2"));
        Schema writer = client.schemaById(ByteBuffer.wrap(bytes, 1, 4).getInt());
        GenericRecord read = new GenericDatumReader<GenericRecord>(writer, newer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(read.get("raidId").toString()).isEqualTo("r-2");
        assertThat(read.get("policeOperation")).isNull();
    }

    @Test
    void the_running_app_processes_raid_reports_written_with_a_newer_and_with_an_older_schema() throws Exception {
        Schema current = RaidReport.getClassSchema();
        Schema newer = WireFormatFixtures.withOptionalField(current, "policeOperation");
        Schema older = WireFormatFixtures.withoutField(current, "claimedArrests");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka-evolution"), true)) {
            Cluster cluster = new Cluster(kafka, registry.confluentUrl(), 2);
            // Given the subject at today's schema, then a newer and an older producer's schemas, all accepted (BACKWARD)
            client.register("raid-reports-value", current);
            int newerId = client.register("raid-reports-value", newer);
            int olderId = client.register("raid-reports-value", older);
            GenericRecord fromNewer = new GenericData.Record(newer);
            current.getFields().forEach(f -> fromNewer.put(f.name(), report("r-newer").get(f.pos())));
            fromNewer.put("policeOperation", "Operation Aidant");
            GenericRecord fromOlder = new GenericData.Record(older);
            older.getFields().forEach(f -> fromOlder.put(f.name(), report("r-older").get(current.getField(f.name()).pos())));

            // and one more from the newer producer that breaks the contract (a force that does not exist)
            GenericRecord breaking = new GenericData.Record(newer);
            current.getFields().forEach(f -> breaking.put(f.name(), report("r-atlantis").get(f.pos())));
            breaking.put("force", "Atlantis Constabulary");
            breaking.put("policeOperation", "Operation Trident");
            byte[] breakingBytes = WireFormatFixtures.frame(newerId, newer, breaking);
            int versionsBefore = client.latest("raid-reports-value").version();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new HashMap<>(cluster.client), new StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("raid-reports", "r-newer", WireFormatFixtures.frame(newerId, newer, fromNewer)));
                producer.send(new ProducerRecord<>("raid-reports", "r-older", WireFormatFixtures.frame(olderId, older, fromOlder)));
                producer.send(new ProducerRecord<>("raid-reports", "r-atlantis", breakingBytes));
            }
            // and FOI answers from today's producer: nobody referred
            cluster.send(List.of(
                    new DemoDataset.Event(java.time.Instant.EPOCH, null, answer("r-newer")),
                    new DemoDataset.Event(java.time.Instant.EPOCH, null, answer("r-older"))));

            // When raidwatch (on today's schema) runs, Then both raids are flagged
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), registry.confluentUrl(), dir.resolve("state-evolution"),
                    RuleSet.loadShipped())) {
                Await.until(Duration.ofMinutes(2), "claimed-no-referral on both raids", () -> {
                    Map<String, org.raidwatch.schema.CaseFlag> flags = cluster.latestFlags();
                    return flags.containsKey("r-newer|claimed-no-referral") && flags.containsKey("r-older|claimed-no-referral");
                }, () -> "flags " + cluster.latestFlags().keySet() + ", dead letters " + cluster.deadLetterCount() + ", app " + app.describe());
                // and the contract breach is a dead letter with the producer's bytes; raidwatch registered
                // nothing under the producer's subject
                Await.until(Duration.ofSeconds(30), "the dead letter of r-atlantis", () -> cluster.deadLetterCount() == 1,
                        () -> "dead letters " + cluster.deadLetterCount());
                byte[] deadLetter = org.raidwatch.clients.TopicReader.readAll(cluster.client, "raidwatch-dead-letters",
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(), Duration.ofSeconds(10)).get(0).value();
                assertThat(deadLetter).isEqualTo(breakingBytes);
                assertThat(client.latest("raid-reports-value").version()).isEqualTo(versionsBefore);
                assertThat(cluster.latestFlags().get("r-newer|claimed-no-referral").getExplanation())
                        .isEqualTo("Press reported trafficking (6 people rescued); the force's FOI answer (F-r-newer) shows 3 identified and 0 referred to the NRM");
            }
        }
    }

    private static org.raidwatch.schema.FoiUpdate answer(String raidId) {
        return org.raidwatch.schema.FoiUpdate.newBuilder().setFoiId("F-" + raidId).setRaidId(raidId).setForce("Kent")
                .setRequestedOn(LocalDate.of(2020, 9, 1)).setStatus(org.raidwatch.schema.FoiStatus.RESPONDED)
                .setVictimsIdentified(3).setNrmReferrals(0).build();
    }

    @Test
    void a_producer_with_an_incompatible_schema_is_refused_and_nothing_reaches_the_topic() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), true)) {
            Map<String, Object> clientProps = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            TopicNames names = TopicNames.of(Map.of(TopicRole.RAID_REPORTS, "incompatible-raids", TopicRole.FOI_UPDATES, "incompatible-foi", TopicRole.FLAGGED_CASES, "x-flags", TopicRole.FORCE_RATES, "x-rates", TopicRole.DEAD_LETTERS, "x-dead"));
            try (Admin admin = Admin.create(clientProps)) {
                TopicSetup.createMissing(admin, names, 1, (short) 1, 30_000);
                ConfluentAvroSerde.forValues(client, RaidReport.class).serializer().serialize(names.raidReports(), report("r-0"));
                Schema incompatible = SchemaBuilder.record("RaidReport").namespace("org.raidwatch.schema").fields()
                        .requiredString("raidId").requiredLong("mandatoryNewField").endRecord();
                GenericRecord record = new GenericData.Record(incompatible);
                record.put("raidId", "r-bad");
                record.put("mandatoryNewField", 1L);

                try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(new HashMap<>(clientProps),
                        new StringSerializer(), registeringSerializer(incompatible))) {
                    assertThatThrownBy(() -> producer.send(new ProducerRecord<>(names.raidReports(), "r-bad", record)).get())
                            .isInstanceOf(SerializationException.class)
                            .hasMessageContaining("refused by the schema registry").hasMessageContaining("HTTP 409");
                }
                long end = admin.listOffsets(Map.of(new TopicPartition(names.raidReports(), 0), OffsetSpec.latest()))
                        .all().get().values().iterator().next().offset();
                assertThat(end).as("records on %s", names.raidReports()).isZero();
            }
        }
    }

    /** A producer's serializer that registers its (generic) schema first, as Confluent's does with auto-registration. */
    private static Serializer<GenericRecord> registeringSerializer(Schema schema) {
        return (topic, record) -> {
            int id;
            try {
                id = client.register(topic + "-value", schema);
            } catch (SchemaRegistryException e) {
                throw new SerializationException("schema refused by the schema registry: " + e.getMessage(), e);
            }
            return WireFormatFixtures.frame(id, schema, record);
        };
    }

    private static Map<String, Object> apicurioConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, registry.nativeUrl());
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        config.put(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true);
        config.put(SerdeConfig.USE_ID, "contentId");
        config.put(SerdeConfig.ENABLE_HEADERS, false);
        config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, false);
        return config;
    }

}
