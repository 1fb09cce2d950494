package org.raidwatch.alerts;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.raidwatch.json.OutputJson;
import org.raidwatch.schema.CaseFlag;

/**
 * Posts flag changes to an HTTP endpoint, one JSON object per change: {@code text}, one human line
 * about the raid, the rule and what changed (what Slack- and Mattermost-style chat webhooks show),
 * and {@code flag}, the change itself as {@link OutputJson#flag}. A change counts as delivered only
 * when the endpoint answers 2xx; any other answer, or none within the timeout, is a failed attempt
 * for {@link FlagSubscription} to retry.
 */
public final class WebhookDelivery implements FlagSubscription.Handler {

    private static final int EXCERPT_LENGTH = 200;

    private final URI url;
    private final Duration timeout;
    private final HttpClient client;

    /** @param timeout how long connecting, and then the answer, may take */
    public WebhookDelivery(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                // One POST at a time needs no HTTP/2; and on http:// it would try an h2c upgrade some receivers mishandle.
                .version(HttpClient.Version.HTTP_1_1)
                // A redirect of a POST is ambiguous (some clients turn it into a GET): report it as an answer that is not 2xx.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * The endpoint as given on the command line, checked: an absolute http:// or https:// URL with a host.
     *
     * @throws IllegalArgumentException with a message for the user when it is not
     */
    public static URI checkedUrl(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected an http:// or https:// URL with a host, e.g. https://hooks.example.org/raidwatch, got: "
                    + text);
        }
        return uri;
    }

    /**
     * The endpoint without its path and query, for the console and logs: chat webhooks carry their
     * secret in the path.
     */
    public static String redacted(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/") ? "" : "/…");
    }

    @Override
    public FlagSubscription.Attempt handle(CaseFlag flag) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "raidwatch-alerts")
                .POST(HttpRequest.BodyPublishers.ofString(body(flag), StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String excerpt;
            try (InputStream body = response.body()) {
                // Only the start of the answer matters (for the log); a huge error page is not read.
                excerpt = new String(body.readNBytes(EXCERPT_LENGTH * 4), StandardCharsets.UTF_8);
            }
            if (response.statusCode() / 100 == 2) {
                return FlagSubscription.Attempt.ok();
            }
            return FlagSubscription.Attempt.failed("HTTP " + response.statusCode() + " from " + redacted(url) + excerpt(excerpt));
        } catch (HttpTimeoutException e) {
            return FlagSubscription.Attempt.failed("no answer from " + redacted(url) + " within " + FlagSubscription.words(timeout));
        } catch (IOException e) {
            return FlagSubscription.Attempt.failed("no answer from " + redacted(url) + ": " + reason(e));
        }
    }

    /** The exception's kind and the first message along its causes: the client's own ConnectException often has none. */
    private static String reason(IOException error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return error.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return error.getClass().getSimpleName();
    }

    /** The JSON body POSTed for a flag change: {@code {"text": ..., "flag": {...}}}. */
    public static String body(CaseFlag flag) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("text", text(flag));
        json.put("flag", OutputJson.flag(flag));
        return OutputJson.write(json);
    }

    /**
     * One line for a person: severity, status, rule, raid, force, the explanation and the article, e.g.
     * {@code HIGH RAISED claimed-no-referral, raid R2 (Kent Police, 2021-03-02): Trafficking claimed, ... Source: https://...}.
     */
    public static String text(CaseFlag flag) {
        String explanation = flag.getExplanation().replaceAll("\\s+", " ").trim();
        if (flag.getSourceUrl() != null) {
            // Explanations rarely end in a full stop; one keeps the link from reading as part of the last sentence.
            explanation += (explanation.matches(".*[.!?]$") ? "" : ".") + " Source: " + flag.getSourceUrl();
        }
        return flag.getSeverity() + " " + flag.getStatus() + " " + flag.getRuleId() + ", raid " + flag.getRaidId()
                + " (" + flag.getForce() + ", " + flag.getRaidDate() + "): " + explanation;
    }

    private static String excerpt(String body) {
        String text = body.replaceAll("\\s+", " ").trim();
        if (text.isEmpty()) {
            return "";
        }
        return ": " + (text.length() > EXCERPT_LENGTH ? text.substring(0, EXCERPT_LENGTH) + "…" : text);
    }
}
