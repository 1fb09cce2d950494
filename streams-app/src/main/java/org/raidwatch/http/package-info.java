/**
 * The HTTP side (Javalin): the dashboard, the query API and its parameters, the live feed of flags, health, readiness
 * and metrics. Reads the running stream through the serving package and the runner; never the topology's internals.
 */
package org.raidwatch.http;
