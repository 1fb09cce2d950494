package org.raidwatch.serde;

import java.io.Closeable;
import org.apache.avro.Schema;

/**
 * The calls raidwatch makes to a Confluent-compatible schema registry: the REST API of Confluent's
 * server (and of Apicurio's ccompat API), or an in-memory registry for tests and the embedded demo.
 * Every failure is a {@link SchemaRegistryException}.
 */
public interface SchemaRegistryClient extends Closeable {

    /** Registers the schema under the subject (or finds it registered already) and returns its global id. */
    int register(String subject, Schema schema);

    /** Returns the global id of a schema already registered under the subject, without registering it. */
    int lookup(String subject, Schema schema);

    /** Returns the schema with this global id. */
    Schema schemaById(int id);

    /** Returns the newest version registered under the subject. */
    RegisteredSchema latest(String subject);

    /** Whether the schema may be registered as the subject's next version under its compatibility rules. */
    boolean isCompatible(String subject, Schema schema);

    @Override
    default void close() {
    }

    /** One version of a subject. */
    record RegisteredSchema(String subject, int id, int version, Schema schema) {
    }
}
