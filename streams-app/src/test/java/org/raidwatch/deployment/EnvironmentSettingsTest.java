package org.raidwatch.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.raidwatch.deployment.RaidwatchConfig.InvalidConfigException;

/** Settings from environment variables, as a container platform such as Kubernetes sets them. */
class EnvironmentSettingsTest {

    private static final Map<String, String> REQUIRED = Map.of(
            "RAIDWATCH_BOOTSTRAP_SERVERS", "kafka:9092", "RAIDWATCH_SCHEMA_REGISTRY_URL", "http://registry:8081");

    @Test
    void raidwatch_kafka_variables_set_kafka_properties_including_kafka_streams_prefixed_ones() {
        RaidwatchConfig config = RaidwatchConfig.load(null, with(Map.of(
                "RAIDWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "RAIDWATCH_KAFKA_SASL_MECHANISM", "PLAIN",
                "RAIDWATCH_KAFKA_NUM_STREAM_THREADS", "4",
                "RAIDWATCH_KAFKA_PRODUCER_LINGER_MS", "20",
                "RAIDWATCH_KAFKA_MAIN_CONSUMER_MAX_POLL_RECORDS", "250",
                "RAIDWATCH_KAFKA_TOPIC_MIN_INSYNC_REPLICAS", "2")));

        assertThat(config.kafkaProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "num.stream.threads", "4",
                "producer.linger.ms", "20", "main.consumer.max.poll.records", "250", "topic.min.insync.replicas", "2"));
        assertThat(config.streamsProperties().getProperty("security.protocol")).isEqualTo("SASL_SSL");
    }

    @Test
    void the_variables_kubernetes_injects_for_a_service_named_kafka_are_not_taken_for_settings() {
        // Given the variables Kubernetes gives every pod for a Service named "kafka" with a port named "broker"
        Map<String, String> kubernetes = Map.of(
                "KAFKA_SERVICE_HOST", "10.0.0.11", "KAFKA_SERVICE_PORT", "9092", "KAFKA_SERVICE_PORT_BROKER", "9092",
                "KAFKA_PORT", "tcp://10.0.0.11:9092", "KAFKA_PORT_9092_TCP", "tcp://10.0.0.11:9092",
                "KAFKA_PORT_9092_TCP_PROTO", "tcp", "KAFKA_PORT_9092_TCP_PORT", "9092", "KAFKA_PORT_9092_TCP_ADDR", "10.0.0.11");

        RaidwatchConfig config = RaidwatchConfig.load(null, with(kubernetes));

        assertThat(config.kafkaProperties()).isEmpty();
        assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
    }

    @Test
    void the_variables_kubernetes_injects_for_services_named_raidwatch_are_not_refused_as_unknown_settings() {
        Map<String, String> kubernetes = Map.of(
                "RAIDWATCH_SERVICE_HOST", "10.0.0.12", "RAIDWATCH_SERVICE_PORT", "8080", "RAIDWATCH_SERVICE_PORT_HTTP", "8080",
                "RAIDWATCH_PORT", "tcp://10.0.0.12:8080", "RAIDWATCH_PORT_8080_TCP_ADDR", "10.0.0.12",
                "RAIDWATCH_KAFKA_SERVICE_HOST", "10.0.0.13", "RAIDWATCH_KAFKA_PORT", "tcp://10.0.0.13:9092",
                "RAIDWATCH_KAFKA_PORT_9092_TCP", "tcp://10.0.0.13:9092");

        RaidwatchConfig config = RaidwatchConfig.load(null, with(kubernetes));

        assertThat(config.kafkaProperties()).isEmpty();
        assertThat(config.http().port()).isEqualTo(8080);
    }

    @Test
    void a_service_named_raidwatch_http_would_set_the_port_to_its_address_and_is_refused_with_the_reason() {
        assertThatThrownBy(() -> RaidwatchConfig.load(null, with(Map.of("RAIDWATCH_HTTP_PORT", "tcp://10.0.0.14:8080"))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("RAIDWATCH_HTTP_PORT")
                .hasMessageContaining("Kubernetes injects for a Service named raidwatch-http")
                .hasMessageContaining("enableServiceLinks: false");
    }

    @Test
    void the_older_kafka_form_is_still_read_for_kafka_property_names_and_the_new_form_wins() {
        EnvironmentSettings.Read read = EnvironmentSettings.read(with(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SASL_MECHANISM", "PLAIN", "RAIDWATCH_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_HEAP_OPTS", "-Xmx1g")), RaidwatchConfig.SETTINGS);

        assertThat(read.values()).containsEntry("security.protocol", "SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .doesNotContainKey("heap.opts");
        assertThat(read.notices()).anySatisfy(notice -> assertThat(notice)
                .contains("KAFKA_SECURITY_PROTOCOL is read as the Kafka property security.protocol")
                .contains("RAIDWATCH_KAFKA_SECURITY_PROTOCOL"));
    }

    @Test
    void a_misspelt_variable_is_refused_naming_it_rather_than_ignored() {
        assertThatThrownBy(() -> RaidwatchConfig.load(null, with(Map.of("RAIDWATCH_HTTP_PROT", "9000"))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("unknown environment variable RAIDWATCH_HTTP_PROT")
                .hasMessageContaining("RAIDWATCH_HTTP_PORT");
        assertThatThrownBy(() -> RaidwatchConfig.load(null, with(Map.of("RAIDWATCH_KAFKA_SECURITY_PROTOCL", "SSL"))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("RAIDWATCH_KAFKA_SECURITY_PROTOCL names no Kafka client or Kafka Streams setting")
                .hasMessageContaining("security.protocl");
    }

    @Test
    void the_launchers_own_variables_are_not_settings() {
        RaidwatchConfig config = RaidwatchConfig.load(null, with(Map.of("RAIDWATCH_JAVA_OPTS", "-Xss1m", "RAIDWATCH_HEAP_OPTS", "-Xmx2g")));

        assertThat(config.kafkaProperties()).isEmpty();
    }

    @Test
    void raidwatch_settings_from_the_environment_win_over_their_kafka_spelling() {
        RaidwatchConfig config = RaidwatchConfig.load(null, with(Map.of("RAIDWATCH_KAFKA_APPLICATION_ID", "from-kafka-form",
                "RAIDWATCH_APPLICATION_ID", "raidwatch-prod")));

        assertThat(config.applicationId()).isEqualTo("raidwatch-prod");
    }

    @Test
    void the_settings_as_a_log_line_shows_them_name_kafka_properties_but_not_their_values() {
        RaidwatchConfig config = RaidwatchConfig.load(null, with(Map.of("RAIDWATCH_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"raidwatch\" password=\"s3cret-jaas\";")));

        assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain("s3cret-jaas");
    }

    @Test
    void the_rules_topic_is_followed_only_when_a_key_is_trusted_and_a_pinned_hash_must_be_one() {
        assertThat(RaidwatchConfig.load(null, REQUIRED).publishedRules().followed()).isFalse();
        RaidwatchConfig following = RaidwatchConfig.load(null, with(Map.of("RAIDWATCH_RULES_TRUSTED_KEYS", "/keys/a.pub, /keys/b.pub")));
        assertThat(following.publishedRules().trustedKeyFiles()).containsExactly(java.nio.file.Path.of("/keys/a.pub"),
                java.nio.file.Path.of("/keys/b.pub"));
        assertThat(following.publishedRules().topic()).isEqualTo("raidwatch-rules");
        assertThatThrownBy(() -> RaidwatchConfig.load(null, with(Map.of("RAIDWATCH_RULES_PINNED_SHA256", "abc"))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("raidwatch.rules.pinned.sha256 must be 64 hex digits");
    }

    private static Map<String, String> with(Map<String, String> more) {
        Map<String, String> environment = new HashMap<>(REQUIRED);
        environment.putAll(more);
        return environment;
    }
}
