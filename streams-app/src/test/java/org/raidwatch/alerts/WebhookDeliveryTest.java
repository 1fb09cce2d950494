package org.raidwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;

/** What a chat channel shows for a flag change, and that a webhook's secret never reaches the console. */
class WebhookDeliveryTest {

    @Test
    void the_text_is_one_line_about_the_raid_with_the_article_after_a_full_stop() {
        CaseFlag flag = flag("Press reported trafficking;\nthe force's FOI answer shows 0 referred to the NRM", "https://news.example/r2");

        assertThat(WebhookDelivery.text(flag)).isEqualTo("HIGH RAISED claimed-no-referral, raid R2 (Kent Police, 2021-03-02): "
                + "Press reported trafficking; the force's FOI answer shows 0 referred to the NRM. Source: https://news.example/r2");
    }

    @Test
    void a_flag_without_an_article_ends_with_its_explanation() {
        assertThat(WebhookDelivery.text(flag("No longer holds.", null)))
                .isEqualTo("HIGH RAISED claimed-no-referral, raid R2 (Kent Police, 2021-03-02): No longer holds.");
    }

    @Test
    void only_http_and_https_urls_with_a_host_are_accepted() {
        assertThat(WebhookDelivery.checkedUrl(" https://hooks.example.org/services/T0/B0/secret ")).hasHost("hooks.example.org");
        assertThatThrownBy(() -> WebhookDelivery.checkedUrl("ftp://hooks.example.org/x")).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> WebhookDelivery.checkedUrl("hooks.example.org/x")).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> WebhookDelivery.checkedUrl("https://hooks example")).hasMessageContaining("is not a URL");
    }

    @Test
    void a_refused_url_is_never_repeated_in_the_message() {
        assertThatThrownBy(() -> WebhookDelivery.checkedUrl("https://hooks.example.org/T0/s3cret secret"))
                .hasMessageContaining("is not a URL").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> WebhookDelivery.checkedUrl("ftp://hooks.example.org/T0/s3cret"))
                .hasMessageContaining("scheme 'ftp'").hasMessageNotContaining("s3cret");
    }

    @Test
    void nothing_from_the_inputs_becomes_chat_markup() {
        // Given a raid id and explanation carrying Slack and Markdown markup, and an article "URL" that is a Slack link
        CaseFlag flag = flag("See [the official report](https://evil.example) @all & <!here>", "<https://evil.example|BBC>");
        flag.setRaidId("R2 <!channel>");

        // When the chat line is made
        String text = WebhookDelivery.text(flag);

        // Then the markup reads as text: no control sequence, mention or link survives, and the bad "URL" is left out
        assertThat(text).isEqualTo("HIGH RAISED claimed-no-referral, raid R2 &lt;!channel&gt; (Kent Police, 2021-03-02): "
                + "See [the official report]\u200B(https://evil.example) @\u200Ball &amp; &lt;!here&gt;");
        assertThat(WebhookDelivery.text(flag("Claimed.", "https://news.example/a?b=1&c=2")))
                .endsWith("Claimed. Source: https://news.example/a?b=1&amp;c=2");
        assertThat(WebhookDelivery.text(flag("Claimed.", "https://medium.example/@kentpolice/raid")))
                .endsWith("Claimed. Source: https://medium.example/@kentpolice/raid");
        assertThat(WebhookDelivery.text(flag("Claimed\u001b[2J", null))).endsWith("Claimed\\u001b[2J");
    }

    @Test
    void an_answer_whose_body_never_ends_is_a_failed_attempt_within_twice_the_timeout() throws Exception {
        // Given an endpoint that answers 200 and then sends its body a byte at a time, never finishing
        CountDownLatch stop = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                while (!stop.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    body.write(' ');
                    body.flush();
                }
            } catch (InterruptedException | java.io.IOException gone) {
                // the client gave up
            }
        });
        server.start();
        try {
            WebhookDelivery delivery = new WebhookDelivery(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"),
                    Duration.ofMillis(500));

            // When a flag change is posted to it
            long start = System.nanoTime();
            FlagSubscription.Attempt attempt = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> delivery.handle(flag("Claimed.", null)));

            // Then the attempt fails within twice the timeout (with room for a busy machine), saying why
            assertThat(attempt.done()).isFalse();
            assertThat(attempt.failure()).isEqualTo("no whole answer from http://127.0.0.1:" + server.getAddress().getPort() + "/… within 1 s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            stop.countDown();
            server.stop(0);
        }
    }

    @Test
    void the_console_sees_the_scheme_and_host_but_never_the_secret_path() {
        assertThat(WebhookDelivery.redacted(URI.create("https://hooks.example.org/services/T0/B0/secret?token=x")))
                .isEqualTo("https://hooks.example.org/…");
        assertThat(WebhookDelivery.redacted(URI.create("http://127.0.0.1:8080"))).isEqualTo("http://127.0.0.1:8080");
    }

    private static CaseFlag flag(String explanation, String sourceUrl) {
        return CaseFlag.newBuilder().setRaidId("R2").setRuleId("claimed-no-referral").setStatus(FlagStatus.RAISED)
                .setSeverity(Severity.HIGH).setForce("Kent Police").setRaidDate(LocalDate.of(2021, 3, 2)).setExplanation(explanation)
                .setEvidence(Map.of()).setSourceUrl(sourceUrl).setFoiReference(null).setRuleSetVersion("v1")
                .setChangedAt(Instant.parse("2021-04-01T09:00:00Z")).build();
    }
}
