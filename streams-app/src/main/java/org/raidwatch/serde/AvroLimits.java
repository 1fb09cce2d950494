package org.raidwatch.serde;

import java.util.Map;

/**
 * Avro's own decoding limits, set to what raidwatch's records can need: a decoder refuses a string or
 * bytes value longer than 1 MiB and a collection of more than 10,000 items (a case's flags and a
 * flag's evidence hold a handful) before allocating or stepping over them, whatever a record claims.
 * Avro's defaults follow the heap (25 million items at a 512 MiB heap). Each is set only when not set
 * already, so {@code -Dorg.apache.avro.limits...} in {@code RAIDWATCH_JAVA_OPTS} still wins. Avro reads
 * them once, when it first checks one: installed with {@link AvroClassTrust}, before any record is
 * decoded.
 */
public final class AvroLimits {

    /** The limits, by Avro's property names. */
    public static final Map<String, String> LIMITS = Map.of(
            "org.apache.avro.limits.string.maxLength", String.valueOf(1 << 20),
            "org.apache.avro.limits.bytes.maxLength", String.valueOf(1 << 20),
            "org.apache.avro.limits.collectionItems.maxLength", "10000");

    private AvroLimits() {
    }

    static void install() {
        LIMITS.forEach((property, value) -> {
            if (System.getProperty(property) == null) {
                System.setProperty(property, value);
            }
        });
    }
}
