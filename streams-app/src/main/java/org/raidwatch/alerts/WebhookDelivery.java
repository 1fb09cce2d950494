package org.raidwatch.alerts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.raidwatch.contract.LogText;
import org.raidwatch.json.OutputJson;
import org.raidwatch.schema.CaseFlag;

/**
 * Posts flag changes to an HTTP endpoint, one JSON object per change: {@code text}, one human line
 * about the raid, the rule and what changed (what Slack- and Mattermost-style chat webhooks show),
 * and {@code flag}, the change itself as {@link OutputJson#flag}. A change counts as delivered only
 * when the endpoint answers 2xx; any other answer, or none within the timeout, is a failed attempt
 * for {@link FlagSubscription} to retry. The whole exchange, the answer's body included, is bounded
 * in time (twice the timeout: connecting, then the answer), and of the body only its start is read.
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
     * The endpoint as given, checked: an absolute http:// or https:// URL with a host. The message
     * never repeats the URL, which often carries the webhook's secret.
     *
     * @throws IllegalArgumentException with a message for the user when it is not
     */
    public static URI checkedUrl(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the webhook URL is not a URL: " + e.getReason() + " at character " + (e.getIndex() + 1));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected an http:// or https:// URL with a host, e.g. https://hooks.example.org/raidwatch; got "
                    + (uri.getScheme() == null ? "no scheme" : "scheme '" + LogText.of(uri.getScheme()) + "'")
                    + (uri.getHost() == null ? " and no host" : ""));
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
        // Only the start of the answer matters (for the log): a huge error page is not read, nor one that never ends.
        CompletableFuture<HttpResponse<String>> exchange = client.sendAsync(request, answer -> new Excerpt(EXCERPT_LENGTH * 4));
        HttpResponse<String> response;
        try {
            response = exchange.get(2 * timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return FlagSubscription.Attempt.failed("no whole answer from " + redacted(url) + " within " + FlagSubscription.words(timeout.multipliedBy(2)));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return FlagSubscription.Attempt.failed("no answer from " + redacted(url) + " within " + FlagSubscription.words(timeout));
            }
            if (cause instanceof IOException io) {
                return FlagSubscription.Attempt.failed("no answer from " + redacted(url) + ": " + reason(io));
            }
            throw new IllegalStateException("posting to " + redacted(url) + " failed", cause);
        }
        if (response.statusCode() / 100 == 2) {
            return FlagSubscription.Attempt.ok();
        }
        return FlagSubscription.Attempt.failed("HTTP " + response.statusCode() + " from " + redacted(url) + excerpt(response.body()));
    }

    /** An answer's body, up to a number of bytes: the rest is not waited for (the exchange is cancelled once it has enough). */
    private static final class Excerpt implements HttpResponse.BodySubscriber<String> {

        private final CompletableFuture<String> text = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int limit;
        private Flow.Subscription subscription;

        Excerpt(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<String> getBody() {
            return text;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), limit - bytes.size());
                byte[] chunk = new byte[take];
                buffer.get(chunk);
                bytes.write(chunk, 0, take);
            }
            if (bytes.size() >= limit) {
                subscription.cancel();
                onComplete();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            // The start of a body that broke off still says what the endpoint meant.
            onComplete();
        }

        @Override
        public void onComplete() {
            text.complete(bytes.toString(StandardCharsets.UTF_8));
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
     * Every value is {@linkplain #chatText escaped}, and the article is given only when it is an
     * http:// or https:// URL, so nothing a press release or FOI answer holds can become chat markup.
     */
    public static String text(CaseFlag flag) {
        String explanation = chatText(flag.getExplanation().replaceAll("\\s+", " ").trim());
        String source = flag.getSourceUrl() == null ? null : articleLink(flag.getSourceUrl());
        if (source != null) {
            // Explanations rarely end in a full stop; one keeps the link from reading as part of the last sentence.
            explanation += (explanation.matches(".*[.!?]$") ? "" : ".") + " Source: " + source;
        }
        return flag.getSeverity() + " " + flag.getStatus() + " " + chatText(flag.getRuleId()) + ", raid " + chatText(flag.getRaidId())
                + " (" + chatText(flag.getForce()) + ", " + flag.getRaidDate() + "): " + explanation;
    }

    private static final Pattern MENTION = Pattern.compile("@(?=\\w)");
    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\](?=\\()");

    /**
     * A value as chat webhooks show it literally: control characters encoded ({@link LogText#whole}),
     * {@code & < >} as entities (Slack's control sequences, {@code <!channel>} or {@code <url|label>},
     * need them), a zero-width space after each {@code @} that starts a word ({@code @channel},
     * {@code @all}) and between {@code ](} (a Markdown link, {@code [label](url)}), so neither mentions
     * anyone nor links anywhere; what a reader sees is otherwise unchanged.
     */
    public static String chatText(String value) {
        String text = LogText.whole(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        text = MENTION.matcher(text).replaceAll("@\u200B");
        return MARKDOWN_LINK.matcher(text).replaceAll("]\u200B");
    }

    /** The article's URL as a link, when it is an absolute http:// or https:// URL (which holds no spaces, brackets or markup); else null. */
    private static String articleLink(String sourceUrl) {
        try {
            URI uri = new URI(sourceUrl);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            // A URL holds no spaces, brackets or control characters; only '&' needs escaping, and '@' stays (https://host/@name).
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri.toASCIIString().replace("&", "&amp;") : null;
        } catch (URISyntaxException notAUrl) {
            return null;
        }
    }

    private static String excerpt(String body) {
        String text = body.replaceAll("\\s+", " ").trim();
        if (text.isEmpty()) {
            return "";
        }
        return ": " + (text.length() > EXCERPT_LENGTH ? text.substring(0, EXCERPT_LENGTH) + "…" : text);
    }
}
