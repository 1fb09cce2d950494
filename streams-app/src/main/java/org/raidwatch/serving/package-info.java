/**
 * Answers from the running stream: interactive queries of the stores ({@code StateQueries}) and the metrics an
 * instance publishes ({@code ServiceMetrics}). Uses the runner, the topology's store names and
 * rate vocabulary, the rules (for the rule set in force) and the serdes.
 */
package org.raidwatch.serving;
