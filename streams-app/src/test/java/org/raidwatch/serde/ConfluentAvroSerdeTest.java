package org.raidwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.RaidReport;

class ConfluentAvroSerdeTest {

    private final String scope = "serde-test-" + UUID.randomUUID();
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
    private final ConfluentAvroSerde<RaidReport> serde = ConfluentAvroSerde.forValues(registry, RaidReport.class);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    private static RaidReport report() {
        return RaidReport.newBuilder()
                .setRaidId("r-1").setRevision(0).setForce("Kent Police").setRaidDate(LocalDate.of(2020, 3, 4))
                .setReportedAt(null).setSourceUrl(null).setTraffickingClaimed(true).setModernSlaveryClaimed(false)
                .setClaimedVictims(6).setClaimedArrests(null).build();
    }

    /** A registry in front of the in-memory one that counts lookups by id and can be made unreachable. */
    private static final class WatchedRegistry implements SchemaRegistryClient {
        final SchemaRegistryClient behind;
        final java.util.concurrent.atomic.AtomicInteger lookupsById = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean reachable = true;
        /** When set, every call is answered with this HTTP status and no Confluent error code. */
        volatile int answerStatus;

        WatchedRegistry(SchemaRegistryClient behind) {
            this.behind = behind;
        }

        private void check() {
            if (!reachable) {
                throw new SchemaRegistryException("schema registry could not be reached", new java.io.IOException("Connection refused"));
            }
            if (answerStatus != 0) {
                throw new SchemaRegistryException("schema registry answered HTTP " + answerStatus, answerStatus, -1);
            }
        }

        @Override
        public int register(String subject, org.apache.avro.Schema schema) {
            check();
            return behind.register(subject, schema);
        }

        @Override
        public int lookup(String subject, org.apache.avro.Schema schema) {
            check();
            return behind.lookup(subject, schema);
        }

        @Override
        public org.apache.avro.Schema schemaById(int id) {
            lookupsById.incrementAndGet();
            check();
            return behind.schemaById(id);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            check();
            return behind.latest(subject);
        }

        @Override
        public boolean isCompatible(String subject, org.apache.avro.Schema schema) {
            check();
            return behind.isCompatible(subject, schema);
        }
    }

