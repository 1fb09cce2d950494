package org.raidwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SystemLimitException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

/** Avro's decoder is held to limits that fit raidwatch's records, not the heap. */
class AvroLimitsTest {

    @Test
    void a_record_claiming_more_items_than_raidwatch_ever_holds_is_refused_before_they_are_read() throws Exception {
        AvroClassTrust.install();
        assertThat(System.getProperty("org.apache.avro.limits.collectionItems.maxLength")).isEqualTo("10000");
        assertThat(System.getProperty("org.apache.avro.limits.string.maxLength")).isEqualTo("1048576");
        // Avro reads its limits once; read them again as a fresh process would, with raidwatch's set
        Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
        reset.setAccessible(true);
        reset.invoke(null);

        // Given a map of strings whose first block claims 20,000 entries (three bytes)
        Schema schema = SchemaBuilder.map().values().stringType();
        byte[] claim = WireFormatFixtures.varint(20_000L * 2);

        // When it is decoded, Then Avro refuses the count at once
        assertThatThrownBy(() -> new GenericDatumReader<>(schema).read(null, DecoderFactory.get().binaryDecoder(claim, null)))
                .isInstanceOf(SystemLimitException.class).hasMessageContaining("10000");
        // And a string longer than 1 MiB is refused the same way
        Schema text = SchemaBuilder.builder().stringType();
        assertThatThrownBy(() -> new GenericDatumReader<>(text).read(null, DecoderFactory.get().binaryDecoder(WireFormatFixtures.varint(2L << 21), null)))
                .isInstanceOf(SystemLimitException.class);
    }

}
