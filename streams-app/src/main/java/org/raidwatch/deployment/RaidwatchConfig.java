package org.raidwatch.deployment;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.StreamsConfig;
import org.raidwatch.contract.LogText;
import org.raidwatch.runner.StreamsProperties;
import org.raidwatch.serde.RegistrySettings;
import org.raidwatch.topology.RateBase;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.TopicRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings of a deployment, from a properties file and the environment (the environment wins).
 * raidwatch's own settings are listed in {@link #SETTINGS}; every other key in the file
 * (security.protocol, sasl.*, ssl.*, any Kafka Streams or client property) passes through to Kafka
 * unchanged. In the environment, {@code RAIDWATCH_<NAME>} names one of raidwatch's settings and
 * {@code RAIDWATCH_KAFKA_<NAME>} the Kafka property {@code <name>} (see {@link EnvironmentSettings}).
 */
public record RaidwatchConfig(
        String bootstrapServers,
        RegistrySettings registry,
        String applicationId,
        String stateDir,
        Path rulesFolder,
        TopicNames topicNames,
        Optional<Integer> partitions,
        Optional<Short> replication,
        boolean autoRegisterSchemas,
        boolean useLatestVersion,
        HttpEndpoint http,
        HttpLimits httpLimits,
        RateBase rateBase,
        PublishedRules publishedRules,
        Map<String, String> kafkaProperties) {

    private static final Logger LOG = LoggerFactory.getLogger(RaidwatchConfig.class);

    /** raidwatch's own settings: property key, environment variable, default (null: required or Kafka's default). */
    public record Setting(String key, String environment, String defaultValue, String meaning) {
    }

    public static final List<Setting> SETTINGS;

    private static final List<Setting> OWN_SETTINGS = List.of(
            new Setting("bootstrap.servers", "RAIDWATCH_BOOTSTRAP_SERVERS", null, "Kafka brokers, host:port[,host:port] (required)"),
            new Setting("schema.registry.url", "RAIDWATCH_SCHEMA_REGISTRY_URL", null,
                    "Confluent-compatible schema registry, e.g. http://registry:8081; several comma-separated addresses are tried in order (required)"),
            new Setting("basic.auth.credentials.source", "RAIDWATCH_BASIC_AUTH_CREDENTIALS_SOURCE", "URL",
                    "where the registry's basic-auth credentials come from: URL (user info in schema.registry.url, if any) or USER_INFO"),
            new Setting("basic.auth.user.info", "RAIDWATCH_BASIC_AUTH_USER_INFO", null, "user:password for the registry, with basic.auth.credentials.source=USER_INFO"),
            new Setting("bearer.auth.credentials.source", "RAIDWATCH_BEARER_AUTH_CREDENTIALS_SOURCE", null,
                    "STATIC_TOKEN: send bearer.auth.token to the registry (not with basic auth)"),
            new Setting("bearer.auth.token", "RAIDWATCH_BEARER_AUTH_TOKEN", null, "the registry's bearer token"),
            new Setting("schema.registry.ssl.truststore.location", "RAIDWATCH_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION", null,
                    "trust store of the registry's certificate authorities (default: the JVM's)"),
            new Setting("schema.registry.ssl.truststore.password", "RAIDWATCH_SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD", null, "its password"),
            new Setting("schema.registry.ssl.truststore.type", "RAIDWATCH_SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE", "JKS", "JKS or PKCS12"),
            new Setting("schema.registry.ssl.keystore.location", "RAIDWATCH_SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION", null,
                    "key store of raidwatch's client certificate, for registries that ask for one (mutual TLS)"),
            new Setting("schema.registry.ssl.keystore.password", "RAIDWATCH_SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD", null, "its password"),
            new Setting("schema.registry.ssl.keystore.type", "RAIDWATCH_SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE", "JKS", "JKS or PKCS12"),
            new Setting("schema.registry.ssl.key.password", "RAIDWATCH_SCHEMA_REGISTRY_SSL_KEY_PASSWORD", null,
                    "password of the key in the key store (default: the key store's)"),
            new Setting("schema.registry.ssl.endpoint.identification.algorithm", "RAIDWATCH_SCHEMA_REGISTRY_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM",
                    "https", "https checks the registry's host name against its certificate; empty does not"),
            new Setting("auto.register.schemas", "RAIDWATCH_AUTO_REGISTER_SCHEMAS", "true",
                    "register the output topics' schemas (true), or only look them up, already registered (false)"),
            new Setting("use.latest.version", "RAIDWATCH_USE_LATEST_VERSION", "false",
                    "write the output topics with their subjects' latest registered schemas (needs auto.register.schemas=false)"),
            new Setting("application.id", "RAIDWATCH_APPLICATION_ID", "raidwatch", "Kafka Streams application id (consumer group, internal topic prefix)"),
            new Setting("state.dir", "RAIDWATCH_STATE_DIR", null, "Folder for local state stores (default: Kafka Streams' own)"),
            new Setting("raidwatch.rules", "RAIDWATCH_RULES", null, "Folder of .drl rule files (default: the shipped rule set)"),
            new Setting("raidwatch.rules.trusted.keys", "RAIDWATCH_RULES_TRUSTED_KEYS", null,
                    "public key files (PEM, from rules keygen), comma separated, whose signed rule sets this instance puts in force from the rules topic; unset: the rules topic is not followed"),
            new Setting("raidwatch.rules.topic", "RAIDWATCH_RULES_TOPIC", PublishedRules.DEFAULT_TOPIC,
                    "the compacted topic rules publish writes rule sets to"),
            new Setting("raidwatch.rules.pinned.sha256", "RAIDWATCH_RULES_PINNED_SHA256", null,
                    "accept only the published rule set with this SHA-256 (as rules publish prints it)"),
            new Setting("raidwatch.http.port", "RAIDWATCH_HTTP_PORT", String.valueOf(HttpEndpoint.DEFAULT_PORT),
                    "port of the HTTP server (dashboard, API, /health, /ready, /metrics); 0 turns it off"),
            new Setting("raidwatch.http.address", "RAIDWATCH_HTTP_ADDRESS", HttpEndpoint.DEFAULT_ADDRESS,
                    "address the HTTP server listens on: 127.0.0.1 this machine only, 0.0.0.0 every interface"),
            new Setting("raidwatch.http.advertised.host", "RAIDWATCH_HTTP_ADVERTISED_HOST", null,
                    "host name the other instances reach this one's HTTP server by (default: the address, or this machine's name for 0.0.0.0); becomes application.server"),
            new Setting("raidwatch.http.allowed.hosts", "RAIDWATCH_HTTP_ALLOWED_HOSTS", null,
                    "further names the HTTP server answers in a request's Host (a proxy's public name), comma separated; besides loopback names, IP addresses, the address and the advertised host; * answers any"),
            new Setting("raidwatch.http.feed.max.connections", "RAIDWATCH_HTTP_FEED_MAX_CONNECTIONS", String.valueOf(HttpLimits.DEFAULT_FEED_CONNECTIONS),
                    "live-feed connections (/api/feed) open at once, in all; more are answered 503"),
            new Setting("raidwatch.http.feed.max.connections.per.client", "RAIDWATCH_HTTP_FEED_MAX_CONNECTIONS_PER_CLIENT",
                    String.valueOf(HttpLimits.DEFAULT_FEED_CONNECTIONS_PER_CLIENT), "live-feed connections open at once from one client address"),
            new Setting("raidwatch.http.max.requests.per.second", "RAIDWATCH_HTTP_MAX_REQUESTS_PER_SECOND", String.valueOf(HttpLimits.DEFAULT_REQUESTS_PER_SECOND),
                    "requests per second one client address may make of /api and /metrics, with a burst of as many; more are answered 429; 0: no limit"),
            new Setting("raidwatch.rates.low.base", "RAIDWATCH_RATES_LOW_BASE", String.valueOf(RateBase.DEFAULT_LOW_BASE_BELOW),
                    "a rate whose denominator (e.g. raids with a known referral figure) is below this is marked low base in the API, the dashboard and the metrics"));

    /** How raidwatch creates its topics; listed after the topics' names. */
    private static final List<Setting> TOPIC_CREATION_SETTINGS = List.of(
            new Setting("raidwatch.topic.partitions", "RAIDWATCH_TOPIC_PARTITIONS", null, "partitions of topics raidwatch creates (default: the broker's)"),
            new Setting("raidwatch.topic.replication", "RAIDWATCH_TOPIC_REPLICATION", null, "replication factor of topics raidwatch creates (default: the broker's)"));

    /** The settings that name the topics, one per role of the topic catalogue. */
    private static final List<Setting> TOPIC_SETTINGS = java.util.Arrays.stream(TopicRole.values())
            .map(role -> new Setting(role.setting(), role.environmentVariable(), role.defaultName(), role.meaning())).toList();

    static {
        List<Setting> all = new java.util.ArrayList<>(OWN_SETTINGS);
        all.addAll(TOPIC_SETTINGS);
        all.addAll(TOPIC_CREATION_SETTINGS);
        SETTINGS = List.copyOf(all);
    }

    /** A setting that is missing or wrong; the message names it. */
    public static final class InvalidConfigException extends RuntimeException {
        public InvalidConfigException(String message) {
            super(message);
        }
    }

    /**
     * @param file        a properties file, or null for the environment alone
     * @param environment the process environment (System.getenv())
     */
    public static RaidwatchConfig load(Path file, Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new InvalidConfigException("cannot read the configuration file " + file + ": "
                        + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
            }
            properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key).trim()));
        }
        EnvironmentSettings.Read fromEnvironment = EnvironmentSettings.read(environment, SETTINGS);
        fromEnvironment.notices().forEach(notice -> LOG.warn("{}", notice));
        values.putAll(fromEnvironment.values());
        return from(values, file == null ? "the environment" : file.toString());
    }

    private static RaidwatchConfig from(Map<String, String> values, String where) {
        Map<String, String> own = new HashMap<>();
        Map<String, String> kafka = new TreeMap<>();
        values.forEach((key, value) -> {
            boolean isOwn = SETTINGS.stream().anyMatch(s -> s.key().equals(key));
            if (isOwn) {
                own.put(key, value);
            } else if (key.startsWith("raidwatch.")) {
                throw new InvalidConfigException("unknown setting " + key + " in " + where + "; raidwatch's settings are "
                        + SETTINGS.stream().map(Setting::key).filter(k -> k.startsWith("raidwatch.")).toList());
            } else {
                kafka.put(key, value);
            }
        });
        String bootstrap = required(own, "bootstrap.servers", "RAIDWATCH_BOOTSTRAP_SERVERS", where);
        required(own, "schema.registry.url", "RAIDWATCH_SCHEMA_REGISTRY_URL", where);
        RegistrySettings registry;
        try {
            registry = RegistrySettings.from(own::get);
        } catch (RegistrySettings.InvalidRegistrySettingException e) {
            throw new InvalidConfigException(e.getMessage());
        }
        boolean autoRegister = bool(own, "auto.register.schemas");
        boolean useLatestVersion = bool(own, "use.latest.version");
        if (autoRegister && useLatestVersion) {
            throw new InvalidConfigException("use.latest.version=true needs auto.register.schemas=false (as in Confluent's serializers):"
                    + " raidwatch then writes with the latest schema registered by others instead of registering its own");
        }
        Map<TopicRole, String> named = new java.util.EnumMap<>(TopicRole.class);
        for (TopicRole role : TopicRole.values()) {
            named.put(role, value(own, role.setting()));
        }
        TopicNames names = TopicNames.of(named);
        if (names.all().stream().distinct().count() != names.all().size()) {
            throw new InvalidConfigException("the five topics must have different names, got " + names.all());
        }
        String rules = own.get("raidwatch.rules");
        return new RaidwatchConfig(bootstrap, registry, value(own, "application.id"), own.get("state.dir"),
                rules == null ? null : Path.of(rules), names,
                positive(own, "raidwatch.topic.partitions").map(Integer::intValue),
                positive(own, "raidwatch.topic.replication").map(Integer::shortValue),
                autoRegister, useLatestVersion,
                http(own),
                httpLimits(own),
                new RateBase(wholeNumber(own, "raidwatch.rates.low.base", 1)),
                publishedRules(own),
                Map.copyOf(kafka));
    }

    /**
     * The Kafka Streams properties: raidwatch's defaults, {@code application.server} from the HTTP
     * endpoint (so instances can answer for each other), then every pass-through Kafka setting.
     */
    public Properties streamsProperties() {
        Properties props = StreamsProperties.defaults(applicationId, bootstrapServers, topicNames.deadLetters());
        if (stateDir != null) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        }
        if (http.applicationServer() != null) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, http.applicationServer());
        }
        props.putAll(kafkaProperties);
        return props;
    }

    /** The settings as a log line may show them: the Kafka pass-through settings by name only (they may hold passwords). */
    @Override
    public String toString() {
        return "RaidwatchConfig[bootstrapServers=" + bootstrapServers + ", registry=" + registry + ", applicationId=" + applicationId
                + ", stateDir=" + stateDir + ", rulesFolder=" + rulesFolder + ", topicNames=" + topicNames + ", http=" + http
                + ", httpLimits=" + httpLimits + ", rateBase=" + rateBase + ", publishedRules=" + publishedRules + ", kafkaProperties=" + new java.util.TreeSet<>(kafkaProperties.keySet()) + "]";
    }

    /** The same settings with another HTTP endpoint (the command line's --http-port and --http-address win). */
    public RaidwatchConfig withHttp(HttpEndpoint endpoint) {
        return new RaidwatchConfig(bootstrapServers, registry, applicationId, stateDir, rulesFolder, topicNames, partitions,
                replication, autoRegisterSchemas, useLatestVersion, endpoint, httpLimits, rateBase, publishedRules, kafkaProperties);
    }

    private static HttpLimits httpLimits(Map<String, String> own) {
        String hosts = own.get("raidwatch.http.allowed.hosts");
        return new HttpLimits(hosts == null ? List.of() : java.util.Arrays.asList(hosts.split(",")),
                wholeNumber(own, "raidwatch.http.feed.max.connections", 1),
                wholeNumber(own, "raidwatch.http.feed.max.connections.per.client", 1),
                wholeNumber(own, "raidwatch.http.max.requests.per.second", 0));
    }

    private static int wholeNumber(Map<String, String> own, String key, int least) {
        String value = value(own, key);
        try {
            int number = Integer.parseInt(value.trim());
            if (number < least) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + " must be a whole number from " + least + " up, got: " + LogText.of(value));
        }
    }

    private static PublishedRules publishedRules(Map<String, String> own) {
        String keys = own.get("raidwatch.rules.trusted.keys");
        List<Path> files = keys == null ? List.of() : java.util.Arrays.stream(keys.split(",")).map(String::trim)
                .filter(key -> !key.isEmpty()).map(Path::of).toList();
        String pinned = own.get("raidwatch.rules.pinned.sha256");
        if (pinned != null && !pinned.trim().matches("[0-9a-fA-F]{64}")) {
            throw new InvalidConfigException("raidwatch.rules.pinned.sha256 must be 64 hex digits (the sha256 rules publish prints), got: "
                    + LogText.of(pinned));
        }
        if (pinned != null && files.isEmpty()) {
            throw new InvalidConfigException("raidwatch.rules.pinned.sha256 is set, but raidwatch.rules.trusted.keys is not: without a"
                    + " trusted key the rules topic is not followed, so nothing would be pinned");
        }
        String topic = value(own, "raidwatch.rules.topic").trim();
        if (topic.isEmpty()) {
            throw new InvalidConfigException("raidwatch.rules.topic must name a topic");
        }
        return new PublishedRules(topic, files, pinned == null ? null : pinned.trim().toLowerCase(java.util.Locale.ROOT));
    }

    private static HttpEndpoint http(Map<String, String> own) {
        String portText = value(own, "raidwatch.http.port");
        int port;
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("raidwatch.http.port must be a port number from 0 (off) to 65535, got: " + LogText.of(portText));
        }
        if (port < 0) {
            throw new InvalidConfigException("raidwatch.http.port must be a port number from 0 (off) to 65535, got: " + LogText.of(portText));
        }
        HttpEndpoint endpoint = HttpEndpoint.of(value(own, "raidwatch.http.address").trim(), port);
        String advertised = own.get("raidwatch.http.advertised.host");
        return advertised == null || advertised.isBlank() ? endpoint
                : new HttpEndpoint(endpoint.address(), endpoint.port(), advertised.trim());
    }

    /**
     * Properties for plain clients (admin, producer, consumer): the brokers plus every pass-through
     * setting (security among them); clients ignore the Streams-only ones.
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    private static String value(Map<String, String> own, String key) {
        String value = own.get(key);
        if (value != null) {
            return value;
        }
        return SETTINGS.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow().defaultValue();
    }

    private static String required(Map<String, String> own, String key, String environment, String where) {
        String value = own.get(key);
        if (value == null || value.isBlank()) {
            throw new InvalidConfigException(key + " is not set: give it in " + (where.equals("the environment") ? "a --config file" : where)
                    + " or as the environment variable " + environment);
        }
        return value;
    }

    private static boolean bool(Map<String, String> own, String key) {
        String value = value(own, key);
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new InvalidConfigException(key + " must be true or false, got: " + LogText.of(value));
        }
        return Boolean.parseBoolean(value);
    }

    private static Optional<Integer> positive(Map<String, String> own, String key) {
        String value = own.get(key);
        if (value == null) {
            return Optional.empty();
        }
        try {
            int number = Integer.parseInt(value);
            if (number < 1 || number > Short.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return Optional.of(number);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + " must be a whole number from 1 up, got: " + LogText.of(value));
        }
    }
}
