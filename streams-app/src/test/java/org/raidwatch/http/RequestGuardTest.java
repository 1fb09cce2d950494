package org.raidwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.raidwatch.deployment.HttpEndpoint;
import org.raidwatch.deployment.HttpLimits;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.serving.ServiceMetrics;
import org.raidwatch.topology.RateBase;

/** The HTTP server answers only for its own names, bounds each client's request rate, and tells callers nothing of its inside. */
class RequestGuardTest {

    private static final RuleSet RULES = RuleSet.loadShipped();

    @Test
    void a_page_whose_name_was_rebound_to_this_machine_gets_421_and_the_servers_own_names_are_answered() throws IOException {
        HttpLimits limits = new HttpLimits(List.of("raidwatch.example.org"), 200, 20, 0);
        try (ServiceMetrics metrics = new ServiceMetrics(RULES);
             ApiServer server = ApiServer.start(new HttpEndpoint("127.0.0.1", HttpEndpoint.ANY_FREE_PORT, "raidwatch-1"), limits, RateBase.DEFAULT, metrics,
                     () -> LocalDate.of(2023, 6, 30))) {
            int port = server.endpoint().port();

            // Given a web page at rebind.example whose name now resolves to 127.0.0.1, When its script asks for the API
            String rebound = get(port, "/api/forces", "rebind.example:" + port);
            // Then it is refused, naming the setting that would let a real name in
            assertThat(rebound).startsWith("HTTP/1.1 421").contains("raidwatch.http.allowed.hosts").doesNotContain("Kent Police");
            assertThat(get(port, "/metrics", "rebind.example")).startsWith("HTTP/1.1 421");
            assertThat(get(port, "/", "rebind.example")).startsWith("HTTP/1.1 421");

            // And the server's own names are answered: loopback, addresses, the advertised host, the allowed ones (any case, with a port)
            for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "10.1.2.3", "raidwatch-1:8080",
                    "RAIDWATCH.example.org", "dashboard.localhost")) {
                assertThat(get(port, "/api/forces", host)).as(host).startsWith("HTTP/1.1 200").contains("Kent Police");
            }
            // And probes are answered whatever host they send
            assertThat(get(port, "/health", "rebind.example")).startsWith("HTTP/1.1 200");
            assertThat(metrics.scrape()).contains("raidwatch_http_refused_total{reason=\"host\"} 3.0");
        }
    }

    @Test
    void a_client_over_its_rate_gets_429_with_retry_after_and_others_are_still_answered() throws IOException {
        HttpLimits limits = new HttpLimits(List.of(), 200, 20, 5);
        try (ServiceMetrics metrics = new ServiceMetrics(RULES);
             ApiServer server = ApiServer.start(HttpEndpoint.anyFreePort("127.0.0.1"), limits, RateBase.DEFAULT, metrics, () -> LocalDate.of(2023, 6, 30))) {
            int port = server.endpoint().port();

            // Given a client allowed 5 requests a second, When it asks 20 times at once
            long ok = 0;
            String refused = null;
            for (int i = 0; i < 20; i++) {
                String answer = get(port, "/api/forces", "127.0.0.1");
                if (answer.startsWith("HTTP/1.1 200")) {
                    ok++;
                } else {
                    refused = answer;
                }
            }

            // Then about a second's worth is answered and the rest refused, saying when to come back
            assertThat(ok).isBetween(5L, 8L);
            assertThat(refused).startsWith("HTTP/1.1 429").containsIgnoringCase("Retry-After: 1")
                    .contains("raidwatch.http.max.requests.per.second");
            // And another client address is not held back by it, nor is /health
            assertThat(get(port, "/api/forces", "127.0.0.1", "127.0.0.2")).startsWith("HTTP/1.1 200");
            assertThat(get(port, "/health", "127.0.0.1")).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void an_unexpected_failure_answers_500_with_a_reference_and_none_of_its_text() throws IOException {
        // Given a route that fails with an exception whose message tells of the inside
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.routes.get("/boom", ctx -> {
                throw new IllegalStateException("cannot open /var/lib/raidwatch/state/secret.db at kafka-internal:9092");
            });
            ApiAnswers.mapErrors(config.routes);
        }).start();
        try {
            // When it is asked
            String answer = get(app.port(), "/boom", "127.0.0.1");

            // Then the caller learns there was an error and where the log has it, nothing more
            assertThat(answer).startsWith("HTTP/1.1 500").containsPattern("internal error \\(reference [0-9a-f]+ in the server's log\\)")
                    .doesNotContain("secret.db").doesNotContain("kafka-internal").doesNotContain("IllegalStateException");
        } finally {
            app.stop();
        }
    }

    /** A raw GET with the Host header a browser would send for that name (java.net.http will not send another). */
    static String get(int port, String path, String host) throws IOException {
        return get(port, path, host, "127.0.0.1");
    }

    static String get(int port, String path, String host, String from) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
