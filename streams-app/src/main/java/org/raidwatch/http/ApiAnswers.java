package org.raidwatch.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import org.raidwatch.contract.LogText;
import org.raidwatch.json.OutputJson;
import org.raidwatch.serving.StateQueries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the API answers: JSON bodies, errors as {@code {"error": "..."}}, and what each failure maps
 * to: a bad request 400, state that cannot be read now 503 with {@code Retry-After}, anything
 * unexpected 500, whose answer holds a reference to the logged failure and none of its text; a request
 * the {@link RequestGuard} refused its own status (421, 429, 503).
 */
final class ApiAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(ApiAnswers.class);
    static final String JSON = "application/json";

    private ApiAnswers() {
    }

    /** The exception mapping of every route. */
    static void mapErrors(RoutesConfig routes) {
        routes.exception(QueryParameters.BadRequest.class, (e, ctx) -> json(ctx, 400, error(e.getMessage())));
        routes.exception(RequestGuard.Refused.class, (e, ctx) -> {
            if (e.retryAfter() != null) {
                ctx.header("Retry-After", e.retryAfter());
            }
            json(ctx, e.status(), error(e.getMessage()));
        });
        routes.exception(StateQueries.NotQueryableNow.class, (e, ctx) -> unavailable(ctx, e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> {
            String request;
            try {
                request = ctx.method() + " " + ctx.path();
            } catch (RuntimeException recycled) {
                return; // the client is gone (a closed live feed): nobody to answer
            }
            // The answer names the failure by a reference only: an exception's text can tell a caller about the
            // inside (paths, hosts, settings); the log, which the reference finds, has all of it.
            String reference = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
            LOG.warn("HTTP {} failed (reference {}): {}", LogText.of(request), reference, LogText.of(e.toString()), e);
            json(ctx, 500, error("internal error (reference " + reference + " in the server's log)"));
        });
    }

    static void unavailable(Context ctx, String message) {
        ctx.header("Retry-After", "1");
        json(ctx, 503, error(message + "; try again shortly"));
    }

    static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType(JSON).result(OutputJson.write(body));
    }
}
