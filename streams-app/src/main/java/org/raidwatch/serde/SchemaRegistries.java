package org.raidwatch.serde;

import java.time.Duration;

/** Chooses the registry client for the settings: {@code mock://<scope>} in memory, anything else over REST. */
public final class SchemaRegistries {

    public static final String MOCK_SCHEME = RegistrySettings.MOCK_SCHEME;

    private SchemaRegistries() {
    }

    /**
     * @param url the {@code schema.registry.url} setting, one address or several (comma separated,
     *            tried in order), credentials only as user info in the addresses
     */
    public static SchemaRegistryClient forUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("schema.registry.url is not set");
        }
        return forSettings(RegistrySettings.ofUrl(url));
    }

    /**
     * @throws RegistrySettings.InvalidRegistrySettingException when a TLS store cannot be opened
     */
    public static SchemaRegistryClient forSettings(RegistrySettings settings) {
        if (settings.isMock()) {
            return InMemorySchemaRegistry.scope(settings.mockScope());
        }
        // A stream thread blocks while it retries, inside an exactly-once transaction (10 s timeout):
        // a few seconds of retries, then the task fails and Kafka Streams tries it again.
        return new RestSchemaRegistryClient(settings, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }
}
