package org.raidwatch.cli;

import org.raidwatch.deployment.HttpEndpoint;
import picocli.CommandLine.Option;

/** Where the HTTP server (dashboard, API, health, metrics) listens; each option overrides the configuration's setting. */
final class HttpOptions {

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of the dashboard, API, /health, /ready and /metrics; 0 turns the HTTP server off (default: 8080; for run, raidwatch.http.port).")
    Integer port;

    @Option(names = "--http-address", paramLabel = "ADDRESS",
            description = "Address to listen on: 127.0.0.1 this machine only, 0.0.0.0 every interface (default: 127.0.0.1; for run, raidwatch.http.address).")
    String address;

    /** The endpoint: the configured one with these options applied (a separately configured advertised host is kept). */
    HttpEndpoint over(HttpEndpoint configured) {
        HttpEndpoint endpoint = address == null ? configured : configured.atAddress(address);
        return port == null ? endpoint : endpoint.atPort(port);
    }
}
