package org.raidwatch.serde;

import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Whether a record's writer schema may be decoded at all, before a reader is built from it. A writer
 * id is the record's own claim, and any schema registered under any subject has one, so the schema
 * must be one raidwatch's reader can resolve (Avro's schema resolution rules), and its decoding cost
 * must be bounded by the record's size: an array whose items take no bytes (null, an empty record,
 * a fixed of size 0) lets a dozen bytes claim millions of items, each of which the decoder steps
 * over before it finds the record short.
 */
final class WriterSchemaVetting {

    private WriterSchemaVetting() {
    }

    /** Why the writer schema is refused, or null when records written with it may be decoded as the reader. */
    static String problem(Schema writer, Schema reader) {
        String unbounded = unboundedCollection(writer, "", new IdentityHashMap<>());
        if (unbounded != null) {
            return "its " + unbounded + " is an array of items that take no bytes, so a few bytes could make the decoder step"
                    + " over millions of items";
        }
        SchemaCompatibility.SchemaPairCompatibility check = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (check.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return "it cannot be read as " + reader.getName() + ": " + check.getResult().getIncompatibilities().stream()
                    .limit(3).map(i -> i.getType() + " at " + i.getLocation()).toList();
        }
        return null;
    }

    /** The path of the first array of zero-size items, or null. */
    private static String unboundedCollection(Schema schema, String path, Map<Schema, Boolean> seen) {
        if (seen.put(schema, Boolean.TRUE) != null) {
            return null;
        }
        switch (schema.getType()) {
            case ARRAY -> {
                if (isZeroSize(schema.getElementType(), new IdentityHashMap<>())) {
                    return path.isEmpty() ? "top level" : "field " + path;
                }
                return unboundedCollection(schema.getElementType(), path + "[]", seen);
            }
            case MAP -> {
                return unboundedCollection(schema.getValueType(), path + "{}", seen);
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    String found = unboundedCollection(field.schema(), path.isEmpty() ? field.name() : path + "." + field.name(), seen);
                    if (found != null) {
                        return found;
                    }
                }
                return null;
            }
            case UNION -> {
                for (Schema branch : schema.getTypes()) {
                    String found = unboundedCollection(branch, path, seen);
                    if (found != null) {
                        return found;
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Whether a value of this schema can be encoded in no bytes at all. */
    private static boolean isZeroSize(Schema schema, Map<Schema, Boolean> seen) {
        if (seen.put(schema, Boolean.TRUE) != null) {
            return true; // a record containing itself only through zero-size fields: as empty as they are
        }
        return switch (schema.getType()) {
            case NULL -> true;
            case FIXED -> schema.getFixedSize() == 0;
            case RECORD -> schema.getFields().stream().allMatch(field -> isZeroSize(field.schema(), seen));
            // Enums, unions, arrays, maps, strings, bytes and numbers take at least one byte each.
            default -> false;
        };
    }
}
