package org.raidwatch.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.util.JavalinBindException;
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
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.raidwatch.json.OutputJson;
import org.raidwatch.runtime.HttpEndpoint;
import org.raidwatch.runtime.ServiceMetrics;
import org.raidwatch.runtime.StateQueries;
import org.raidwatch.runtime.StreamsRunner;
import org.raidwatch.topology.Topics;
import org.raidwatch.schema.CaseState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * raidwatch's HTTP server, read-only: the dashboard at {@code /}, the query API under {@code /api}
 * (rates, flags, a case, the live feed of flag changes), {@code /health}, {@code /ready} and
 * {@code /metrics}. A request for a force's rates or a case that another instance holds is forwarded
 * to that instance (its {@code application.server}); a request for every force's rates gathers each
 * instance's share. The JSON shapes are {@link OutputJson}'s and the README's.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Marks a request one instance forwards to another: answer from local state only, never forward again. */
    static final String LOCAL_ONLY_HEADER = "X-Raidwatch-Local-Only";
    private static final String JSON = "application/json";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);

    /** The endpoint could not listen (the port is taken, the address is not this machine's). */
    public static final class CannotListenException extends RuntimeException {
        CannotListenException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final StateQueries queries;
    private final ServiceMetrics metrics;
    private final FlagFeed feed;
    private final Supplier<LocalDate> today;
    private final HttpClient forwarder = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT).build();
    private final Javalin app;

    private ApiServer(HttpEndpoint endpoint, StateQueries queries, ServiceMetrics metrics, FlagFeed feed, Supplier<LocalDate> today) {
        this.queries = queries;
        this.metrics = metrics;
        this.feed = feed;
        this.today = today;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = endpoint.address();
            config.jetty.port = endpoint.port();
            config.staticFiles.add("/web", Location.CLASSPATH);
            config.staticFiles.enableWebjars();
            config.routes.get("/health", ctx -> json(ctx, 200, Map.of("status", "UP")));
            config.routes.get("/ready", this::ready);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            config.routes.get("/api/rates", this::rates);
            config.routes.get("/api/flags", this::flags);
            config.routes.get("/api/cases/{raidId}", this::caseOf);
            config.routes.sse("/api/feed", feed::connect);
            config.routes.exception(QueryParameters.BadRequest.class, (e, ctx) -> json(ctx, 400, error(e.getMessage())));
            config.routes.exception(StateQueries.NotQueryableNow.class, (e, ctx) -> unavailable(ctx, e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                String request;
                try {
                    request = ctx.method() + " " + ctx.path();
                } catch (RuntimeException recycled) {
                    return; // the client is gone (a closed live feed): nobody to answer
                }
                LOG.warn("HTTP {} failed: {}", request, e.toString(), e);
                json(ctx, 500, error("internal error: " + e.getMessage()));
            });
        });
    }

    /**
     * Serves a running (or starting) raidwatch instance: its state through interactive queries, its
     * metrics, and a live feed of the flagged-cases topic. Start it before the stream, so
     * {@code /health} and {@code /ready} answer while the stream starts.
     *
     * @param clientProperties Kafka client settings for the live feed's consumer
     * @param today            the day rates are judged on (the latest complete twelve-month window)
     * @throws CannotListenException when the address and port cannot be bound; the message says which
     */
    public static ApiServer serve(HttpEndpoint endpoint, StreamsRunner runner, Topics topics, Map<String, Object> clientProperties,
                                  ServiceMetrics metrics, Supplier<LocalDate> today) {
        StateQueries queries = runner.queries(topics, endpoint.self());
        metrics.watch(runner, queries, today);
        FlagFeed feed = new FlagFeed(clientProperties, topics.flaggedCases());
        ApiServer server = new ApiServer(endpoint, queries, metrics, feed, today);
        try {
            server.app.start();
        } catch (JavalinBindException e) {
            server.close();
            throw new CannotListenException("cannot listen on " + endpoint.address() + ":" + endpoint.port() + " ("
                    + rootMessage(e) + "); choose another port with --http-port or raidwatch.http.port (0 turns the HTTP server off)", e);
        }
        return server;
    }

    /** The port listened on (the chosen one, or the one the system gave for port 0 in tests). */
    public int port() {
        return app.port();
    }

    private void ready(Context ctx) {
        KafkaStreams.State state = queries.state();
        boolean ready = state == KafkaStreams.State.RUNNING;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", ready);
        body.put("state", state.name());
        json(ctx, ready ? 200 : 503, body);
    }

    private void rates(Context ctx) throws IOException, InterruptedException {
        String force = QueryParameters.force(ctx.queryParam("force"));
        String window = QueryParameters.window(ctx.queryParam("window"));
        LocalDate asOf = today.get();
        String latest = StateQueries.latestCompleteWindow(asOf);
        String wanted = "latest".equals(window) ? latest : window;
        List<Map<String, Object>> found = new ArrayList<>();
        if (isForwarded(ctx)) {
            queries.localRates(force).forEach(r -> found.add(OutputJson.rates(r)));
        } else if (force != null) {
            StateQueries.Owner owner = queries.ratesOwner(force);
            if (owner instanceof StateQueries.Owner.Elsewhere elsewhere) {
                forward(ctx, elsewhere.host());
                return;
            }
            if (owner instanceof StateQueries.Owner.Unknown) {
                unavailable(ctx, "the instance holding " + force + "'s rates is not known right now (" + queries.state() + ")");
                return;
            }
            queries.localRates(force).forEach(r -> found.add(OutputJson.rates(r)));
        } else {
            queries.localRates(null).forEach(r -> found.add(OutputJson.rates(r)));
            for (HostInfo other : queries.otherRatesHolders()) {
                Fetched share = fetch(other, ctx);
                if (share.status() != 200) {
                    json(ctx, share.status() == 503 ? 503 : 502, error("instance " + other + " could not give its forces' rates: "
                            + share.body()));
                    return;
                }
                found.addAll(OutputJson.MAPPER.readValue(share.body(), RatesAnswer.class).rates());
            }
        }
        List<Map<String, Object>> rates = found.stream()
                .filter(r -> wanted == null || r.get("window").equals(wanted))
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
        StateQueries.Page<org.raidwatch.schema.CaseFlag> page = queries.flags(query::matches, query.limit());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", page.total());
        body.put("flags", page.items().stream().map(OutputJson::flag).toList());
        json(ctx, 200, body);
    }

    private void caseOf(Context ctx) throws IOException, InterruptedException {
        String raidId = QueryParameters.raidId(ctx.pathParam("raidId"));
        StateQueries.Owner owner = queries.caseOwner(raidId);
        if (owner instanceof StateQueries.Owner.Elsewhere elsewhere && !isForwarded(ctx)) {
            forward(ctx, elsewhere.host());
            return;
        }
        if (!(owner instanceof StateQueries.Owner.Here)) {
            unavailable(ctx, "the instance holding raid " + raidId + " is not known right now (" + queries.state() + ")");
            return;
        }
        CaseState state = queries.localCase(raidId);
        if (state == null) {
            json(ctx, 404, error("no raid " + raidId + " is known: no raid report or FOI update for it has been processed"));
            return;
        }
        json(ctx, 200, OutputJson.caseOf(state));
    }

    /** Another instance's answer to a rates request. */
    private record RatesAnswer(String asOf, String latestWindow, List<Map<String, Object>> rates) {
    }

    private static boolean isForwarded(Context ctx) {
        return ctx.header(LOCAL_ONLY_HEADER) != null;
    }

    private record Fetched(int status, String body) {
    }

    private void forward(Context ctx, HostInfo host) throws IOException, InterruptedException {
        Fetched answer = fetch(host, ctx);
        ctx.status(answer.status()).contentType(JSON).result(answer.body());
    }

    /** The same request, answered from another instance's local state. */
    private Fetched fetch(HostInfo host, Context ctx) throws InterruptedException {
        String query = ctx.queryString();
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + ctx.path() + (query == null ? "" : "?" + query));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(FORWARD_TIMEOUT).header(LOCAL_ONLY_HEADER, "true").GET().build();
        try {
            HttpResponse<String> response = forwarder.send(request, HttpResponse.BodyHandlers.ofString());
            return new Fetched(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Fetched(502, OutputJson.write(error("instance " + host + " did not answer: " + rootMessage(e))));
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
        try {
            feed.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
