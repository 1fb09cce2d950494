package org.raidwatch.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Confluent-compatible schema registry for integration tests: Apicurio Registry (unpacked
 * from its Maven tarball by the build, see the streams-app pom) in its own process, bound to
 * loopback, in-memory storage. Its Confluent API is at {@link #confluentUrl()}.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private ApicurioRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static ApicurioRegistry start(Path log) throws IOException, InterruptedException {
        String jar = System.getProperty("raidwatch.it.registry.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("Apicurio Registry is not unpacked at " + jar
                    + "; run the integration tests with 'mvn verify', which unpacks it in pre-integration-test");
        }
        int[] ports = freePorts();
        int port = ports[0];
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + ports[1],
                "-jar", jar)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ApicurioRegistry registry = new ApicurioRegistry(process, port, log);
        try {
            Await.until(Duration.ofSeconds(90), "Apicurio Registry to answer on port " + port,
                    () -> registry.call("GET", "/subjects", null).statusCode() == 200 || !process.isAlive(), registry::logTail);
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited: " + registry.logTail());
            }
            return registry;
        } catch (RuntimeException | Error | InterruptedException e) {
            registry.close();
            throw e;
        }
    }

    /** The Confluent-compatible API, as raidwatch's {@code schema.registry.url}. */
    public String confluentUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v6";
    }

    /** The registry's HTTP port on loopback. */
    public int port() {
        return port;
    }

    /** Apicurio's own API, for Apicurio's serdes. */
    public String nativeUrl() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    /** Sets the global compatibility level (Apicurio starts at NONE, Confluent's server at BACKWARD). */
    public void setCompatibility(String level) throws IOException, InterruptedException {
        HttpResponse<String> response = call("PUT", "/config", "{\"compatibility\":\"" + level + "\"}");
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT /config answered " + response.statusCode() + ": " + response.body());
        }
    }

    private HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(confluentUrl() + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Two distinct free loopback ports, held open together while they are chosen so they cannot be the same. */
    private static int[] freePorts() throws IOException {
        try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket second = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new int[] {first.getLocalPort(), second.getLocalPort()};
        }
    }
}
