package org.raidwatch.topology;

import java.util.List;

/**
 * The names of raidwatch's topics; each is configurable, these are the defaults.
 *
 * @param raidReports  input: raid reports, key raid id
 * @param foiUpdates   input: FOI updates, key raid id
 * @param flaggedCases output: flag changes, key {@code <raid id>|<rule id>}, meant to be compacted
 * @param forceRates   output: rates, key {@code <force>|<window>}, meant to be compacted
 * @param deadLetters  records that could not be processed, with error headers
 */
public record TopicNames(String raidReports, String foiUpdates, String flaggedCases, String forceRates, String deadLetters) {

    public static final TopicNames DEFAULTS =
            new TopicNames("raid-reports", "foi-updates", "flagged-cases", "force-rates", "raidwatch-dead-letters");

    public List<String> all() {
        return List.of(raidReports, foiUpdates, flaggedCases, forceRates, deadLetters);
    }
}
