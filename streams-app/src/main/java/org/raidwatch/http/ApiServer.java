package org.raidwatch.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;
import org.raidwatch.contract.Forces;
import org.raidwatch.contract.LogText;
import org.raidwatch.json.OutputJson;
import org.raidwatch.runtime.HttpEndpoint;
import org.raidwatch.runtime.ServiceMetrics;
import org.raidwatch.runtime.StateQueries;
import org.raidwatch.runtime.StreamsRunner;
import org.raidwatch.schema.CaseState;
import org.raidwatch.topology.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * raidwatch's HTTP server, read-only: the dashboard at {@code /}, the query API under {@code /api}
 * (rates, flags, a case, the forces, the live feed of flag changes), {@code /health}, {@code /ready}
 * and {@code /metrics}. A request for a force's rates or a case that another instance holds is
 * forwarded to that instance (its {@code application.server}); a request for every force's rates
 * gathers each instance's share. The JSON shapes are {@link OutputJson}'s and the README's.
 *
 * <p>It listens first ({@link #start}), before the stream exists, so a port that is taken fails at
 * once and {@code /health} answers during start-up; {@link #attach} then gives it the stream.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Marks a request one instance forwards to another: answer from local state only, never forward again. */
    static final String LOCAL_ONLY_HEADER = "X-Raidwatch-Local-Only";
    private static final String JSON = "application/json";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(3);

    /** The endpoint could not listen (the port is taken, the address is not this machine's). */
    public static final class CannotListenException extends RuntimeException {
        CannotListenException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ServiceMetrics metrics;
    private final Supplier<LocalDate> today;
    private final HttpClient forwarder = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT).build();
    private final Javalin app;
    private final HttpEndpoint endpoint;
    private volatile StreamsRunner runner;
    private volatile StateQueries queries;
    private volatile FlagFeed feed;

    private ApiServer(HttpEndpoint requested, ServiceMetrics metrics, Supplier<LocalDate> today) {
        this.metrics = metrics;
        this.today = today;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = requested.address();
            config.jetty.port = requested.port() == HttpEndpoint.ANY_FREE_PORT ? 0 : requested.port();
            config.staticFiles.add("/web", Location.CLASSPATH);
            config.staticFiles.enableWebjars();
            config.routes.before(ctx -> {
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
                        + " object-src 'none'; frame-ancestors 'none'; base-uri 'none'");
            });
            config.routes.get("/health", ctx -> json(ctx, 200, Map.of("status", "UP")));
            config.routes.get("/ready", this::ready);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            config.routes.get("/api/forces", ctx -> json(ctx, 200, Map.of("forces", Forces.CANONICAL_NAMES)));
            config.routes.get("/api/rates", this::rates);
            config.routes.get("/api/flags", this::flags);
            config.routes.get("/api/cases/{raidId}", this::caseOf);
            config.routes.sse("/api/feed", this::feed);
            for (String unknown : List.of("/api", "/api/", "/api/<rest>")) {
                config.routes.get(unknown, ctx -> json(ctx, 404, error("no such API path: " + ctx.path()
                        + "; the API has /api/rates, /api/flags, /api/cases/{raidId}, /api/forces and /api/feed")));
            }
            config.routes.exception(QueryParameters.BadRequest.class, (e, ctx) -> json(ctx, 400, error(e.getMessage())));
            config.routes.exception(StateQueries.NotQueryableNow.class, (e, ctx) -> unavailable(ctx, e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                String request;
                try {
                    request = ctx.method() + " " + ctx.path();
                } catch (RuntimeException recycled) {
                    return; // the client is gone (a closed live feed): nobody to answer
                }
                LOG.warn("HTTP {} failed: {}", LogText.of(request), e.toString(), e);
                json(ctx, 500, error("internal error: " + e.getMessage()));
            });
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            app.stop();
            throw new CannotListenException("cannot listen on " + requested.address() + ":" + requested.port() + " ("
                    + rootMessage(e) + "); choose another port with --http-port or raidwatch.http.port (0 turns the HTTP server off),"
                    + " or another address with --http-address or raidwatch.http.address", e);
        }
        this.endpoint = requested.bound(app.port());
    }

    /**
     * Listens on the endpoint. Until {@link #attach} only {@code /health}, {@code /metrics}, the
     * dashboard's files and {@code /api/forces} answer; the rest answer 503.
     *
     * @param today the day rates are judged on (the latest complete twelve-month window)
     * @throws CannotListenException when the address and port cannot be bound; the message says which
     */
    public static ApiServer start(HttpEndpoint endpoint, ServiceMetrics metrics, Supplier<LocalDate> today) {
        return new ApiServer(endpoint, metrics, today);
    }

    /** Where it listens: the endpoint asked for, with the port it got (set {@code application.server} from it). */
    public HttpEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Serves a raidwatch instance: its state through interactive queries (before or after it starts),
     * its metrics, and a live feed of the flagged-cases topic.
     *
     * @param clientProperties Kafka client settings for the live feed's consumer
     */
    public void attach(StreamsRunner runner, Topics topics, Map<String, Object> clientProperties) {
        StateQueries attached = runner.queries(topics);
        metrics.watch(runner, attached, today);
        this.feed = new FlagFeed(clientProperties, topics.flaggedCases());
        this.queries = attached;
        this.runner = runner;
    }

    private StateQueries queries() {
        StateQueries current = queries;
        if (current == null) {
            throw new StateQueries.NotQueryableNow("raidwatch is starting", null);
        }
        return current;
    }

    private void ready(Context ctx) {
        StreamsRunner current = runner;
        boolean ready = current != null && current.isServing();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", ready);
        body.put("state", current == null ? "STARTING" : current.state().name());
        json(ctx, ready ? 200 : 503, body);
    }

    private void feed(SseClient client) {
        FlagFeed current = feed;
        if (current == null) {
            client.close(); // the page's EventSource tries again in a few seconds
            return;
        }
        current.connect(client);
    }

    private void rates(Context ctx) throws InterruptedException {
        StateQueries state = queries();
        String force = QueryParameters.force(ctx.queryParam("force"));
        String window = QueryParameters.window(ctx.queryParam("window"));
        LocalDate asOf = today.get();
        String latest = StateQueries.latestCompleteWindow(asOf);
        String wanted = "latest".equals(window) ? latest : window;
        List<Map<String, Object>> found = new ArrayList<>();
        if (force != null && !isForwarded(ctx)) {
            StateQueries.Owner owner = state.ratesOwner(force);
            if (owner instanceof StateQueries.Owner.Elsewhere elsewhere) {
                forward(ctx, elsewhere.host());
                return;
            }
        }
        state.localRates(force, wanted).forEach(r -> found.add(OutputJson.rates(r)));
        if (force == null && !isForwarded(ctx)) {
            List<HostInfo> others = state.otherRatesHolders();
            List<CompletableFuture<Fetched>> shares = others.stream().map(other -> fetch(other, ctx)).toList();
            for (int i = 0; i < others.size(); i++) {
                Fetched share = answer(shares.get(i));
                if (share.status() != 200) {
                    json(ctx, share.status() == 503 ? 503 : 502, error("instance " + others.get(i) + " could not give its forces' rates: "
                            + share.body()));
                    ctx.header("Retry-After", "1");
                    return;
                }
                try {
                    found.addAll(OutputJson.MAPPER.readValue(share.body(), RatesAnswer.class).rates());
                } catch (IOException e) {
                    json(ctx, 502, error("instance " + others.get(i) + " answered something other than rates: " + e.getMessage()));
                    return;
                }
            }
        }
        List<Map<String, Object>> rates = found.stream()
                .sorted(Comparator.comparing((Map<String, Object> r) -> (String) r.get("force"))
                        .thenComparing(r -> (String) r.get("window")))
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("asOf", asOf.toString());
        body.put("latestWindow", latest);
        body.put("rates", rates);
        json(ctx, 200, body);
    }

    private void flags(Context ctx) {
        QueryParameters.FlagQuery query = QueryParameters.flagQuery(ctx::queryParam);
        StateQueries.Page<org.raidwatch.schema.CaseFlag> page = queries().flags(query::matches, query.limit());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", page.total());
        body.put("flags", page.items().stream().map(OutputJson::flag).toList());
        json(ctx, 200, body);
    }

    private void caseOf(Context ctx) throws InterruptedException {
        StateQueries state = queries();
        String raidId = QueryParameters.raidId(ctx.pathParam("raidId"));
        if (!isForwarded(ctx) && state.caseOwner(raidId) instanceof StateQueries.Owner.Elsewhere elsewhere) {
            forward(ctx, elsewhere.host());
            return;
        }
        CaseState found = state.localCase(raidId);
        if (found == null) {
            json(ctx, 404, error("no raid " + raidId + " is known: no raid report or FOI update for it has been processed"));
            return;
        }
        json(ctx, 200, OutputJson.caseOf(found));
    }

    private static boolean isForwarded(Context ctx) {
        return ctx.header(LOCAL_ONLY_HEADER) != null;
    }

    /** Another instance's answer to a rates request. */
    private record RatesAnswer(String asOf, String latestWindow, List<Map<String, Object>> rates) {
    }

    private record Fetched(int status, String body, String retryAfter) {
    }

    private void forward(Context ctx, HostInfo host) throws InterruptedException {
        Fetched answer = answer(fetch(host, ctx));
        if (answer.retryAfter() != null) {
            ctx.header("Retry-After", answer.retryAfter());
        }
        ctx.status(answer.status()).contentType(JSON).result(answer.body());
    }

    /** The same request, to be answered from another instance's local state. */
    private CompletableFuture<Fetched> fetch(HostInfo host, Context ctx) {
        String query = ctx.queryString();
        String hostName = host.host().contains(":") && !host.host().startsWith("[") ? "[" + host.host() + "]" : host.host();
        URI uri;
        try {
            uri = URI.create("http://" + hostName + ":" + host.port() + ctx.path() + (query == null ? "" : "?" + query));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Fetched(502, OutputJson.write(error("instance " + host
                    + " advertises an address that is not a URL host: " + e.getMessage())), null));
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(FORWARD_TIMEOUT).header(LOCAL_ONLY_HEADER, "true").GET().build();
        return forwarder.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Fetched(response.statusCode(), response.body(),
                        response.headers().firstValue("Retry-After").orElse(null)))
                .exceptionally(e -> new Fetched(502, OutputJson.write(error("instance " + host + " did not answer: " + rootMessage(e))),
                        null));
    }

    private static Fetched answer(CompletableFuture<Fetched> pending) throws InterruptedException {
        try {
            return pending.get();
        } catch (ExecutionException e) {
            return new Fetched(502, OutputJson.write(error("forwarding failed: " + rootMessage(e))), null);
        }
    }

    private static void unavailable(Context ctx, String message) {
        ctx.header("Retry-After", "1");
        json(ctx, 503, error(message + "; try again shortly"));
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType(JSON).result(OutputJson.write(body));
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    @Override
    public void close() {
        app.stop();
        FlagFeed current = feed;
        if (current != null) {
            try {
                current.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
