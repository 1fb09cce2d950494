package org.raidwatch.deployment;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where this instance's HTTP server listens, and the address the other instances of the same
 * application use to reach it (Kafka Streams' {@code application.server}), so any instance can
 * answer for state another one holds.
 *
 * @param address        the local address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface)
 * @param port           the port; 0 turns the HTTP server off; {@link #ANY_FREE_PORT} lets the system
 *                       choose (tests, embedding: the server then reports the port it got)
 * @param advertisedHost the host name or address the other instances reach this one by
 */
public record HttpEndpoint(String address, int port, String advertisedHost) {

    public static final int DEFAULT_PORT = 8080;
    /** Not a port: asks the system for a free one when the server binds. */
    public static final int ANY_FREE_PORT = -1;
    public static final String DEFAULT_ADDRESS = "127.0.0.1";

    public HttpEndpoint {
        if (port < ANY_FREE_PORT || port > 65_535) {
            throw new RaidwatchConfig.InvalidConfigException("the HTTP port must be from 0 (off) to 65535, got " + port);
        }
        if (address == null || address.isBlank()) {
            throw new RaidwatchConfig.InvalidConfigException("the HTTP address must not be empty");
        }
    }

    /** Listening on {@code address}, advertised as that address, or as this machine's name when it is a wildcard. */
    public static HttpEndpoint of(String address, int port) {
        return new HttpEndpoint(address, port, defaultAdvertisedHost(address));
    }

    /** On a port the system chooses when the server binds. */
    public static HttpEndpoint anyFreePort(String address) {
        return of(address, ANY_FREE_PORT);
    }

    /** The same endpoint on the port the server actually bound. */
    public HttpEndpoint bound(int boundPort) {
        return new HttpEndpoint(address, boundPort, advertisedHost);
    }

    /** The same endpoint listening on another address; the advertised host follows it unless it was chosen separately. */
    public HttpEndpoint atAddress(String newAddress) {
        boolean advertisedFollowsAddress = advertisedHost.equals(defaultAdvertisedHost(address));
        return new HttpEndpoint(newAddress, port, advertisedFollowsAddress ? defaultAdvertisedHost(newAddress) : advertisedHost);
    }

    /** The same endpoint on another port (0: off). */
    public HttpEndpoint atPort(int newPort) {
        return new HttpEndpoint(address, newPort, advertisedHost);
    }

    public static HttpEndpoint off() {
        return new HttpEndpoint(DEFAULT_ADDRESS, 0, DEFAULT_ADDRESS);
    }

    public boolean enabled() {
        return port != 0;
    }

    /**
     * The value of Kafka Streams' {@code application.server}: how other instances reach this one
     * ({@code host:port}, IPv6 addresses in brackets); null when off or not bound yet.
     */
    public String applicationServer() {
        if (!enabled() || port == ANY_FREE_PORT) {
            return null;
        }
        return (advertisedHost.contains(":") && !advertisedHost.startsWith("[") ? "[" + advertisedHost + "]" : advertisedHost) + ":" + port;
    }

    /** The dashboard's address for a person on this machine. */
    public String url() {
        String host = isWildcard(address) ? "localhost" : address.contains(":") ? "[" + address + "]" : address;
        return "http://" + host + ":" + port + "/";
    }

    private static String defaultAdvertisedHost(String address) {
        if (!isWildcard(address)) {
            return address;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]");
    }
}
