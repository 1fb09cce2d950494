package org.raidwatch.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.TopicRole;

/**
 * The topic catalogue ({@link TopicRole}) is the one list of raidwatch's topics: the settings that
 * rename them, the topics raidwatch creates, and the Compose stack's topic script and topic
 * settings all agree with it.
 */
class TopicCatalogueTest {

    private static final Path SCRIPT = Path.of("../docker/create-topics.sh");
    private static final Path COMPOSE = Path.of("../docker/compose.yaml");

    @Test
    void every_topic_has_a_setting_and_an_environment_variable_with_its_default_name() {
        for (TopicRole role : TopicRole.values()) {
            assertThat(RaidwatchConfig.SETTINGS).as(role.name()).anySatisfy(setting -> {
                assertThat(setting.key()).isEqualTo(role.setting());
                assertThat(setting.environment()).isEqualTo(role.environmentVariable());
                assertThat(setting.defaultValue()).isEqualTo(role.defaultName());
            });
            assertThat(TopicNames.DEFAULTS.name(role)).isEqualTo(role.defaultName());
        }
    }

    @Test
    void raidwatch_creates_each_topic_of_the_catalogue_with_its_configs() {
        Map<String, Map<String, String>> created = TopicSetup.wanted(TopicNames.DEFAULTS, Optional.empty(), Optional.empty()).stream()
                .collect(Collectors.toMap(NewTopic::name, t -> t.configs() == null ? Map.of() : t.configs(), (a, b) -> a, LinkedHashMap::new));
        Map<String, Map<String, String>> catalogue = new LinkedHashMap<>();
        for (TopicRole role : TopicRole.values()) {
            catalogue.put(role.defaultName(), role.configs());
        }
        assertThat(created).isEqualTo(catalogue);
    }

    @Test
    void the_compose_stacks_topic_script_and_settings_follow_the_catalogue() throws IOException {
        String script = Files.readString(SCRIPT);
        JsonNode topicSettings = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile()).path("x-topic-settings");
        for (TopicRole role : TopicRole.values()) {
            String configs = role.configs().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            // the script creates it under its variable, with its default name and configs
            assertThat(script).as("create-topics.sh for %s", role).contains("${" + role.environmentVariable() + ":-" + role.defaultName() + "}|");
            assertThat(configs.isEmpty() || script.contains(configs)).as("create-topics.sh sets %s on %s", configs, role).isTrue();
            // and the Compose file names it the same for the script and for raidwatch
            assertThat(topicSettings.path(role.environmentVariable()).asText()).as("compose.yaml's %s", role.environmentVariable())
                    .isEqualTo(role.defaultName());
        }
    }
}
