package org.raidwatch.topology;

import java.util.Locale;
import java.util.Map;

/**
 * The catalogue of raidwatch's topics: for each, its role, default name, the setting and
 * environment variable that rename it, and the configs raidwatch (and the Compose stack's topic
 * script) create it with. The settings that name the topics and topic creation are derived from it;
 * {@code TopicCatalogueTest} holds the Compose stack's topic script and settings to it. Adding a topic
 * means: a role here (its name, setting and creation follow), its serdes in {@link Topics} and the
 * step of the topology that reads or writes it, and the docs; {@code TopicCatalogueTest} then names
 * the lines {@code docker/create-topics.sh} and {@code docker/compose.yaml} lack.
 */
public enum TopicRole {

    /** Input: raid reports, keyed by raid id; kept for good, the record of what was reported and what re-processing starts from. */
    RAID_REPORTS("raid-reports", "input topic of raid reports", Map.of("retention.ms", "-1")),
    /** Input: FOI updates, keyed by raid id; kept for good (compaction could keep a late, older revision). */
    FOI_UPDATES("foi-updates", "input topic of FOI updates", Map.of("retention.ms", "-1")),
    /** Output: flag changes, keyed {@code <raid id>|<rule id>}; compacted, the latest record is the flag's state. */
    FLAGGED_CASES("flagged-cases", "output topic of flags", Map.of("cleanup.policy", "compact")),
    /** Output: rates, keyed {@code <force>|<window>}; compacted, the latest record is the current rate. */
    FORCE_RATES("force-rates", "output topic of rates", Map.of("cleanup.policy", "compact")),
    /** Records that could not be processed, with their bytes and error headers; the broker's retention. */
    DEAD_LETTERS("raidwatch-dead-letters", "dead-letter topic", Map.of());

    private final String defaultName;
    private final String meaning;
    private final Map<String, String> configs;

    TopicRole(String defaultName, String meaning, Map<String, String> configs) {
        this.defaultName = defaultName;
        this.meaning = meaning;
        this.configs = configs;
    }

    public String defaultName() {
        return defaultName;
    }

    /** What the topic is for, as the settings' reference says it. */
    public String meaning() {
        return meaning;
    }

    /** The topic configs it is created with (beyond partitions and replication). */
    public Map<String, String> configs() {
        return configs;
    }

    /** The setting that renames it, e.g. {@code raidwatch.topic.flagged-cases}. */
    public String setting() {
        return "raidwatch.topic." + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The environment variable that renames it, e.g. {@code RAIDWATCH_TOPIC_FLAGGED_CASES}. */
    public String environmentVariable() {
        return "RAIDWATCH_TOPIC_" + name();
    }
}
