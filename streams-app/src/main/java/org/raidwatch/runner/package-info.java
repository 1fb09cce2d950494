/**
 * The life cycle of one Kafka Streams client: start, wait until running, report state changes, stop
 * ({@code StreamsRunner}); raidwatch's Streams properties and error handlers; keeping the global stores usable after a
 * crash. Uses the topology and the serdes; knows nothing of deployments, serving or the command line.
 */
package org.raidwatch.runner;
