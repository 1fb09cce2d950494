package org.raidwatch.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the HTTP server listens and how the other instances are told to reach it. */
class HttpSettingsTest {

    private static final Map<String, String> REQUIRED = Map.of(
            "RAIDWATCH_BOOTSTRAP_SERVERS", "kafka:9092", "RAIDWATCH_SCHEMA_REGISTRY_URL", "http://registry:8081");

    @TempDir
    Path dir;

    @Test
    void by_default_it_listens_on_this_machine_only_at_8080_and_tells_the_other_instances_so() {
        RaidwatchConfig config = RaidwatchConfig.load(null, REQUIRED);

        assertThat(config.http()).isEqualTo(new HttpEndpoint("127.0.0.1", 8080, "127.0.0.1"));
        assertThat(config.streamsProperties().getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("127.0.0.1:8080");
        assertThat(config.http().url()).isEqualTo("http://127.0.0.1:8080/");
    }

    @Test
    void the_advertised_host_is_what_other_instances_are_told() throws Exception {
        Path file = dir.resolve("raidwatch.properties");
        Files.writeString(file, "raidwatch.http.address=0.0.0.0\nraidwatch.http.port=9090\nraidwatch.http.advertised.host=raidwatch-2.internal\n");

        RaidwatchConfig config = RaidwatchConfig.load(file, REQUIRED);

        assertThat(config.streamsProperties().getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("raidwatch-2.internal:9090");
        assertThat(config.http().url()).isEqualTo("http://localhost:9090/");
    }

    @Test
    void port_0_turns_the_server_off_and_leaves_application_server_unset() {
        RaidwatchConfig config = RaidwatchConfig.load(null, with("RAIDWATCH_HTTP_PORT", "0"));

        assertThat(config.http().enabled()).isFalse();
        assertThat(config.streamsProperties().getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)).isNull();
    }

    @Test
    void a_port_that_is_not_one_is_refused_naming_the_setting() {
        assertThatThrownBy(() -> RaidwatchConfig.load(null, with("RAIDWATCH_HTTP_PORT", "eighty")))
                .isInstanceOf(RaidwatchConfig.InvalidConfigException.class).hasMessageContaining("raidwatch.http.port");
        assertThatThrownBy(() -> RaidwatchConfig.load(null, with("RAIDWATCH_HTTP_PORT", "70000")))
                .isInstanceOf(RaidwatchConfig.InvalidConfigException.class).hasMessageContaining("65535");
    }

    @Test
    void an_application_server_set_explicitly_wins() {
        RaidwatchConfig config = RaidwatchConfig.load(null, with("RAIDWATCH_KAFKA_APPLICATION_SERVER", "proxy.example:80"));

        assertThat(config.streamsProperties().getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("proxy.example:80");
    }

    @Test
    void another_listening_address_keeps_a_chosen_advertised_host_and_moves_a_derived_one() {
        HttpEndpoint chosen = new HttpEndpoint("127.0.0.1", 8080, "raidwatch-2.internal");
        HttpEndpoint derived = HttpEndpoint.of("127.0.0.1", 8080);

        assertThat(chosen.atAddress("0.0.0.0").advertisedHost()).isEqualTo("raidwatch-2.internal");
        assertThat(derived.atAddress("10.0.0.7").advertisedHost()).isEqualTo("10.0.0.7");
        assertThat(derived.atAddress("10.0.0.7").atPort(9000).applicationServer()).isEqualTo("10.0.0.7:9000");
    }

    @Test
    void a_negative_port_is_refused() {
        assertThatThrownBy(() -> RaidwatchConfig.load(null, with("RAIDWATCH_HTTP_PORT", "-1")))
                .isInstanceOf(RaidwatchConfig.InvalidConfigException.class).hasMessageContaining("raidwatch.http.port");
    }

    private static Map<String, String> with(String name, String value) {
        Map<String, String> environment = new java.util.HashMap<>(REQUIRED);
        environment.put(name, value);
        return environment;
    }
}
