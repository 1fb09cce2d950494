package org.raidwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contracts can evolve by adding an optional field with a default: data written with the newer
 * schema is read by today's classes, and data written by today's classes is read by the newer schema.
 */
class SchemaEvolutionTest {

    static List<Schema> contracts() {
        return List.of(RaidReport.getClassSchema(), FoiUpdate.getClassSchema(), CaseState.getClassSchema(),
                CaseFlag.getClassSchema(), ForceRates.getClassSchema(), RateDelta.getClassSchema(),
                RateCounts.getClassSchema());
    }

    @ParameterizedTest
    @MethodSource("contracts")
    void adding_an_optional_field_is_compatible_both_ways(Schema current) {
        Schema newer = withOptionalField(current);

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, newer).getType())
                .as("today's reader, newer writer").isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(newer, current).getType())
                .as("newer reader, today's writer").isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void a_raid_report_written_with_a_newer_schema_is_read_by_todays_class() throws IOException {
        Schema newer = withOptionalField(RaidReport.getClassSchema());
        GenericRecord written = new GenericData.Record(newer);
        RaidReport report = report();
        RaidReport.getClassSchema().getFields().forEach(f -> written.put(f.name(), report.get(f.pos())));
        written.put("policeOperation", "Operation Aidant");

        RaidReport read = new SpecificDatumReader<RaidReport>(newer, RaidReport.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(write(newer, written), null));

        assertThat(read).isEqualTo(report);
    }

    @Test
    void a_raid_report_written_by_todays_class_is_read_with_a_newer_schema() throws IOException {
        Schema newer = withOptionalField(RaidReport.getClassSchema());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<RaidReport>(RaidReport.getClassSchema()).write(report(), encoder);
        encoder.flush();

        GenericRecord read = new GenericDatumReader<GenericRecord>(RaidReport.getClassSchema(), newer)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

        assertThat(read.get("raidId").toString()).isEqualTo("r-1");
        assertThat(read.get("claimedVictims")).isEqualTo(6);
        assertThat(read.get("policeOperation")).as("the new field's default").isNull();
    }

    @ParameterizedTest
    @MethodSource("contracts")
    void every_field_is_documented(Schema schema) {
        assertThat(schema.getDoc()).as("doc of %s", schema.getFullName()).isNotBlank();
        schema.getFields().forEach(field -> assertThat(field.doc()).as("doc of %s.%s", schema.getName(), field.name()).isNotBlank());
    }

    private static RaidReport report() {
        return RaidReport.newBuilder().setRaidId("r-1").setRevision(2).setForce("Kent Police")
                .setRaidDate(LocalDate.of(2020, 3, 4)).setSourceUrl("https://news.example/r-1")
                .setTraffickingClaimed(true).setClaimedVictims(6).build();
    }

    private static Schema withOptionalField(Schema schema) {
        String json = schema.toString();
        int fieldsEnd = json.lastIndexOf(']');
        return new Schema.Parser().parse(json.substring(0, fieldsEnd)
                + ",{\"name\":\"policeOperation\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Name of the operation.\"}"
                + json.substring(fieldsEnd));
    }

    private static byte[] write(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        GenericData model = new GenericData();
        SpecificData.get().getConversions().forEach(model::addLogicalTypeConversion);
        new GenericDatumWriter<GenericRecord>(schema, model).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
