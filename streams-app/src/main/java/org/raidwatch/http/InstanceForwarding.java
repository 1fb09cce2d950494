package org.raidwatch.http;

import io.javalin.http.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.streams.state.HostInfo;
import org.raidwatch.contract.LogText;
import org.raidwatch.json.OutputJson;

/**
 * Asking another instance: the same request, sent to the instance that holds the answer (its
 * {@code application.server}) and marked so that it answers from its own state only, never
 * forwarding again (no loops between instances that disagree about who holds what).
 */
final class InstanceForwarding {

    /** The header that marks a forwarded request. */
    static final String LOCAL_ONLY_HEADER = "X-Raidwatch-Local-Only";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** Another instance's answer: its status, body and {@code Retry-After}. */
    record Fetched(int status, String body, String retryAfter) {
    }

    /** Whether this request was forwarded by another instance (answer it from local state only). */
    static boolean isForwarded(Context ctx) {
        return ctx.header(LOCAL_ONLY_HEADER) != null;
    }

    /** Answers the request with the other instance's answer, as it is. */
    void forward(Context ctx, HostInfo host) throws InterruptedException {
        Fetched answer = answer(fetch(host, ctx));
        if (answer.retryAfter() != null) {
            ctx.header("Retry-After", answer.retryAfter());
        }
        ctx.status(answer.status()).contentType(ApiAnswers.JSON).result(answer.body());
    }

    /** The same request, to be answered from another instance's local state. */
    CompletableFuture<Fetched> fetch(HostInfo host, Context ctx) {
        String query = ctx.queryString();
        String hostName = host.host().contains(":") && !host.host().startsWith("[") ? "[" + host.host() + "]" : host.host();
        URI uri;
        try {
            uri = URI.create("http://" + hostName + ":" + host.port() + ctx.path() + (query == null ? "" : "?" + query));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Fetched(502, OutputJson.write(ApiAnswers.error("instance " + host
                    + " advertises an address that is not a URL host: " + e.getMessage())), null));
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header(LOCAL_ONLY_HEADER, "true").GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Fetched(response.statusCode(), response.body(),
                        response.headers().firstValue("Retry-After").orElse(null)))
                .exceptionally(e -> new Fetched(502, OutputJson.write(ApiAnswers.error("instance " + host + " did not answer: "
                        + LogText.rootMessage(e))), null));
    }

    /** Waits for a fetched answer; a failure to forward is a 502. */
    static Fetched answer(CompletableFuture<Fetched> pending) throws InterruptedException {
        try {
            return pending.get();
        } catch (ExecutionException e) {
            return new Fetched(502, OutputJson.write(ApiAnswers.error("forwarding failed: " + LogText.rootMessage(e))), null);
        }
    }
}
