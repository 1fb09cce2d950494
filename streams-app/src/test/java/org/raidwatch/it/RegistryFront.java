package org.raidwatch.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-HTTP front for a real schema registry that forwards every request and counts the
 * registrations the registry answered 409. Told to, it answers every registration 409 "already
 * exists" after forwarding it: the schema is then registered, as when another client won a race.
 */
public final class RegistryFront implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final String target;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger registrations = new AtomicInteger();
    private final AtomicInteger conflicts = new AtomicInteger();
    private volatile boolean registerThenConflict;

    private RegistryFront(HttpServer server, ExecutorService executor, String target) {
        this.server = server;
        this.executor = executor;
        this.target = target;
    }

    /** @param target the registry's Confluent API, e.g. Apicurio's {@code http://127.0.0.1:N/apis/ccompat/v6} */
    public static RegistryFront over(String target) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService executor = Executors.newFixedThreadPool(32);
        RegistryFront front = new RegistryFront(server, executor, target);
        server.createContext("/", front::forward);
        server.setExecutor(executor);
        server.start();
        return front;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on, answer each registration 409 "already exists" once the registry has stored it. */
    public void registerThenAnswerConflict() {
        registerThenConflict = true;
    }

    /** Registrations forwarded so far. */
    public int registrations() {
        return registrations.get();
    }

    /** Registrations the registry itself answered 409. */
    public int conflicts() {
        return conflicts.get();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + path)).timeout(Duration.ofSeconds(10))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            HttpResponse<byte[]> answer;
            try {
                answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            boolean registration = method.equals("POST") && path.matches(".*/subjects/[^/]+/versions");
            int status = answer.statusCode();
            byte[] reply = answer.body();
            if (registration) {
                registrations.incrementAndGet();
                if (status == 409) {
                    conflicts.incrementAndGet();
                }
                if (registerThenConflict && status == 200) {
                    String subject = path.replaceAll(".*/subjects/([^/]+)/versions", "$1");
                    status = 409;
                    reply = ("{\"error_code\":409,\"message\":\"An artifact with ID '" + subject + "' in group 'null' already exists.\"}")
                            .getBytes(StandardCharsets.UTF_8);
                }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
            exchange.getResponseBody().write(reply);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
