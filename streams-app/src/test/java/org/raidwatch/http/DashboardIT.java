package org.raidwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.raidwatch.clients.InputLoader;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.deployment.HttpEndpoint;
import org.raidwatch.it.AppInstance;
import org.raidwatch.it.Browsers;
import org.raidwatch.it.Await;
import org.raidwatch.it.Cluster;
import org.raidwatch.it.Expected;
import org.raidwatch.it.Http;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.serde.InMemorySchemaRegistry;

/**
 * The dashboard in a real browser (Debian's headless Chromium through chromedriver) against a running
 * instance: its headline agrees with the API, and a flag caused by a new FOI answer appears in its
 * live feed without a reload. Leaves a screenshot in {@code target/dashboard.png}.
 */
class DashboardIT {

    private static final String SCOPE = "dashboard-it";

    @TempDir
    Path dir;

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void the_dashboard_shows_the_national_rates_and_a_new_flag_arrives_in_its_live_feed() throws Exception {
        RuleSet rules = RuleSet.loadShipped();
        // A national dataset plus a new claimed raid in Kent with no FOI answer yet
        RaidReport report = RaidReport.newBuilder().setRaidId("R-BROWSER-1").setRevision(0).setForce("Kent Police")
                .setRaidDate(LocalDate.of(2021, 3, 4)).setReportedAt(null).setSourceUrl("https://news.example/R-BROWSER-1")
                .setTraffickingClaimed(true).setModernSlaveryClaimed(false).setClaimedVictims(6).setClaimedArrests(3).build();
        List<DemoDataset.Event> events = new java.util.ArrayList<>(DemoDataset.generate(12, 300));
        events.add(new DemoDataset.Event(java.time.Instant.parse("2021-03-05T08:00:00Z"), report, null));
        Expected expected = Expected.of(events, rules, AppInstance.AS_OF);
        String registry = "mock://" + SCOPE;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, registry, 2);
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), registry, dir.resolve("state"), rules,
                    HttpEndpoint.anyFreePort("127.0.0.1"))) {
                int port = app.httpPort();
                Http http = new Http(port);
                // Given an instance that has processed them
                cluster.send(events);
                Await.until(Duration.ofMinutes(2), "the flags and rates of the dataset",
                        () -> expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> expected.mismatches(cluster.latestFlags(), cluster.latestRates()) + "; " + cluster.offsets());

                WebDriver browser = chromium();
                try {
                    // When the dashboard is opened
                    browser.get("http://127.0.0.1:" + port + "/");

                    // Then its national headline shows the rates and counts the API gives
                    JsonNode national = http.get("/api/rates?force=ALL&window=all").json().get("rates").get(0);
                    Await.until(Duration.ofSeconds(30), "the headline to show the national no-referral rate",
                            () -> !browser.findElement(By.id("headline-no-referral")).getAttribute("data-rate").isEmpty(),
                            () -> browser.findElement(By.id("headline-no-referral")).getText());
                    assertHeadline(browser, "headline-no-referral", national.get("noReferralRate").asDouble(),
                            national.get("noReferral").asInt(), national.get("referralKnown").asInt());
                    assertHeadline(browser, "headline-no-victims", national.get("noVictimsRate").asDouble(),
                            national.get("noVictims").asInt(), national.get("victimsKnown").asInt());
                    assertHeadline(browser, "headline-foi-answered", national.get("foiResponseRate").asDouble(),
                            national.get("foiAnswered").asInt(), national.get("foiRequested").asInt());
                    assertThat(browser.findElement(By.id("headline-claimed")).getText().replace(",", ""))
                            .contains(String.valueOf(national.get("claimedRaids").asInt()));
                    assertThat(browser.findElements(By.cssSelector("#force-table tr[data-force]"))).hasSizeGreaterThan(10);

                    // And every rate shows its 95% interval, the one the API gives
                    WebElement noReferral = browser.findElement(By.id("headline-no-referral"));
                    assertThat(Double.parseDouble(noReferral.getAttribute("data-low"))).isEqualTo(national.get("noReferralRateLow").asDouble());
                    assertThat(Double.parseDouble(noReferral.getAttribute("data-high"))).isEqualTo(national.get("noReferralRateHigh").asDouble());
                    assertThat(browser.findElement(By.id("headline-no-referral-counts")).getText()).contains("95% interval");
                    // And a force's rate resting on fewer than 10 raids is greyed and says why
                    List<WebElement> lowBase = browser.findElements(By.cssSelector("#force-table tbody td[data-low-base='true']"));
                    assertThat(lowBase).as("low-base rates in a 300-raid dataset spread over 44 forces").isNotEmpty();
                    for (WebElement cell : lowBase) {
                        WebElement rate = cell.findElement(By.cssSelector(".rate-cell"));
                        assertThat(rate.getAttribute("class")).contains("is-low-base");
                        assertThat(rate.getAttribute("title")).startsWith("Low base: ").contains("fewer than 10");
                        assertThat(rate.getText()).contains("low base");
                    }
                    // And sorted by the no-referral rate, the low-base rates come after every other known rate, unknown ones last
                    browser.findElement(By.cssSelector("#force-table button[data-sort='noReferralRate']")).click();
                    List<String> order = browser.findElements(By.cssSelector("#force-table tbody td.col-noref")).stream()
                            .map(td -> td.getAttribute("data-rate").isEmpty() ? "unknown"
                                    : td.getAttribute("data-low-base").equals("true") ? "low base" : "known")
                            .toList();
                    assertThat(order).contains("known", "low base");
                    assertThat(String.join(",", order)).matches("(known,)*known(,low base)+(,unknown)*");
                    // And the chart draws each rate's interval as a band, behind the chosen force's lines
                    Await.until(Duration.ofSeconds(30), "the chart to be drawn", () -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) browser)
                            .executeScript("return !!Chart.getChart(document.getElementById('force-chart'))")), () -> "no chart");
                    assertThat(((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return Chart.getChart(document.getElementById("
                            + "'force-chart')).data.datasets.filter(function (d) { return d.band; }).length")).isEqualTo(6L);

                    // When the force answers the new raid's FOI request: nobody identified, nobody referred
                    FoiUpdate answer = FoiUpdate.newBuilder().setFoiId("FOI-R-BROWSER-1").setRaidId("R-BROWSER-1").setForce("Kent Police")
                            .setRequestedOn(LocalDate.of(2021, 4, 1)).setStatus(FoiStatus.RESPONDED).setRespondedOn(LocalDate.of(2021, 4, 20))
                            .setVictimsIdentified(0).setNrmReferrals(0).setNrmDeclined(0).setArrests(3).setTraffickingCharges(0)
                            .setRevision(0).build();
                    // And another claimed raid whose press link and FOI reference carry markup and script, as hostile data could
                    RaidReport hostile = RaidReport.newBuilder(report).setRaidId("R-BROWSER-2")
                            .setSourceUrl("javascript:window.hostileRan=1").build();
                    FoiUpdate hostileAnswer = FoiUpdate.newBuilder(answer).setRaidId("R-BROWSER-2")
                            .setFoiId("<img src=x onerror=\"window.hostileRan=2\">").build();
                    try (InputLoader loader = new InputLoader(cluster.client, cluster.topics)) {
                        loader.send(answer).get();
                        loader.send(hostile).get();
                        loader.send(hostileAnswer).get();
                    }

                    // Then the flag it raises appears in the live feed, without a reload
                    By newFlag = By.cssSelector("#flag-feed li[data-raid-id='R-BROWSER-1'][data-rule-id='claimed-no-referral']");
                    Await.until(Duration.ofSeconds(60), "the new claimed-no-referral flag in the live feed",
                            () -> !browser.findElements(newFlag).isEmpty(),
                            () -> "feed: " + browser.findElement(By.id("flag-feed")).getText().lines().limit(6).toList()
                                    + "; API: " + http.get("/api/flags?rule=claimed-no-referral&force=Kent&limit=3").body());
                    WebElement item = browser.findElement(newFlag);
                    assertThat(item.getText()).contains("HIGH").contains("Kent");
                    assertThat(item.findElement(By.cssSelector("a")).getAttribute("href")).isEqualTo("https://news.example/R-BROWSER-1");
                    // And the hostile raid's flag shows its text as text: no element made from it, no script run, no link to it
                    By hostileFlag = By.cssSelector("#flag-feed li[data-raid-id='R-BROWSER-2'][data-rule-id='claimed-no-referral']");
                    Await.until(Duration.ofSeconds(60), "the hostile raid's flag in the live feed", () -> !browser.findElements(hostileFlag).isEmpty(),
                            () -> "feed: " + browser.findElement(By.id("flag-feed")).getText().lines().limit(6).toList());
                    assertThat(browser.findElement(hostileFlag).getText()).contains("<img src=x onerror=");
                    assertThat(browser.findElements(By.cssSelector("#flag-feed img"))).isEmpty();
                    assertThat(browser.findElement(hostileFlag).findElements(By.cssSelector("a"))).isEmpty();
                    assertThat(((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return window.hostileRan")).isNull();

                    Path shot = Path.of("target", "dashboard.png");
                    Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
                    System.out.println("dashboard screenshot: " + shot.toAbsolutePath());
                } finally {
                    browser.quit();
                }
            }
        }
    }

    private static void assertHeadline(WebDriver browser, String id, double rate, int count, int of) {
        WebElement headline = browser.findElement(By.id(id));
        assertThat(Double.parseDouble(headline.getAttribute("data-rate"))).as(id).isCloseTo(rate, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(headline.getAttribute("data-count")).as(id).isEqualTo(String.valueOf(count));
        assertThat(headline.getAttribute("data-of")).as(id).isEqualTo(String.valueOf(of));
        assertThat(headline.getText()).as(id).isEqualTo(Math.round(rate * 100) + "%");
    }

    private WebDriver chromium() {
        return Browsers.headlessChromium(dir.resolve("chromium-profile"), "1366,900");
    }
}
