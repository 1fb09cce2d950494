/**
 * One raidwatch instance assembled in one place ({@code RaidwatchInstance}): rule set in force, metrics, HTTP server,
 * Streams runner, rules subscription and their close order. Used by {@code run}, {@code demo} and the integration tests, so
 * the tests run production's wiring. Uses the HTTP side, serving, rule delivery, the runner and the topology; only the
 * command line (and tests) use it.
 */
package org.raidwatch.instance;
