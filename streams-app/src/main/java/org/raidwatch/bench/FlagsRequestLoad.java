package org.raidwatch.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Many dashboards asking a running raidwatch for flags at once: {@code clients} threads each send
 * {@code warmUpRounds} untimed requests, wait for one another, then each sends {@code rounds}
 * requests to the URL one after the other, each answer timed from sending to its last byte. Requests accept gzip, as browsers do.
 */
public final class FlagsRequestLoad {

    private static final Pattern TOTAL = Pattern.compile("\"total\"\\s*:\\s*(\\d+)");

    private FlagsRequestLoad() {
    }

    /**
     * @param url      the listing to ask, e.g. {@code http://127.0.0.1:8080/api/flags?limit=1000}
     * @param clients  how many ask at once
     * @param rounds   how many requests each sends, one after the other
     * @param warmUpRounds requests each client sends first, untimed (connections opened, this JVM's client code compiled)
     * @param timeout  how long one request may take
     */
    public record Options(URI url, int clients, int rounds, int warmUpRounds, Duration timeout) {
    }

    /**
     * @param millis      every answered request's time, sorted
     * @param failures    requests not answered with 200, or not answered before the deadline, with the first reason
     * @param total       the largest {@code total} an answer gave: how many flags matched
     * @param bytes       the size of the last answer as it travelled (compressed, if it was)
     */
    public record Result(long[] millis, long failures, String firstFailure, long total, long bytes, Duration wall) {

        public double percentile(double p) {
            return LatencyBenchmark.percentile(millis, p);
        }

        public long max() {
            return millis.length == 0 ? -1 : millis[millis.length - 1];
        }
    }

    /** The first characters of an answer, decompressed if it came gzipped. */
    private static String start(byte[] body, String encoding) throws IOException {
        byte[] head;
        if (encoding.equalsIgnoreCase("gzip")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                head = in.readNBytes(300);
            }
        } else {
            head = Arrays.copyOf(body, Math.min(body.length, 300));
        }
        return new String(head, StandardCharsets.UTF_8);
    }

    public static Result run(Options options) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(options.timeout()).build();
        // As a browser asks: compressed if the server will (the answer's size is counted as it travels).
        HttpRequest request = HttpRequest.newBuilder(options.url()).timeout(options.timeout()).header("Accept-Encoding", "gzip").GET().build();
        List<Long> millis = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        AtomicLong total = new AtomicLong(-1);
        AtomicLong bytes = new AtomicLong();
        String[] firstFailure = new String[1];
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch warmedUp = new CountDownLatch(options.clients());
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < options.clients(); c++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int r = 0; r < options.warmUpRounds(); r++) {
                    try {
                        http.send(request, HttpResponse.BodyHandlers.discarding());
                    } catch (IOException e) {
                        // Counted when it happens in the timed rounds.
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                warmedUp.countDown();
                try {
                    warmedUp.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int r = 0; r < options.rounds(); r++) {
                    long started = System.nanoTime();
                    String failure;
                    try {
                        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                        byte[] body;
                        try (InputStream in = response.body()) {
                            body = in.readAllBytes();
                        }
                        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                        if (response.statusCode() == 200) {
                            synchronized (millis) {
                                millis.add(took);
                            }
                            Matcher matched = TOTAL.matcher(start(body, response.headers().firstValue("Content-Encoding").orElse("")));
                            if (matched.find()) {
                                total.accumulateAndGet(Long.parseLong(matched.group(1)), Math::max);
                            }
                            bytes.set(body.length);
                            continue;
                        }
                        failure = "HTTP " + response.statusCode() + ": " + start(body, response.headers().firstValue("Content-Encoding").orElse(""));
                    } catch (IOException e) {
                        failure = e.toString();
                    } catch (InterruptedException e) {
                        return;
                    }
                    failures.incrementAndGet();
                    synchronized (firstFailure) {
                        if (firstFailure[0] == null) {
                            firstFailure[0] = failure;
                        }
                    }
                }
            }, "bench-flags-client-" + c);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        warmedUp.await(options.timeout().toNanos() * Math.max(1, options.warmUpRounds()) + TimeUnit.SECONDS.toNanos(10), TimeUnit.NANOSECONDS);
        long started = System.nanoTime();
        long deadline = started + options.timeout().toNanos() * options.rounds() + TimeUnit.SECONDS.toNanos(10);
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            thread.interrupt();
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        long[] sorted;
        synchronized (millis) {
            sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        long expected = (long) options.clients() * options.rounds();
        long unanswered = expected - sorted.length - failures.get();
        synchronized (firstFailure) {
            String first = firstFailure[0] != null ? firstFailure[0]
                    : unanswered > 0 ? unanswered + " requests had no answer before the deadline" : null;
            return new Result(sorted, failures.get() + Math.max(0, unanswered), first, total.get(), bytes.get(), wall);
        }
    }
}
