package org.raidwatch.serde;

/**
 * The schema registry did not answer usefully (no connection, a timeout, a 5xx) even after retries.
 * It is infrastructure, not input: a stream that meets this fails its task so Kafka Streams retries
 * it later, and never dead-letters the record it was decoding. Deliberately not a Kafka
 * {@code SerializationException}, which would mark the record itself as bad.
 */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {

    public SchemaRegistryUnavailableException(String message, SchemaRegistryException lastFailure) {
        super(message, lastFailure);
    }

    /** Whether an error, or any of its causes, is a registry outage. */
    public static boolean isCauseOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryUnavailableException) {
                return true;
            }
        }
        return false;
    }
}
