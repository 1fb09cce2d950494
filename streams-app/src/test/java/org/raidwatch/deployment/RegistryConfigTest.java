package org.raidwatch.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.serde.RegistrySettings;

/** The schema registry's settings in a deployment's configuration: raidwatch's own, never handed to Kafka, never echoed. */
class RegistryConfigTest {

    private static final String PASSWORD = "Reg!stry-pw-77";

    @TempDir
    Path dir;

    private RaidwatchConfig load(String properties, Map<String, String> environment) throws Exception {
        Path file = dir.resolve("raidwatch.properties");
        Files.writeString(file, "bootstrap.servers=kafka:9092\n" + properties);
        return RaidwatchConfig.load(file, environment);
    }

    @Test
    void the_registry_settings_are_raidwatchs_own_and_do_not_go_to_kafka() throws Exception {
        RaidwatchConfig config = load("""
                schema.registry.url=https://registry-1:8081,https://registry-2:8081
                basic.auth.credentials.source=USER_INFO
                basic.auth.user.info=raidwatch:%s
                schema.registry.ssl.endpoint.identification.algorithm=https
                auto.register.schemas=false
                use.latest.version=true
                """.formatted(PASSWORD), Map.of());

        assertThat(config.registry().endpoints()).extracting(e -> e.base().toString())
                .containsExactly("https://registry-1:8081", "https://registry-2:8081");
        assertThat(config.useLatestVersion()).isTrue();
        assertThat(config.clientProperties()).containsOnlyKeys("bootstrap.servers");
        assertThat(config.streamsProperties().stringPropertyNames()).noneMatch(k -> k.contains("basic.auth") || k.startsWith("schema.registry")
                || k.equals("use.latest.version"));
        assertThat(config.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void every_registry_setting_has_its_environment_variable() throws Exception {
        assertThat(RaidwatchConfig.SETTINGS).extracting(RaidwatchConfig.Setting::key).containsAll(RegistrySettings.KEYS)
                .contains("use.latest.version");
        RaidwatchConfig config = load("schema.registry.url=http://registry:8081\n", Map.of(
                "RAIDWATCH_BEARER_AUTH_CREDENTIALS_SOURCE", "STATIC_TOKEN", "RAIDWATCH_BEARER_AUTH_TOKEN", "t0ken"));

        assertThat(config.registry().endpoints()).extracting(RegistrySettings.Endpoint::authorization).containsExactly("Bearer t0ken");
        RaidwatchConfig.SETTINGS.stream().filter(s -> RegistrySettings.KEYS.contains(s.key()) || s.key().equals("use.latest.version"))
                .forEach(s -> assertThat(s.environment()).isEqualTo("RAIDWATCH_" + s.key().toUpperCase(java.util.Locale.ROOT).replace('.', '_')));
    }

    @Test
    void a_refused_registry_setting_is_a_config_error_naming_it_but_not_its_secret() {
        assertThatThrownBy(() -> load("schema.registry.url=https://u:" + PASSWORD + "@registry:8081\n"
                + "bearer.auth.credentials.source=STATIC_TOKEN\nbearer.auth.token=" + PASSWORD + "\n", Map.of()))
                .isInstanceOf(RaidwatchConfig.InvalidConfigException.class)
                .hasMessageContaining("bearer.auth.credentials.source").message().doesNotContain(PASSWORD);
        assertThatThrownBy(() -> load("schema.registry.url=http://registry:8081\nbasic.auth.credentials.source=SASL_INHERIT\n", Map.of()))
                .isInstanceOf(RaidwatchConfig.InvalidConfigException.class).hasMessageContaining("SASL_INHERIT is not supported");
    }

    @Test
    void use_latest_version_needs_registration_off() {
        assertThatThrownBy(() -> load("schema.registry.url=http://registry:8081\nuse.latest.version=true\n", Map.of()))
                .isInstanceOf(RaidwatchConfig.InvalidConfigException.class)
                .hasMessageContaining("use.latest.version=true needs auto.register.schemas=false");
        assertThatThrownBy(() -> load("schema.registry.url=http://registry:8081\nuse.latest.version=yes\n", Map.of()))
                .hasMessage("use.latest.version must be true or false, got: yes");
    }
}
