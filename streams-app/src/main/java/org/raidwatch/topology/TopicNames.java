package org.raidwatch.topology;

import java.util.List;
import java.util.Map;

/**
 * The names of raidwatch's topics, one per {@link TopicRole}; each is configurable, the roles'
 * default names are {@link #DEFAULTS}.
 *
 * @param raidReports  input: raid reports, key raid id
 * @param foiUpdates   input: FOI updates, key raid id
 * @param flaggedCases output: flag changes, key {@code <raid id>|<rule id>}, meant to be compacted
 * @param forceRates   output: rates, key {@code <force>|<window>}, meant to be compacted
 * @param deadLetters  records that could not be processed, with error headers
 */
public record TopicNames(String raidReports, String foiUpdates, String flaggedCases, String forceRates, String deadLetters) {

    public static final TopicNames DEFAULTS = of(Map.of());

    /** The names given by role; a role not given keeps its default name. */
    public static TopicNames of(Map<TopicRole, String> names) {
        return new TopicNames(names.getOrDefault(TopicRole.RAID_REPORTS, TopicRole.RAID_REPORTS.defaultName()),
                names.getOrDefault(TopicRole.FOI_UPDATES, TopicRole.FOI_UPDATES.defaultName()),
                names.getOrDefault(TopicRole.FLAGGED_CASES, TopicRole.FLAGGED_CASES.defaultName()),
                names.getOrDefault(TopicRole.FORCE_RATES, TopicRole.FORCE_RATES.defaultName()),
                names.getOrDefault(TopicRole.DEAD_LETTERS, TopicRole.DEAD_LETTERS.defaultName()));
    }

    /** The name of the topic with this role. */
    public String name(TopicRole role) {
        return switch (role) {
            case RAID_REPORTS -> raidReports;
            case FOI_UPDATES -> foiUpdates;
            case FLAGGED_CASES -> flaggedCases;
            case FORCE_RATES -> forceRates;
            case DEAD_LETTERS -> deadLetters;
        };
    }

    /** Every topic's name, in the catalogue's order. */
    public List<String> all() {
        return java.util.Arrays.stream(TopicRole.values()).map(this::name).toList();
    }
}
