/**
 * Answers from the running stream: interactive queries of the stores ({@code StateQueries}), the flags
 * listing kept up change by change ({@code FlagIndex}, {@code FlagListing}, {@code ListedFlag}) and the
 * metrics an instance publishes ({@code ServiceMetrics}). Uses the runner, the topology's store names and
 * rate vocabulary, the rules (for the rule set in force) and the serdes.
 */
package org.raidwatch.serving;
