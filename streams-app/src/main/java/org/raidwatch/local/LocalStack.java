package org.raidwatch.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.runner.StreamsProperties;
import org.raidwatch.serde.InMemorySchemaRegistry;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.Topics;

/**
 * raidwatch with nothing installed: a Kafka broker inside this JVM (loopback only), an in-memory
 * schema registry of its own ({@code mock://}), raidwatch's topics at a chosen partition count, and
 * one temporary folder for the broker's and the streams' storage. Closing it stops the broker,
 * drops the registry and deletes the folder. The demo, the replay, {@code rules diff} and the
 * benchmarks run on it; the integration tests put it {@link #on} a broker and registry of their own
 * (a broker they restart, a real registry server).
 */
public final class LocalStack implements AutoCloseable {

    private final Path workspace;
    /** The in-memory registry's scope, or null when the stack uses a registry it was given. */
    private final String registryScope;
    private final String registryUrl;
    private final EmbeddedKafka kafka;
    /** The folder closing the stack deletes, after stopping the broker; null when they were given. */
    private final TemporaryFolders.Owned folder;
    private final Admin admin;
    private final TopicNames names = TopicNames.DEFAULTS;
    private final Topics topics;

    /** @param folder the stack's own folder, deleted on closing, with its broker and registry; null when they were given */
    private LocalStack(Path workspace, TemporaryFolders.Owned folder, String registryScope, String registryUrl, EmbeddedKafka kafka,
                       Admin admin) {
        this.workspace = workspace;
        this.folder = folder;
        this.registryScope = registryScope;
        this.registryUrl = registryUrl;
        this.kafka = kafka;
        this.admin = admin;
        this.topics = Topics.create(names, SchemaRegistries.forUrl(registryUrl));
    }

    /**
     * Starts the broker and creates raidwatch's topics with this many partitions.
     *
     * @param prefix the temporary folder's name starts with it, e.g. {@code raidwatch-demo-}
     */
    public static LocalStack start(String prefix, int partitions) {
        return start(prefix, partitions, workspace -> { });
    }

    /** As {@link #start(String, int)}, telling {@code starting} the folder before the broker starts (it takes a moment). */
    public static LocalStack start(String prefix, int partitions, java.util.function.Consumer<Path> starting) {
        TemporaryFolders.Owned folder = TemporaryFolders.create(prefix);
        Path workspace = folder.path();
        String registryScope = prefix + UUID.randomUUID();
        EmbeddedKafka kafka = null;
        Admin admin = null;
        try {
            starting.accept(workspace);
            kafka = EmbeddedKafka.start(workspace.resolve("kafka"), false);
            admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
            LocalStack stack = new LocalStack(workspace, folder, registryScope, "mock://" + registryScope, kafka, admin);
            TopicSetup.createMissing(admin, stack.names, partitions, (short) 1, 30_000);
            return stack;
        } catch (RuntimeException | Error e) {
            if (admin != null) {
                admin.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            InMemorySchemaRegistry.dropScope(registryScope);
            folder.close();
            throw e;
        }
    }

    /**
     * The stack on a broker and a registry that someone else started and stops: raidwatch's topics
     * are created there with this many partitions (those that exist are kept). Closing it closes its
     * admin client only.
     *
     * @param registryUrl any {@code schema.registry.url}: {@code mock://scope}, or a real registry's addresses
     */
    public static LocalStack on(EmbeddedKafka kafka, String registryUrl, int partitions) {
        Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        try {
            LocalStack stack = new LocalStack(kafka.logDir().getParent(), null, null, registryUrl, kafka, admin);
            TopicSetup.createMissing(admin, stack.names, partitions, (short) 1, 30_000);
            return stack;
        } catch (RuntimeException | Error e) {
            admin.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Settings for a Kafka client of this broker. */
    public Map<String, Object> clientProperties() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    }

    /** The stack's registry, as a {@code schema.registry.url}. */
    public String registryUrl() {
        return registryUrl;
    }

    public TopicNames names() {
        return names;
    }

    public Topics topics() {
        return topics;
    }

    /** An admin client of the broker, closed with the stack. */
    public Admin admin() {
        return admin;
    }

    /** The temporary folder everything is kept in. */
    public Path workspace() {
        return workspace;
    }

    /** Production's Streams settings (exactly-once, named resources) for an application, its state in the stack's folder. */
    public Properties streamsProperties(String applicationId) {
        Properties props = StreamsProperties.defaults(applicationId, kafka.bootstrapServers(), names.deadLetters());
        props.put(StreamsConfig.STATE_DIR_CONFIG, workspace.resolve("streams-" + applicationId).toString());
        return props;
    }

    @Override
    public void close() {
        try {
            admin.close(java.time.Duration.ofSeconds(5));
        } finally {
            if (folder != null) {
                try {
                    kafka.close();
                } finally {
                    InMemorySchemaRegistry.dropScope(registryScope);
                    folder.close();
                }
            }
        }
    }
}
