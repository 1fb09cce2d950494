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
        /** How many of the next lookups by id answer "not found" (40403), as a follower that has not caught up. */
        volatile int unknownForNextAsks;
        /** When set, lookups by id answer a schema Avro cannot parse. */
        volatile boolean unparsable;

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
            if (unknownForNextAsks > 0) {
                unknownForNextAsks--;
                throw new SchemaRegistryException("Schema " + id + " not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
            }
            if (unparsable) {
                throw new org.apache.avro.SchemaParseException("Type not supported: wobble");
            }
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
    void an_unknown_schema_id_is_asked_for_a_few_times_then_remembered_however_many_records_carry_it() {
        WatchedRegistry watched = new WatchedRegistry(registry);
        ConfluentAvroSerde<RaidReport> reader = ConfluentAvroSerde.forValues(watched, RaidReport.class);
        byte[] bogus = serde.serialize("raid-reports", report());
        bogus[4] = 99;

        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> reader.deserialize("raid-reports", bogus))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("writer schema 99");
        }
        assertThat(watched.lookupsById).hasValue(1 + ConfluentAvroSerde.UNKNOWN_ID_PAUSES_MS.length);
    }

    @Test
    void a_schema_id_a_registry_follower_learns_a_moment_later_is_decoded_not_dead_lettered() {
        // Given a registry follower that has not yet seen a schema just registered: "not found" for the first two asks
        WatchedRegistry watched = new WatchedRegistry(registry);
        byte[] good = serde.serialize("raid-reports", report());
        watched.unknownForNextAsks = 2;
        ConfluentAvroSerde<RaidReport> reader = ConfluentAvroSerde.forValues(watched, RaidReport.class);

        // When a record written with it arrives, Then it is decoded once the registry knows the id
        assertThat(reader.deserialize("raid-reports", good)).isEqualTo(report());
        assertThat(watched.lookupsById).hasValue(3);
    }

    @Test
    void a_flood_of_distinct_unknown_ids_costs_the_stream_thread_a_bounded_time() {
        WatchedRegistry watched = new WatchedRegistry(registry);
        ConfluentAvroSerde<RaidReport> reader = ConfluentAvroSerde.forValues(watched, RaidReport.class);
        byte[] good = serde.serialize("raid-reports", report());

        // Given 400 records, each with another id the registry does not know
        long start = System.nanoTime();
        for (int id = 1_000; id < 1_400; id++) {
            byte[] bogus = good.clone();
            ByteBuffer.wrap(bogus, 1, 4).putInt(id);
            assertThatThrownBy(() -> reader.deserialize("raid-reports", bogus)).isInstanceOf(SerializationException.class);
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        // Then the waiting for them all stays within the allowance (500 ms saved up, then 250 ms a second), not 400 x 350 ms
        assertThat(tookMs).as("ms for 400 unknown ids").isLessThan(1_500);
        assertThat(watched.lookupsById.get()).isLessThan(400 + 20);
        // And a good record is decoded at once meanwhile
        assertThat(reader.deserialize("raid-reports", good)).isEqualTo(report());
    }

    @Test
    void a_writer_schema_whose_decoding_cost_is_not_bounded_by_the_record_is_refused_and_remembered() {
        // Given a writer schema registered under some subject, whose first field is an array of nulls,
        // and an 11-byte record claiming 20,000,000 such items and nothing more
        Schema crafted = SchemaBuilder.record("RaidReport").namespace("org.raidwatch.schema").fields()
                .name("pad").type().array().items().nullType().noDefault()
                .name("raidId").type().stringType().noDefault().endRecord();
        int craftedId = registry.register("anything-value", crafted);
        // the header, then the array's block count, 20,000,000 as Avro's zig-zag varint
        byte[] count = WireFormatFixtures.varint(20_000_000L * 2);
        byte[] bytes = new byte[5 + count.length];
        ByteBuffer.wrap(bytes, 1, 4).putInt(craftedId);
        System.arraycopy(count, 0, bytes, 5, count.length);
        WatchedRegistry watched = new WatchedRegistry(registry);
        ConfluentAvroSerde<RaidReport> reader = ConfluentAvroSerde.forValues(watched, RaidReport.class);

        // When a thousand such records arrive
        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            assertThatThrownBy(() -> reader.deserialize("raid-reports", bytes)).isInstanceOf(SerializationException.class)
                    .hasMessageContaining("writer schema " + craftedId).hasMessageContaining("take no bytes");
        }

        // Then each is refused before any item is decoded, the schema fetched once
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms for 1,000 crafted records").isLessThan(1_000);
        assertThat(watched.lookupsById).hasValue(1);
    }

    @Test
    void a_writer_schema_raidwatch_cannot_resolve_or_parse_is_refused_and_remembered() {
        Schema otherShape = SchemaBuilder.record("RaidReport").namespace("org.raidwatch.schema").fields()
                .name("raidId").type().intType().noDefault().endRecord();
        int otherId = registry.register("anything-value", otherShape);
        byte[] bytes = {0, 0, 0, 0, 0, 2};
        ByteBuffer.wrap(bytes, 1, 4).putInt(otherId);
        WatchedRegistry watched = new WatchedRegistry(registry);
        ConfluentAvroSerde<RaidReport> reader = ConfluentAvroSerde.forValues(watched, RaidReport.class);

        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> reader.deserialize("raid-reports", bytes)).isInstanceOf(SerializationException.class)
                    .hasMessageContaining("cannot be read as RaidReport");
        }
        assertThat(watched.lookupsById).hasValue(1);

        // And a registry answer Avro cannot parse is remembered as bad too
        watched.unparsable = true;
        byte[] other = bytes.clone();
        ByteBuffer.wrap(other, 1, 4).putInt(otherId + 1_000);
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> reader.deserialize("raid-reports", other)).isInstanceOf(SerializationException.class)
                    .hasMessageContaining("cannot be parsed");
        }
        assertThat(watched.lookupsById).hasValue(2);
    }

    @Test
    void readers_are_kept_for_a_bounded_number_of_writer_ids() {
        WatchedRegistry watched = new WatchedRegistry(registry);
        ConfluentAvroSerde<RaidReport> reader = ConfluentAvroSerde.forValues(watched, RaidReport.class);
        byte[] good = serde.serialize("raid-reports", report());
        // Given more distinct (compatible) writer schemas than the serde keeps readers for
        for (int i = 0; i <= ConfluentAvroSerde.MAX_READERS; i++) {
            // the same encoding, told apart by a property of its own
            Schema variant = new Schema.Parser().parse(RaidReport.getClassSchema().toString());
            variant.addProp("variant", String.valueOf(i));
            byte[] bytes = good.clone();
            ByteBuffer.wrap(bytes, 1, 4).putInt(registry.register("variants-" + i + "-value", variant));
            assertThat(reader.deserialize("raid-reports", bytes)).isEqualTo(report());
        }
        // Then it holds no more than its bound
        assertThat(reader.readersKept()).isLessThanOrEqualTo(ConfluentAvroSerde.MAX_READERS);
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
