package org.raidwatch.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A secured front for a schema registry, as deployments put one before Confluent's server: HTTPS
 * (the JDK's HttpsServer, a certificate made by keytool for 127.0.0.1) and credentials checked on
 * every request, forwarding what passes to the real registry API behind it. Under {@code /basic} it
 * wants HTTP basic auth, under {@code /bearer} a bearer token; anything else gets 401. Started with
 * a client trust store it also demands a client certificate (mutual TLS).
 */
public final class HttpsRegistryProxy implements AutoCloseable {

    private final HttpsServer server;
    private final ExecutorService executor;
    private final String target;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, AtomicInteger> forwarded = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();

    private HttpsRegistryProxy(HttpsServer server, ExecutorService executor, String target) {
        this.server = server;
        this.executor = executor;
        this.target = target;
    }

    /**
     * @param target         the registry's Confluent API, e.g. Apicurio's {@code http://127.0.0.1:N/apis/ccompat/v6}
     * @param serverKeys     the server's key pair and certificate
     * @param trustedClients the client certificates it trusts, demanding one (mutual TLS); null for none
     * @param userInfo       the {@code user:password} that {@code /basic} accepts
     * @param token          the bearer token that {@code /bearer} accepts
     */
    public static HttpsRegistryProxy start(String target, TestCertificates.Store serverKeys, TestCertificates.Store trustedClients,
                                           String userInfo, String token) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(serverKeys.load(), serverKeys.password().toCharArray());
        TrustManagerFactory trust = null;
        if (trustedClients != null) {
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustedClients.load());
        }
        tls.init(keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        boolean mutual = trustedClients != null;
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                var parameters = tls.getDefaultSSLParameters();
                parameters.setNeedClientAuth(mutual);
                params.setSSLParameters(parameters);
            }
        });
        ExecutorService executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        HttpsRegistryProxy proxy = new HttpsRegistryProxy(server, executor, target);
        String basic = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        server.createContext("/basic", exchange -> proxy.forward(exchange, "/basic", basic));
        server.createContext("/bearer", exchange -> proxy.forward(exchange, "/bearer", "Bearer " + token));
        server.start();
        return proxy;
    }

    /** {@code https://127.0.0.1:<port>} plus the given path, e.g. {@code /basic}. */
    public String url(String path) {
        return "https://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** How many requests under the prefix passed the credential check and were forwarded. */
    public int forwarded(String prefix) {
        return forwarded.computeIfAbsent(prefix, p -> new AtomicInteger()).get();
    }

    /** How many requests were refused for their credentials. */
    public int refused() {
        return refused.get();
    }

    private void forward(HttpExchange exchange, String prefix, String expectedAuthorization) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                byte[] answer = "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("WWW-Authenticate", prefix.equals("/basic") ? "Basic realm=\"registry\"" : "Bearer");
                exchange.sendResponseHeaders(401, answer.length);
                exchange.getResponseBody().write(answer);
                return;
            }
            forwarded.computeIfAbsent(prefix, p -> new AtomicInteger()).incrementAndGet();
            URI uri = exchange.getRequestURI();
            String rest = uri.getRawPath().substring(prefix.length()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + rest)).timeout(Duration.ofSeconds(10))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : List.of("Content-Type", "Accept")) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(503, -1);
                return;
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            response.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Key and trust stores made for a test by the JDK's keytool, in a folder of the test's. */
    public static final class TestCertificates {

        /** A store file, its type (JKS or PKCS12) and password. */
        public record Store(Path path, String type, String password) {
            KeyStore load() throws Exception {
                KeyStore store = KeyStore.getInstance(type);
                try (InputStream in = Files.newInputStream(path)) {
                    store.load(in, password.toCharArray());
                }
                return store;
            }
        }

        private TestCertificates() {
        }

        /** A new key pair and self-signed certificate for {@code 127.0.0.1}, in a PKCS12 key store. */
        public static Store keyPair(Path dir, String name, String password) throws IOException, InterruptedException {
            Store store = new Store(dir.resolve(name + ".p12"), "PKCS12", password);
            keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=" + name, "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", store.path().toString(), "-storepass", password, "-keypass", password);
            return store;
        }

        /** A trust store of the given type holding the certificate of a key store's key pair. */
        public static Store trusting(Store keys, String alias, Path dir, String name, String type, String password)
                throws IOException, InterruptedException {
            Path certificate = dir.resolve(alias + ".crt");
            if (!Files.exists(certificate)) {
                keytool("-exportcert", "-alias", alias, "-keystore", keys.path().toString(), "-storetype", keys.type(),
                        "-storepass", keys.password(), "-file", certificate.toString());
            }
            Store store = new Store(dir.resolve(name), type, password);
            keytool("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(), "-storetype", type,
                    "-keystore", store.path().toString(), "-storepass", password);
            return store;
        }

        private static void keytool(String... args) throws IOException, InterruptedException {
            List<String> command = new java.util.ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        }
    }
}
