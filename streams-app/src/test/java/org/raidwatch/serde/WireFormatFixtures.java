package org.raidwatch.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;

/** Test helpers for what other producers send: evolved schemas and records framed by hand in the Confluent wire format. */
public final class WireFormatFixtures {

    private WireFormatFixtures() {
    }

    /** The schema plus one optional string field with a null default: a compatible evolution. */
    public static Schema withOptionalField(Schema schema, String field) {
        String json = schema.toString();
        int fieldsEnd = json.lastIndexOf(']');
        return new Schema.Parser().parse(json.substring(0, fieldsEnd)
                + ",{\"name\":\"" + field + "\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Added later.\"}"
                + json.substring(fieldsEnd));
    }

    /** The schema without one of its optional fields: what an older producer wrote. */
    public static Schema withoutField(Schema schema, String field) {
        java.util.List<Schema.Field> fields = schema.getFields().stream().filter(f -> !f.name().equals(field))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    /** A generic record as a Confluent-format value: byte 0, the schema id, the Avro body. */
    public static byte[] frame(int schemaId, Schema schema, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            GenericData model = new GenericData();
            SpecificData.get().getConversions().forEach(model::addLogicalTypeConversion);
            new GenericDatumWriter<GenericRecord>(schema, model).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** A long as Avro writes it: zig-zag, then 7 bits a byte (a block count claims {@code count} items as {@code varint(2 * count)}). */
    public static byte[] varint(long zigZagged) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long value = zigZagged;
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
        return out.toByteArray();
    }
}
