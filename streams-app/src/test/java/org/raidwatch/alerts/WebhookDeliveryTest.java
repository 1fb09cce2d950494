package org.raidwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
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
