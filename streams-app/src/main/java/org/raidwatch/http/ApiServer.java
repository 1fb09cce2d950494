package org.raidwatch.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseHandler;
import io.javalin.http.staticfiles.Location;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.raidwatch.contract.Forces;
import org.raidwatch.contract.LogText;
import org.raidwatch.deployment.HttpEndpoint;
import org.raidwatch.deployment.HttpLimits;
import org.raidwatch.json.OutputJson;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.schema.CaseState;
import org.raidwatch.serving.ServiceMetrics;
import org.raidwatch.serving.StateQueries;
import org.raidwatch.topology.FlagStoreChanges;
import org.raidwatch.topology.RateBase;
import org.raidwatch.topology.RateVocabulary;
import org.raidwatch.topology.Topics;

/**
 * raidwatch's HTTP server, read-only: the dashboard at {@code /}, the query API under {@code /api}
 * (rates, flags, a case, the forces, the rates' vocabulary, the live feed of flag changes), {@code /health}, {@code /ready}
 * and {@code /metrics}. A request for a force's rates or a case that another instance holds is
 * forwarded to that instance (its {@code application.server}); a request for every force's rates
 * gathers each instance's share. The JSON shapes are {@link OutputJson}'s and the README's.
 *
 * <p>It listens first ({@link #start}), before the stream exists, so a port that is taken fails at
 * once and {@code /health} answers during start-up; {@link #attach} then gives it the stream.
 */
public final class ApiServer implements AutoCloseable {

    /** Marks a request one instance forwards to another: answer from local state only, never forward again. */
    static final String LOCAL_ONLY_HEADER = InstanceForwarding.LOCAL_ONLY_HEADER;

    /** The endpoint could not listen (the port is taken, the address is not this machine's). */
    public static final class CannotListenException extends RuntimeException {
        CannotListenException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The rates' vocabulary as {@code /api/vocabulary} answers it: the dashboard builds its table and chart from it. */
    private final Map<String, Object> vocabulary;

    private final ServiceMetrics metrics;
    private final Supplier<LocalDate> today;
    private final RateBase rateBase;
    private final InstanceForwarding forwarding = new InstanceForwarding();
    private final RatesGathering gathering = new RatesGathering(forwarding);
    private final Javalin app;
    private final HttpEndpoint endpoint;
    private final HttpLimits limits;
    private final RequestGuard guard;
    /** The flags page renderer: one object for the server's life, as the listing remembers renderings by renderer. */
    private final Function<StateQueries.Page<org.raidwatch.schema.CaseFlag>, PreparedAnswer> flagsJson;
    private volatile StreamsRunner runner;
    private volatile StateQueries queries;
    private volatile FlagFeed feed;

