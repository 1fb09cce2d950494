package org.raidwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.deployment.HttpEndpoint;
import org.raidwatch.it.AppInstance;
import org.raidwatch.it.Await;
import org.raidwatch.it.Cluster;
import org.raidwatch.it.Expected;
import org.raidwatch.it.Http;
import org.raidwatch.it.PrometheusText;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.serde.InMemorySchemaRegistry;

/**
 * A running instance's HTTP server under floods: thousands of live-feed connections, and a burst of
 * the same expensive listing at once.
 */
class HttpAbuseIT {

    private static final RuleSet RULES = RuleSet.loadShipped();

    @TempDir
    Path dir;

    private final String registryScope = "http-abuse-it";

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(registryScope);
    }

    @Test
    void floods_of_feed_connections_and_identical_listings_leave_the_server_answering() throws Exception {
        String registry = "mock://" + registryScope;
        List<DemoDataset.Event> events = DemoDataset.generate(11, 1_000);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, registry, 2);
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), registry, dir.resolve("state"), RULES,
                    HttpEndpoint.anyFreePort("127.0.0.1"))) {
                int port = app.httpPort();
                Http http = new Http(port);
                // Given an instance that has processed a dataset (so the feed is quiet: a browser that never reads is not
                // dropped for falling behind)
                Expected expected = Expected.of(events, RULES, AppInstance.AS_OF);
                cluster.send(events);
                Await.until(Duration.ofMinutes(2), "the flags and rates of " + events.size() + " inputs",
                        () -> expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> expected.mismatches(cluster.latestFlags(), cluster.latestRates()) + "; " + cluster.offsets());
                Await.until(Duration.ofSeconds(30), "every flag listed",
                        () -> http.get("/api/flags?status=any&limit=1").status() == 200
                                && http.get("/api/flags?status=any&limit=1").json().get("total").asInt() == cluster.latestFlags().size(),
                        () -> http.get("/api/flags?status=any&limit=1").body());
                int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

                // Given 2,000 live-feed connections opened from 100 client addresses (20 from each, over the 8 one address may hold),
                // all left open
                List<Socket> sockets = new ArrayList<>();
                int admitted = 0;
                int refused = 0;
                try {
                    for (int i = 0; i < 2_000; i++) {
                        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName("127.0.1." + (1 + i % 100)), 0);
                        socket.setSoTimeout(10_000);
                        socket.getOutputStream().write(("GET /api/feed HTTP/1.1\r\nHost: 127.0.0.1:" + port
                                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        sockets.add(socket);
                    }
                    for (Socket socket : sockets) {
                        String status = statusLine(socket.getInputStream());
                        if (status.startsWith("HTTP/1.1 200")) {
                            admitted++;
                        } else {
                            assertThat(status).startsWith("HTTP/1.1 503");
                            refused++;
                        }
                    }

                    // Then the feed holds its bound of 200 connections in all, refusing the rest at once with 503
                    assertThat(admitted).isEqualTo(200);
                    assertThat(refused).isEqualTo(1_800);
                    // And /health and the API answer promptly meanwhile, with no thread per connection
                    List<Long> healthNanos = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        long start = System.nanoTime();
                        assertThat(http.get("/health").status()).isEqualTo(200);
                        healthNanos.add(System.nanoTime() - start);
                    }
                    healthNanos.sort(null);
                    Duration health = Duration.ofNanos(healthNanos.get(2));
                    long feedThreads = Thread.getAllStackTraces().keySet().stream()
                            .filter(thread -> thread.getName().startsWith("raidwatch-flag-feed")).count();
                    System.out.printf("HttpAbuseIT: 2,000 feed connections: %d admitted, %d refused; /health answered in %.1f ms (median of 5);"
                            + " JVM threads %d before, %d during, %d of them the feed's%n", admitted, refused, health.toNanos() / 1e6, threadsBefore,
                            ManagementFactory.getThreadMXBean().getThreadCount(), feedThreads);
                    assertThat(health).as("median /health time").isLessThan(Duration.ofMillis(100));
                    // its reading thread, its heartbeat and its 16 writers, not one per connection
                    assertThat(feedThreads).as("the live feed's threads with 200 connections open").isLessThanOrEqualTo(18);
                    assertThat(http.get("/api/flags?limit=5").status()).isEqualTo(200);
                    int threadsDuring = ManagementFactory.getThreadMXBean().getThreadCount();
                    assertThat(threadsDuring - threadsBefore).as("threads added by 2,000 connections (%d before)", threadsBefore)
                            .isLessThan(300);
                    assertThat(PrometheusText.parse(http.get("/metrics").body()).get("raidwatch_http_refused_total{reason=\"feed\"}"))
                            .isGreaterThanOrEqualTo(1_800);
                } finally {
                    for (Socket socket : sockets) {
                        socket.close();
                    }
                }

                // And once they are gone, every connection is given back (the heartbeat finds the closed ones)
                Await.until(Duration.ofSeconds(60), "the feed's connections given back after the flood",
                        () -> PrometheusText.parse(http.get("/metrics").body()).get("raidwatch_http_feed_connections") == 0.0,
                        () -> "open: " + PrometheusText.parse(http.get("/metrics").body()).get("raidwatch_http_feed_connections"));
                // And one address may hold at most 8 of them
                List<Socket> fromOne = new ArrayList<>();
                try {
                    int fromOneAdmitted = 0;
                    for (int i = 0; i < 25; i++) {
                        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName("127.0.3.1"), 0);
                        socket.setSoTimeout(10_000);
                        socket.getOutputStream().write(("GET /api/feed HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        fromOne.add(socket);
                        if (statusLine(socket.getInputStream()).startsWith("HTTP/1.1 200")) {
                            fromOneAdmitted++;
                        }
                    }
                    assertThat(fromOneAdmitted).isEqualTo(8);
                } finally {
                    for (Socket socket : fromOne) {
                        socket.close();
                    }
                }

                // Given a question not asked before, When 100 clients ask it at the same moment
                String question = "/api/flags?status=any&limit=777";
                double pagesBefore = PrometheusText.parse(http.get("/metrics").body()).get("raidwatch_http_flag_pages_made_total");
                ExecutorService clients = Executors.newFixedThreadPool(100);
                try {
                    List<Callable<Integer>> asks = IntStream.range(0, 100).<Callable<Integer>>mapToObj(i -> () -> http.get(question).status())
                            .toList();
                    for (Future<Integer> answered : clients.invokeAll(asks)) {
                        assertThat(answered.get()).isEqualTo(200);
                    }
                } finally {
                    clients.shutdownNow();
                }
                // Then the server made that page once (twice if the listing was brought up to date meanwhile), not a hundred times
                double pagesMade = PrometheusText.parse(http.get("/metrics").body()).get("raidwatch_http_flag_pages_made_total") - pagesBefore;
                System.out.printf("HttpAbuseIT: 100 identical /api/flags requests at once made %.0f page(s)%n", pagesMade);
                assertThat(pagesMade).isBetween(1.0, 3.0);
            }
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString().trim();
    }
}