    @Test
    void an_unknown_schema_id_is_asked_for_once_however_many_records_carry_it() {
        WatchedRegistry watched = new WatchedRegistry(registry);
        ConfluentAvroSerde<RaidReport> reader = ConfluentAvroSerde.forValues(watched, RaidReport.class);
        byte[] bogus = serde.serialize("raid-reports", report());
        bogus[4] = 99;

        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> reader.deserialize("raid-reports", bogus))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("cannot get writer schema 99");
        }
        assertThat(watched.lookupsById).hasValue(1);
    }

    @Test
    void an_unreachable_registry_is_an_outage_not_a_bad_record_and_is_asked_again_later() {
        WatchedRegistry watched = new WatchedRegistry(registry);
        ConfluentAvroSerde<RaidReport> reader = ConfluentAvroSerde.forValues(watched, RaidReport.class);
        byte[] good = serde.serialize("raid-reports", report());
        watched.reachable = false;

        assertThatThrownBy(() -> reader.deserialize("raid-reports", good))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .isNotInstanceOf(SerializationException.class);

        watched.reachable = true;
        assertThat(reader.deserialize("raid-reports", good)).isEqualTo(report());
    }

    @Test
    void a_refused_credential_or_a_wrong_address_is_the_registrys_trouble_not_the_records() {
        WatchedRegistry watched = new WatchedRegistry(registry);
        ConfluentAvroSerde<RaidReport> reader = ConfluentAvroSerde.forValues(watched, RaidReport.class);
        byte[] good = serde.serialize("raid-reports", report());

        for (int status : new int[] {401, 403, 404}) {
            watched.answerStatus = status;
            assertThatThrownBy(() -> reader.deserialize("raid-reports", good)).as("HTTP %d", status)
                    .isInstanceOf(SchemaRegistryUnavailableException.class);
        }
        watched.answerStatus = 0;
        assertThat(reader.deserialize("raid-reports", good)).isEqualTo(report());
    }

    @Test
    void writes_the_confluent_wire_format_byte_for_byte() {
        byte[] expected = {
                0x00,                    // magic byte
                0x00, 0x00, 0x00, 0x01,  // schema id 1, big-endian
                0x06, 'r', '-', '1',     // raidId: length 3 (zigzag 6), UTF-8
                0x00,                    // revision 0
                0x16, 'K', 'e', 'n', 't', ' ', 'P', 'o', 'l', 'i', 'c', 'e', // force: length 11 (zigzag 22)
                (byte) 0xAA, (byte) 0x9E, 0x02, // raidDate 2020-03-04 = day 18325, zigzag 36650 as a varint
                0x00,                    // reportedAt: union branch 0, null
                0x00,                    // sourceUrl: null
                0x01,                    // traffickingClaimed: true
                0x00,                    // modernSlaveryClaimed: false
                0x02, 0x0C,              // claimedVictims: union branch 1, int 6 (zigzag 12)
                0x00                     // claimedArrests: null
        };

        assertThat(serde.serializer().serialize("raid-reports", report())).containsExactly(expected);
        assertThat(registry.latest("raid-reports-value").id()).isEqualTo(1);
    }

    @Test
    void reads_back_what_it_wrote() {
        byte[] bytes = serde.serializer().serialize("raid-reports", report());

        assertThat(serde.deserializer().deserialize("raid-reports", bytes)).isEqualTo(report());
    }

    @Test
    void decodes_into_the_generated_class_whose_package_avro_does_not_trust_by_default() {
        // Avro 1.12 refuses to instantiate untrusted classes; the serde trusts raidwatch's generated package.
        byte[] bytes = serde.serializer().serialize("raid-reports", report());

        Object decoded = serde.deserializer().deserialize("raid-reports", bytes);

        assertThat(decoded).isInstanceOf(RaidReport.class);
        assertThat(((RaidReport) decoded).getRaidDate()).isEqualTo(LocalDate.of(2020, 3, 4));
    }

    @Test
    void null_is_a_tombstone_both_ways() {
        assertThat(serde.serializer().serialize("raid-reports", null)).isNull();
        assertThat(serde.deserializer().deserialize("raid-reports", null)).isNull();
    }

    @Test
    void refuses_bytes_that_are_not_confluent_avro() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("raid-reports", new byte[] {1, 0, 0, 0, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown magic byte 1");
        assertThatThrownBy(() -> serde.deserializer().deserialize("raid-reports", new byte[] {0, 0, 0, 0, 9, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("cannot get writer schema 9");
        assertThatThrownBy(() -> serde.deserializer().deserialize("raid-reports", new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("fewer than the 5-byte header");
    }

    @Test
    void a_record_written_with_a_newer_schema_is_read_by_this_older_class() {
        // Given a producer whose RaidReport has an extra optional field, registered as version 2
        serde.serializer().serialize("raid-reports", report());
        Schema newer = WireFormatFixtures.withOptionalField(RaidReport.getClassSchema(), "operationName");
        int newerId = registry.register("raid-reports-value", newer);
        GenericRecord written = new GenericData.Record(newer);
        RaidReport.getClassSchema().getFields().forEach(f -> written.put(f.name(), report().get(f.pos())));
        written.put("operationName", "Operation Aidant");

        // When the app reads it
        RaidReport read = serde.deserializer().deserialize("raid-reports", WireFormatFixtures.frame(newerId, newer, written));

        // Then it sees the fields it knows
        assertThat(newerId).isEqualTo(registry.latest("raid-reports-value").id()).isNotEqualTo(1);
        assertThat(read).isEqualTo(report());
    }

    @Test
    void a_record_written_by_this_class_is_read_by_a_newer_reader() throws IOException {
        byte[] bytes = serde.serializer().serialize("raid-reports", report());
        Schema writer = registry.schemaById(ByteBuffer.wrap(bytes, 1, 4).getInt());
        Schema newer = WireFormatFixtures.withOptionalField(RaidReport.getClassSchema(), "operationName");

        GenericRecord read = new GenericDatumReader<GenericRecord>(writer, newer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

        assertThat(read.get("raidId").toString()).isEqualTo("r-1");
        assertThat(read.get("operationName")).isNull();
    }

    @Test
    void an_incompatible_schema_is_refused_by_the_registry() {
        serde.serializer().serialize("raid-reports", report());
        Schema incompatible = SchemaBuilder.record("RaidReport").namespace("org.raidwatch.schema").fields()
                .requiredString("raidId").requiredLong("mandatoryNewField").endRecord();

        assertThat(registry.isCompatible("raid-reports-value", incompatible)).isFalse();
        assertThatThrownBy(() -> registry.register("raid-reports-value", incompatible))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isIncompatible()).isTrue());
    }

    @Test
    void one_scope_is_one_registry_and_equal_schemas_share_an_id() {
        int id = registry.register("a-value", RaidReport.getClassSchema());

        assertThat(SchemaRegistries.forUrl("mock://" + scope).register("b-value", RaidReport.getClassSchema())).isEqualTo(id);
        assertThat(SchemaRegistries.forUrl("mock://" + scope).lookup("a-value", RaidReport.getClassSchema())).isEqualTo(id);
        assertThatThrownBy(() -> registry.lookup("c-value", RaidReport.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    }

}
