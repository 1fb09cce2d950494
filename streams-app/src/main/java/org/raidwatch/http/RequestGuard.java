package org.raidwatch.http;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.raidwatch.contract.LogText;
import org.raidwatch.contract.TokenBucket;
import org.raidwatch.deployment.HttpEndpoint;
import org.raidwatch.deployment.HttpLimits;

/**
 * Checks every request before it is answered: its {@code Host} must be a name this server answers
 * for, so that a web page whose name was rebound to this machine's address cannot read the API (DNS
 * rebinding: the browser sends the page's own name), and a client address may make only so many
 * requests a second of the routes that read state.
 *
 * <p>Answered for: loopback names ({@code localhost}, {@code *.localhost}), any IP address (a
 * rebinding page always names itself, never an address), the address the server listens on, the
 * host it advertises to the other instances, and {@link HttpLimits#allowedHosts()}. {@code /health}
 * and {@code /ready}, which tell nothing of the data, are answered for any host (probes send
 * whatever they were given).
 */
final class RequestGuard {

    /** A request refused before it reached its route: its status, why, and when to try again (null: not). */
    static final class Refused extends RuntimeException {
        private final int status;
        private final String retryAfter;

        Refused(int status, String message, String retryAfter) {
            super(message, null, false, false);
            this.status = status;
            this.retryAfter = retryAfter;
        }

        int status() {
            return status;
        }

        String retryAfter() {
            return retryAfter;
        }
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Client addresses remembered at most; past this, those whose allowance is whole again are forgotten. */
    private static final int CLIENTS = 10_000;

    private final HttpEndpoint endpoint;
    private final HttpLimits limits;
    /** Further names: the host of an {@code application.server} set apart from the advertised host, which peers forward to. */
    private final java.util.Set<String> alsoAnswered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Each client address's requests: a second's worth, refilled continuously. */
    private final Map<String, TokenBucket> allowances = new ConcurrentHashMap<>();

    RequestGuard(HttpEndpoint endpoint, HttpLimits limits) {
        this.endpoint = endpoint;
        this.limits = limits;
    }

    /** @throws Refused 421 for a host this server does not answer for, 429 for a client over its rate */
    void check(Context ctx) {
        // The routes answer with and without trailing slashes: "/metrics/" is "/metrics".
        String path = ctx.path();
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.equals("/health") || path.equals("/ready")) {
            return;
        }
        String host = ctx.header("Host");
        if (host != null && !answersFor(host)) {
            throw new Refused(421, "this server does not answer for the host '" + LogText.of(host) + "'; if that is its name (a"
                    + " proxy's, say), add it to raidwatch.http.allowed.hosts", null);
        }
        if (limits.requestsPerSecond() > 0 && (path.startsWith("/api/") || path.equals("/metrics"))) {
            String client = ctx.ip();
            if (allowances.size() > CLIENTS) {
                allowances.values().removeIf(TokenBucket::isFull);
            }
            if (!allowances.computeIfAbsent(client, c -> new TokenBucket(limits.requestsPerSecond(), limits.requestsPerSecond())).take(1)) {
                throw new Refused(429, "more than " + limits.requestsPerSecond() + " requests a second from " + LogText.of(client)
                        + " (raidwatch.http.max.requests.per.second)", "1");
            }
        }
    }

    /** Whether a request's {@code Host} (with or without its port) names this server. */
    boolean answersFor(String hostHeader) {
        if (limits.anyHost()) {
            return true;
        }
        String host = hostOnly(hostHeader.trim().toLowerCase(Locale.ROOT));
        if (host.isEmpty()) {
            return false;
        }
        if (host.equals("localhost") || host.endsWith(".localhost") || IPV4.matcher(host).matches() || host.startsWith("[")) {
            return true;
        }
        return host.equals(endpoint.address().toLowerCase(Locale.ROOT)) || host.equals(endpoint.advertisedHost().toLowerCase(Locale.ROOT))
                || limits.allowedHosts().contains(host) || alsoAnswered.contains(host);
    }

    /** Answers for this host too (the name the other instances use, from Kafka Streams' {@code application.server}). */
    void answerFor(String host) {
        if (host != null && !host.isBlank()) {
            alsoAnswered.add(hostOnly(host.trim().toLowerCase(Locale.ROOT)));
        }
    }

    /** {@code name:port} to {@code name}; {@code [v6]:port} to {@code [v6]}. */
    private static String hostOnly(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? "" : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        String name = colon < 0 ? host : host.substring(0, colon);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
