package org.raidwatch.deployment;

import java.util.List;
import java.util.Locale;

/**
 * What the HTTP server accepts, against abuse: the {@code Host} names it answers (against DNS
 * rebinding, beyond loopback names, IP addresses, the listen address and the advertised host), the
 * live-feed connections it keeps open, in all and per client address, and the requests per second a
 * client address may make of the routes that read state.
 *
 * @param allowedHosts          further host names (lower case) the server answers; {@code *} turns the check off
 * @param feedConnections       live-feed connections open at once, in all
 * @param feedConnectionsPerClient live-feed connections open at once from one client address
 * @param requestsPerSecond     requests per second one client address may make of {@code /api/...} and
 *                              {@code /metrics} (with a burst of as many); 0: no limit
 */
public record HttpLimits(List<String> allowedHosts, int feedConnections, int feedConnectionsPerClient, int requestsPerSecond) {

    public static final int DEFAULT_FEED_CONNECTIONS = 200;
    /** Fewer than the feed's sending threads (16), so one address whose connections never read cannot hold them all. */
    public static final int DEFAULT_FEED_CONNECTIONS_PER_CLIENT = 8;
    /** Enough for fifty dashboards, or the flags benchmark's fifty clients at once, behind one address. */
    public static final int DEFAULT_REQUESTS_PER_SECOND = 2_000;

    public static final HttpLimits DEFAULTS = new HttpLimits(List.of(), DEFAULT_FEED_CONNECTIONS, DEFAULT_FEED_CONNECTIONS_PER_CLIENT,
            DEFAULT_REQUESTS_PER_SECOND);

    public HttpLimits {
        allowedHosts = allowedHosts.stream().map(host -> host.trim().toLowerCase(Locale.ROOT)).filter(host -> !host.isEmpty()).toList();
        if (feedConnections < 1 || feedConnectionsPerClient < 1) {
            throw new RaidwatchConfig.InvalidConfigException("the live feed's connection limits must be at least 1, got "
                    + feedConnections + " in all and " + feedConnectionsPerClient + " per client");
        }
        if (requestsPerSecond < 0) {
            throw new RaidwatchConfig.InvalidConfigException("the requests per second per client must be 0 (no limit) or more, got "
                    + requestsPerSecond);
        }
    }

    /** Whether every {@code Host} is answered (the setting holds {@code *}). */
    public boolean anyHost() {
        return allowedHosts.contains("*");
    }
}
