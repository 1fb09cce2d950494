package org.raidwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;

/**
 * Confluent's {@code use.latest.version} for an output topic: the flag is written with the subject's
 * latest registered schema and its id, not raidwatch's own, when that schema can hold the flag.
 */
class UseLatestVersionTest {

    private static final String SUBJECT = "flagged-cases-value";
    private final String scope = "latest-version-test-" + UUID.randomUUID();
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
    private final ConfluentAvroSerde<CaseFlag> serde = new ConfluentAvroSerde<>(registry, CaseFlag.class, false, false, true);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    private static CaseFlag flag() {
        return CaseFlag.newBuilder().setRaidId("r-1").setRuleId("foi-withheld").setStatus(FlagStatus.UPDATED).setSeverity(Severity.LOW)
                .setForce("Kent Police").setRaidDate(LocalDate.of(2021, 3, 4)).setExplanation("refused under s.31")
                .setEvidence(Map.of("foiStatus", "REFUSED")).setSourceUrl("https://news.example/r-1")
                .setRuleSetVersion("v7").setChangedAt(Instant.parse("2021-05-01T10:15:30.123Z")).build();
    }

    @Test
    void a_flag_is_written_with_the_newer_latest_schema_and_its_id_and_the_extra_field_takes_its_default() throws IOException {
        // Given the subject's owners registered raidwatch's schema, then a newer one with an extra optional field
        registry.register(SUBJECT, CaseFlag.getClassSchema());
        Schema newer = WireFormatFixtures.withOptionalField(CaseFlag.getClassSchema(), "reviewedBy");
        int newerId = registry.register(SUBJECT, newer);

        // When raidwatch writes a flag
        byte[] bytes = serde.serializer().serialize("flagged-cases", flag());

        // Then the record names the newer schema, its body is that schema's encoding, with the default for the extra field
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(newerId);
        GenericRecord asWritten = new GenericDatumReader<GenericRecord>(newer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(asWritten.get("reviewedBy")).isNull();
        assertThat(asWritten.get("explanation").toString()).isEqualTo("refused under s.31");
        assertThat(asWritten.get("changedAt")).isEqualTo(Instant.parse("2021-05-01T10:15:30.123Z").toEpochMilli());
        // And raidwatch's own reader (and any consumer of the topic) reads back the same flag
        assertThat(serde.deserializer().deserialize("flagged-cases", bytes)).isEqualTo(flag());
    }

    @Test
    void when_the_latest_schema_is_its_own_the_flag_is_written_as_usual() {
        int id = registry.register(SUBJECT, CaseFlag.getClassSchema());

        byte[] bytes = serde.serializer().serialize("flagged-cases", flag());

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(bytes).isEqualTo(new ConfluentAvroSerde<>(registry, CaseFlag.class, false, true).serializer().serialize("flagged-cases", flag()));
    }

    @Test
    void a_latest_schema_that_cannot_hold_the_flag_is_refused_naming_the_subject_and_both_versions() {
        // Given a latest version with a mandatory field raidwatch does not have (registered where compatibility is not checked)
        Schema other = SchemaBuilder.record("CaseFlag").namespace("org.raidwatch.schema").fields()
                .requiredString("raidId").requiredLong("caseworkerId").endRecord();
        registry.register("other-value", other);
        SchemaRegistryClient latestIsOther = new ForwardingLatest(registry, "other-value");
        ConfluentAvroSerde<CaseFlag> writer = new ConfluentAvroSerde<>(latestIsOther, CaseFlag.class, false, false, true);

        // When a flag is written, then it is refused with what cannot be represented
        assertThatThrownBy(() -> writer.serializer().serialize("flagged-cases", flag()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("subject " + SUBJECT)
                .hasMessageContaining("latest version 1 (id ")
                .hasMessageContaining("raidwatch's org.raidwatch.schema.CaseFlag records (its own schema, not registered under the subject")
                .hasMessageContaining("caseworkerId");
    }

    @Test
    void a_subject_without_versions_is_refused_rather_than_registered() {
        assertThatThrownBy(() -> serde.serializer().serialize("flagged-cases", flag()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("subject " + SUBJECT + " has no registered version");
    }

    @Test
    void registering_and_using_the_latest_version_together_is_refused() {
        assertThatThrownBy(() -> new ConfluentAvroSerde<>(registry, CaseFlag.class, false, true, true))
                .hasMessageContaining("use.latest.version needs auto.register.schemas=false");
    }

    /** A registry whose latest version of every subject is that of another subject (as if registered without a check). */
    private record ForwardingLatest(SchemaRegistryClient registry, String source) implements SchemaRegistryClient {
        @Override
        public int register(String subject, Schema schema) {
            return registry.register(subject, schema);
        }

        @Override
        public int lookup(String subject, Schema schema) {
            return registry.lookup(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            return registry.schemaById(id);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            RegisteredSchema other = registry.latest(source);
            return new RegisteredSchema(subject, other.id(), other.version(), other.schema());
        }

        @Override
        public boolean isCompatible(String subject, Schema schema) {
            return registry.isCompatible(subject, schema);
        }
    }
}