    private ApiServer(HttpEndpoint requested, HttpLimits limits, RateBase rateBase, ServiceMetrics metrics, Supplier<LocalDate> today) {
        this.metrics = metrics;
        this.rateBase = rateBase;
        this.vocabulary = vocabulary(rateBase);
        this.today = today;
        this.limits = limits;
        this.guard = new RequestGuard(requested, limits);
        this.flagsJson = this::renderFlags;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = requested.address();
            config.jetty.port = requested.port() == HttpEndpoint.ANY_FREE_PORT ? 0 : requested.port();
            config.staticFiles.add("/web", Location.CLASSPATH);
            config.staticFiles.enableWebjars();
            config.routes.before(ctx -> {
                try {
                    guard.check(ctx);
                } catch (RequestGuard.Refused refused) {
                    metrics.httpRefused(refused.status() == 421 ? "host" : "rate");
                    throw refused;
                }
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
                        + " object-src 'none'; frame-ancestors 'none'; base-uri 'none'");
            });
            config.routes.get("/health", ctx -> ApiAnswers.json(ctx, 200, Map.of("status", "UP")));
            config.routes.get("/ready", this::ready);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            config.routes.get("/api/forces", ctx -> ApiAnswers.json(ctx, 200, Map.of("forces", Forces.CANONICAL_NAMES)));
            config.routes.get("/api/rates", this::rates);
            config.routes.get("/api/vocabulary", ctx -> ApiAnswers.json(ctx, 200, vocabulary));
            config.routes.get("/api/flags", this::flags);
            config.routes.get("/api/cases/{raidId}", this::caseOf);
            config.routes.get("/api/feed", this::feed);
            for (String unknown : List.of("/api", "/api/", "/api/<rest>")) {
                config.routes.get(unknown, ctx -> ApiAnswers.json(ctx, 404, ApiAnswers.error("no such API path: " + ctx.path()
                        + "; the API has /api/rates, /api/flags, /api/cases/{raidId}, /api/forces, /api/vocabulary and /api/feed")));
            }
            ApiAnswers.mapErrors(config.routes);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            app.stop();
            throw new CannotListenException("cannot listen on " + requested.address() + ":" + requested.port() + " ("
                    + LogText.rootMessage(e) + "); choose another port with --http-port or raidwatch.http.port (0 turns the HTTP server off),"
                    + " or another address with --http-address or raidwatch.http.address", e);
        }
        this.endpoint = requested.bound(app.port());
    }

    /**
     * Listens on the endpoint. Until {@link #attach} only {@code /health}, {@code /metrics}, the
     * dashboard's files, {@code /api/forces} and {@code /api/vocabulary} answer; the rest answer 503.
     *
     * @param limits   what it accepts against abuse (host names, requests per client, live-feed connections)
     * @param rateBase when a rate is low base (the intervals beside every rate it answers)
     * @param today  the day rates are judged on (the latest complete twelve-month window)
     * @throws CannotListenException when the address and port cannot be bound; the message says which
     */
    public static ApiServer start(HttpEndpoint endpoint, HttpLimits limits, RateBase rateBase, ServiceMetrics metrics,
                                  Supplier<LocalDate> today) {
        return new ApiServer(endpoint, limits, rateBase, metrics, today);
    }

    /** Answers requests naming this host too: the host of the instance's {@code application.server}, which the others forward to. */
    public void answerFor(String host) {
        guard.answerFor(host);
    }

    /** Where it listens: the endpoint asked for, with the port it got (set {@code application.server} from it). */
    public HttpEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Serves a raidwatch instance: its state through interactive queries (before or after it starts),
     * its metrics, and a live feed of the flagged-cases topic.
     *
     * @param flagChanges      the changes the stream's flags store takes, which keep its flags listing up
     * @param clientProperties Kafka client settings for the live feed's consumer
     */
    public void attach(StreamsRunner runner, Topics topics, FlagStoreChanges flagChanges, Map<String, Object> clientProperties) {
        StateQueries attached = StateQueries.of(runner, topics, flagChanges);
        metrics.watch(runner, attached, today);
        FlagFeed made = new FlagFeed(clientProperties, topics.flaggedCases(), limits);
        metrics.watchFeed(made::connections);
        this.feed = made;
        this.queries = attached;
        this.runner = runner;
    }

    private static Map<String, Object> vocabulary(RateBase rateBase) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("national", RateVocabulary.NATIONAL);
        body.put("allTime", RateVocabulary.ALL_TIME);
        body.put("latest", RateVocabulary.LATEST);
        body.put("rollingMonths", RateVocabulary.ROLLING_MONTHS);
        body.put("counters", RateVocabulary.COUNTERS);
        body.put("rates", RateVocabulary.RATES.stream().map(rate -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", rate.name());
            json.put("counted", rate.counted());
            json.put("outOf", rate.outOf());
            return json;
        }).toList());
        body.put("interval", RateBase.METHOD);
        body.put("lowBaseBelow", rateBase.lowBaseBelow());
        return body;
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
        ApiAnswers.json(ctx, ready ? 200 : 503, body);
    }

    /**
     * The live feed: a stream of server-sent events, once the feed admits one more connection from
     * this client address; beyond its bounds, 503 before the stream starts (whose status is 200 at once).
     */
    private void feed(Context ctx) throws Exception {
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            ApiAnswers.json(ctx, 406, ApiAnswers.error("the live feed is a stream of server-sent events: ask with Accept: text/event-stream"));
            return;
        }
        FlagFeed current = feed;
        if (current == null) {
            throw new RequestGuard.Refused(503, "raidwatch is starting; try again shortly", "5");
        }
        String client = ctx.ip();
        String refused = current.admit(client);
        if (refused != null) {
            metrics.httpRefused("feed");
            throw new RequestGuard.Refused(503, refused + "; try again later", "30");
        }
        try {
            new SseHandler(sse -> current.connect(sse, client)).handle(ctx);
        } catch (Exception | Error e) {
            current.release(client);
            throw e;
        }
    }

    private void rates(Context ctx) throws InterruptedException {
        StateQueries state = queries();
        String force = QueryParameters.force(ctx.queryParam("force"));
        String window = QueryParameters.window(ctx.queryParam("window"));
        LocalDate asOf = today.get();
        String latest = RateVocabulary.latestCompleteWindow(asOf);
        String wanted = RateVocabulary.LATEST.equals(window) ? latest : window;
        List<Map<String, Object>> found = new ArrayList<>();
        if (force != null && !InstanceForwarding.isForwarded(ctx)) {
            StateQueries.Owner owner = state.ratesOwner(force);
            if (owner instanceof StateQueries.Owner.Elsewhere elsewhere) {
                forwarding.forward(ctx, elsewhere.host());
                return;
            }
        }
        state.localRates(force, wanted).forEach(r -> found.add(OutputJson.rates(r, rateBase)));
        if (force == null && !InstanceForwarding.isForwarded(ctx) && !gathering.addOthers(ctx, state.otherRatesHolders(), found)) {
            return;
        }
        List<Map<String, Object>> rates = found.stream()
                .sorted(Comparator.comparing((Map<String, Object> r) -> (String) r.get("force"))
                        .thenComparing(r -> (String) r.get("window")))
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("asOf", asOf.toString());
        body.put("latestWindow", latest);
        body.put("lowBaseBelow", rateBase.lowBaseBelow());
        body.put("rates", rates);
        ApiAnswers.json(ctx, 200, body);
    }

    private void flags(Context ctx) {
        QueryParameters.FlagQuery query = QueryParameters.flagQuery(ctx::queryParam);
        PreparedAnswer answer = queries().flags(query, query.limit(), flagsJson);
        ctx.status(200).contentType(ApiAnswers.JSON);
        answer.sendTo(ctx);
    }

    /**
     * A flags page as the API answers it, plain and gzipped, made once per page of a listing
     * (StateQueries remembers it): fifty dashboards asking at once cost one rendering and one
     * compression, not fifty.
     */
    private PreparedAnswer renderFlags(StateQueries.Page<org.raidwatch.schema.CaseFlag> page) {
        metrics.flagPageMade();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", page.total());
        body.put("flags", page.items().stream().map(OutputJson::flag).toList());
        return PreparedAnswer.of(OutputJson.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private void caseOf(Context ctx) throws InterruptedException {
        StateQueries state = queries();
        String raidId = QueryParameters.raidId(ctx.pathParam("raidId"));
        if (!InstanceForwarding.isForwarded(ctx) && state.caseOwner(raidId) instanceof StateQueries.Owner.Elsewhere elsewhere) {
            forwarding.forward(ctx, elsewhere.host());
            return;
        }
        CaseState found = state.localCase(raidId);
        if (found == null) {
            ApiAnswers.json(ctx, 404, ApiAnswers.error("no raid " + raidId + " is known: no raid report or FOI update for it has been processed"));
            return;
        }
        ApiAnswers.json(ctx, 200, OutputJson.caseOf(found));
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
