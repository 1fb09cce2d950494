package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;
import org.raidwatch.runner.StreamsProperties;

/** Every processor, store and internal topic is named, so the topology is stable across releases. */
class TopologyNamingTest {

    @Test
    void the_description_shows_only_named_processors_stores_and_topics() {
        try (RaidwatchDriver driver = new RaidwatchDriver()) {
            String description = driver.topology.describe().toString();

            assertThat(description).doesNotContainPattern("KSTREAM-|KTABLE-|\\d{10}");
            assertThat(description).contains(
                    "raid-reports-source", "foi-updates-source", "raid-reports-placement", "misplaced-raid-reports-repartition",
                    "misplaced-foi-updates-repartition", "raid-report-check", "foi-update-check",
                    "case-evaluator", "cases", "due-cases", "reevaluation", "flagged-cases-sink",
                    "rate-buffer", "stores: [rate-buffer]", "rate-deltas-repartition",
                    "force-rate-counter", "force-rates-moved",
                    "force-rates-sink", "dead-letter-record", "dead-letters-sink");
        }
    }

    @Test
    void the_streams_properties_refuse_a_topology_with_generated_names() {
        // The check the raidwatch topology passes (CaseTopology builds with these properties) is really on:
        Properties props = StreamsProperties.defaults("naming-check", "unused:9092", "dead-letters");
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count();

        assertThatThrownBy(() -> builder.build(props)).hasMessageContaining("has not been named");
    }
}
