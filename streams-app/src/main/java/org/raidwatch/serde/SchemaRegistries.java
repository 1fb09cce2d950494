package org.raidwatch.serde;

import java.time.Duration;

/** Chooses the registry client for a configured URL: {@code mock://<scope>} in memory, anything else over REST. */
public final class SchemaRegistries {

    public static final String MOCK_SCHEME = "mock://";

    private SchemaRegistries() {
    }

    /**
     * @param url the {@code schema.registry.url} setting; when it lists several addresses (comma
     *            separated) the first is used
     */
    public static SchemaRegistryClient forUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("schema.registry.url is not set");
        }
        String first = url.split(",")[0].trim();
        if (first.startsWith(MOCK_SCHEME)) {
            return InMemorySchemaRegistry.scope(first.substring(MOCK_SCHEME.length()));
        }
        // A stream thread blocks while it retries, inside an exactly-once transaction (10 s timeout):
        // a few seconds of retries, then the task fails and Kafka Streams tries it again.
        return new RestSchemaRegistryClient(first, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }
}
