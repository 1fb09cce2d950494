package org.raidwatch.deployment;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.raidwatch.contract.LogText;
import org.raidwatch.deployment.RaidwatchConfig.InvalidConfigException;
import org.raidwatch.deployment.RaidwatchConfig.Setting;

/**
 * Reads settings from environment variables.
 * <ul>
 * <li>{@code RAIDWATCH_<NAME>} is one of raidwatch's own settings (listed in {@link RaidwatchConfig#SETTINGS}).</li>
 * <li>{@code RAIDWATCH_KAFKA_<NAME>} is the Kafka property {@code <name>} (lower case, '_' for '.'), and
 * must name a property of Kafka's clients or Kafka Streams (optionally behind one of Kafka Streams'
 * prefixes such as {@code producer.} or {@code topic.}).</li>
 * <li>{@code KAFKA_<NAME>}, the older form, is still read, but only where {@code <name>} is such a
 * Kafka property: the variables Kubernetes injects for a Service named kafka ({@code KAFKA_PORT},
 * {@code KAFKA_SERVICE_HOST}, ...) never are, so they cannot be taken for settings.</li>
 * </ul>
 * Any other {@code RAIDWATCH_*} variable is refused as an unknown setting (a misspelt name must not be
 * silently ignored), except the ones Kubernetes injects for a Service whose name starts with raidwatch.
 */
final class EnvironmentSettings {

    static final String PREFIX = "RAIDWATCH_";
    static final String KAFKA_PREFIX = "RAIDWATCH_KAFKA_";
    static final String OLD_KAFKA_PREFIX = "KAFKA_";

    /**
     * Variables that are not raidwatch's settings but share its prefix: the launcher's and the
     * container image's JVM options, the compose stack's topic script's own (so one set of
     * variables can serve the script and raidwatch), the log format and the alert webhook's URL.
     */
    static final Set<String> LAUNCHER_VARIABLES = Set.of("RAIDWATCH_JAVA_OPTS", "RAIDWATCH_HEAP_OPTS", "RAIDWATCH_TOPICS_WAIT",
            "RAIDWATCH_TOPICS_COMMAND_CONFIG", "RAIDWATCH_LOG_FORMAT", "RAIDWATCH_WEBHOOK_URL");

    /**
     * The names Kubernetes gives the variables it injects for each Service: {@code <SERVICE>_SERVICE_HOST},
     * {@code <SERVICE>_SERVICE_PORT[_<PORT NAME>]}, {@code <SERVICE>_PORT} and
     * {@code <SERVICE>_PORT_<number>_<PROTOCOL>[_PROTO|_PORT|_ADDR]}.
     */
    private static final Pattern KUBERNETES_SERVICE_VARIABLE = Pattern.compile(
            "[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT|PORT_[0-9]+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)");
    /** The value Kubernetes gives {@code <SERVICE>_PORT}: a service link such as {@code tcp://10.0.0.11:8080}. */
    private static final Pattern KUBERNETES_SERVICE_LINK = Pattern.compile("(tcp|udp|sctp)://[^/]+:[0-9]+");

    private static final List<String> STREAMS_PREFIXES = List.of(StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);

    private static final Set<String> CLIENT_PROPERTIES = clientProperties();
    private static final Set<String> TOPIC_PROPERTIES = topicProperties();

    /** Settings read from the environment, and notes worth a warning (old variable names). */
    record Read(Map<String, String> values, List<String> notices) {
    }

    private EnvironmentSettings() {
    }

    static Read read(Map<String, String> environment, List<Setting> settings) {
        Map<String, String> oldForm = new TreeMap<>();
        Map<String, String> kafka = new TreeMap<>();
        Map<String, String> own = new LinkedHashMap<>();
        List<String> notices = new ArrayList<>();
        Map<String, Setting> byVariable = new LinkedHashMap<>();
        settings.forEach(setting -> byVariable.put(setting.environment(), setting));
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            String value = variable.getValue();
            Setting setting = byVariable.get(name);
            if (setting != null) {
                if (value != null && !value.isBlank()) {
                    refuseServiceLink(name, value, setting.key());
                    own.put(setting.key(), value.trim());
                }
            } else if (name.startsWith(KAFKA_PREFIX)) {
                String property = property(name.substring(KAFKA_PREFIX.length()));
                if (isKafkaProperty(property)) {
                    kafka.put(property, value);
                } else if (!KUBERNETES_SERVICE_VARIABLE.matcher(name).matches()) {
                    throw new InvalidConfigException("the environment variable " + name + " names no Kafka client or Kafka Streams"
                            + " setting (read as " + LogText.of(property) + "); RAIDWATCH_KAFKA_<NAME> sets the Kafka property <name>,"
                            + " lower case with '.' for '_'. A property with another spelling can be given in a --config file");
                }
            } else if (name.startsWith(PREFIX)) {
                if (!LAUNCHER_VARIABLES.contains(name) && !KUBERNETES_SERVICE_VARIABLE.matcher(name).matches()) {
                    throw new InvalidConfigException("unknown environment variable " + name + "; raidwatch's are "
                            + settings.stream().map(Setting::environment).toList() + ", RAIDWATCH_KAFKA_<NAME> for a Kafka"
                            + " property, and RAIDWATCH_HEAP_OPTS and RAIDWATCH_JAVA_OPTS for the JVM");
                }
            } else if (name.startsWith(OLD_KAFKA_PREFIX)) {
                String property = property(name.substring(OLD_KAFKA_PREFIX.length()));
                if (isKafkaProperty(property)) {
                    oldForm.put(property, value);
                    notices.add(name + " is read as the Kafka property " + property + "; name it RAIDWATCH_" + name
                            + " (the KAFKA_ form is read only for Kafka's own property names)");
                }
            }
        }
        Map<String, String> values = new LinkedHashMap<>(oldForm);
        values.putAll(kafka);
        values.putAll(own);
        return new Read(values, notices);
    }

    /** Whether a property is one of Kafka's clients or Kafka Streams, bare or behind one of Kafka Streams' prefixes. */
    static boolean isKafkaProperty(String property) {
        if (CLIENT_PROPERTIES.contains(property)) {
            return true;
        }
        if (property.startsWith(StreamsConfig.TOPIC_PREFIX)) {
            return TOPIC_PROPERTIES.contains(property.substring(StreamsConfig.TOPIC_PREFIX.length()));
        }
        for (String prefix : STREAMS_PREFIXES) {
            if (property.startsWith(prefix)) {
                return CLIENT_PROPERTIES.contains(property.substring(prefix.length()));
            }
        }
        return false;
    }

    private static String property(String variableTail) {
        return variableTail.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static void refuseServiceLink(String name, String value, String key) {
        if (KUBERNETES_SERVICE_VARIABLE.matcher(name).matches() && KUBERNETES_SERVICE_LINK.matcher(value.trim()).matches()) {
            String service = name.substring(0, name.length() - "_PORT".length()).toLowerCase(Locale.ROOT).replace('_', '-');
            throw new InvalidConfigException(name + " (" + key + ") is " + LogText.of(value) + ", the address Kubernetes injects for"
                    + " a Service named " + service + ", not a setting: rename that Service, set enableServiceLinks: false on the"
                    + " pod, or set " + name + " explicitly in the pod's environment");
        }
    }

    private static Set<String> clientProperties() {
        Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }

    /** The topic-level settings, from the constants of {@link TopicConfig} ({@code *_CONFIG}). */
    private static Set<String> topicProperties() {
        Set<String> names = new HashSet<>();
        for (Field field : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class && field.getName().endsWith("_CONFIG")) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Set.copyOf(names);
    }
}
