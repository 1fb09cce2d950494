package org.raidwatch.topology;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The names of raidwatch's topics, one per {@link TopicRole}; each is configurable, a role not named
 * keeps its default name ({@link #DEFAULTS}). A new role needs nothing here: {@link #name} answers
 * for every role; the accessors below are shorthand for the topics the code names most.
 */
public final class TopicNames {

    public static final TopicNames DEFAULTS = of(Map.of());

    private final Map<TopicRole, String> names;

    private TopicNames(Map<TopicRole, String> names) {
        this.names = names;
    }

    /** The names given by role; a role not given keeps its default name. */
    public static TopicNames of(Map<TopicRole, String> given) {
        Map<TopicRole, String> names = new EnumMap<>(TopicRole.class);
        for (TopicRole role : TopicRole.values()) {
            names.put(role, Objects.requireNonNull(given.getOrDefault(role, role.defaultName()), role.setting()));
        }
        return new TopicNames(names);
    }

    /** The name of the topic with this role. */
    public String name(TopicRole role) {
        return names.get(role);
    }

    /** Every topic's name, in the catalogue's order. */
    public List<String> all() {
        return Arrays.stream(TopicRole.values()).map(this::name).toList();
    }

    /** Input: raid reports, key raid id. */
    public String raidReports() {
        return name(TopicRole.RAID_REPORTS);
    }

    /** Input: FOI updates, key raid id. */
    public String foiUpdates() {
        return name(TopicRole.FOI_UPDATES);
    }

    /** Output: flag changes, key {@code <raid id>|<rule id>}, meant to be compacted. */
    public String flaggedCases() {
        return name(TopicRole.FLAGGED_CASES);
    }

    /** Output: rates, key {@code <force>|<window>}, meant to be compacted. */
    public String forceRates() {
        return name(TopicRole.FORCE_RATES);
    }

    /** Records that could not be processed, with error headers. */
    public String deadLetters() {
        return name(TopicRole.DEAD_LETTERS);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicNames that && names.equals(that.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return "TopicNames" + names;
    }
}
