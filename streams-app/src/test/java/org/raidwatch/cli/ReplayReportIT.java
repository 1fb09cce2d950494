package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.raidwatch.it.Await;
import org.raidwatch.it.Browsers;
import org.raidwatch.it.RuleFolders;

/**
 * The replay's HTML report in a real browser (Debian's headless Chromium) with the network turned
 * off: it loads with no request and no console error, and every figure it shows is the replay's own
 * (force-rates.jsonl, flags.jsonl, rejected.jsonl), on the replay fixture and on a generated
 * 5,000-raid dataset. Leaves screenshots in {@code target/report-*.png}.
 */
class ReplayReportIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void the_report_of_the_fixture_shows_the_replays_figures_with_no_network() throws Exception {
        Path out = dir.resolve("fixture");
        int status = Main.execute("replay", "--raids", "src/test/resources/replay/raids.csv", "--foi", "src/test/resources/replay/foi.csv",
                "--out", out.toString(), "--report", out.resolve("report.html").toString());
        assertThat(status).isEqualTo(ExitCodes.ROWS_REJECTED);

        checkInBrowser(out, "fixture");

        // And printed, it keeps the tables and charts and drops the controls
        ChromeDriver browser = offlineBrowser();
        try {
            browser.get(out.resolve("report.html").toUri().toString());
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
            assertThat(browser.findElement(By.cssSelector("#cases .filters")).isDisplayed()).as("the cases' filters on paper").isFalse();
            assertThat(browser.findElement(By.id("force-table")).isDisplayed()).isTrue();
            assertThat(browser.findElement(By.id("chart-grid")).isDisplayed()).isTrue();
            assertThat(browser.findElements(By.cssSelector("#chart-grid canvas"))).isNotEmpty();
        } finally {
            browser.quit();
        }
    }

    @Test
    void hostile_text_in_the_rows_shows_as_text_and_runs_nothing() throws Exception {
        // Given the fixture plus a raid whose article link and FOI reference carry markup and script, as hostile data could
        Path raids = dir.resolve("raids.csv");
        Path foi = dir.resolve("foi.csv");
        Files.writeString(raids, Files.readString(Path.of("src/test/resources/replay/raids.csv"))
                + "R8,0,Kent,2021-03-01,,https://news.example/r8?q=<script>window.hostileRan=1</script>,true,,4,\n"
                + "R9,0,Kent,2021-03-02,,javascript:window.hostileRan=3,true,,4,\n");
        Files.writeString(foi, Files.readString(Path.of("src/test/resources/replay/foi.csv"))
                + "<img src=x onerror=window.hostileRan=2>,R8,Kent,2021-03-05,RESPONDED,2021-03-20,0,0,0,0,0,0\n");
        Path out = dir.resolve("hostile");
        assertThat(Main.execute("replay", "--raids", raids.toString(), "--foi", foi.toString(), "--out", out.toString(), "--report",
                out.resolve("report.html").toString())).isEqualTo(ExitCodes.ROWS_REJECTED);
        assertThat(Files.readString(out.resolve("flags.jsonl"))).as("the hostile raid was flagged").contains("<img src=x onerror");

        ChromeDriver browser = offlineBrowser();
        try {
            browser.get(out.resolve("report.html").toUri().toString());
            assertNoRequestNorError(browser);
            // Then its text shows as text: no element made from it, no script run, no link but to http(s)
            assertThat(browser.findElement(By.id("case-table")).getText()).contains("<img src=x onerror=window.hostileRan=2>");
            assertThat(browser.findElements(By.cssSelector("#case-table img, #rejected-table img, #case-table script"))).isEmpty();
            assertThat(browser.executeScript("return window.hostileRan")).isNull();
            assertThat(browser.executeScript("return Array.prototype.filter.call(document.querySelectorAll('a[href]'), function (a) {"
                    + " return !/^(https?:|#|\\.\\/)/.test(a.getAttribute('href')); }).length")).as("links but to http(s), the page or beside it")
                    .isEqualTo(0L);
        } finally {
            browser.quit();
        }
    }

    @Test
    void the_report_of_a_generated_5000_raid_dataset_shows_the_replays_figures_with_no_network() throws Exception {
        Path data = dir.resolve("dataset");
        assertThat(Main.execute("bench", "dataset", "--raids", "5000", "--out", data.toString())).isZero();
        Path out = dir.resolve("generated");
        int status = Main.execute("replay", "--raids", data.resolve("raid-reports.jsonl").toString(), "--foi",
                data.resolve("foi-updates.jsonl").toString(), "--out", out.toString(), "--report", dir.resolve("reports/replay.html").toString());
        assertThat(status).isIn(ExitCodes.OK, ExitCodes.ROWS_REJECTED);

        checkInBrowser(out, "generated");
    }

    @Test
    void the_rules_diff_report_shows_per_rule_the_cases_that_appear_disappear_and_change_with_no_network() throws Exception {
        // Given the shipped rules and a changed copy: foi-withheld removed, rescue-overstated raised to HIGH, a rule for Kent added
        Path newRules = Files.createDirectories(dir.resolve("new-rules"));
        RuleFolders.shippedWithout(newRules, "foi-withheld");
        Path overstated = newRules.resolve("rescue-overstated.drl");
        Files.writeString(overstated, Files.readString(overstated).replace("@severity(MEDIUM)", "@severity(HIGH)"));
        RuleFolders.addRule(newRules, "claimed-in-kent", "claimed, force == \"Kent Police\"", "\"Kent claimed trafficking\"");
        Path report = dir.resolve("diff/report.html");

        // When they are compared over the replay fixture with a report
        int status = Main.execute("rules", "diff", "--rules", newRules.toString(), "--raids", "src/test/resources/replay/raids.csv", "--foi",
                "src/test/resources/replay/foi.csv", "--as-of", "2021-06-30", "--report", report.toString());
        assertThat(status).isEqualTo(ExitCodes.OK);

        ChromeDriver browser = offlineBrowser();
        try {
            browser.get(report.toUri().toString());
            assertNoRequestNorError(browser);
            // Then each rule's row counts what would appear, disappear and change
            assertThat(summary(browser, "foi-withheld")).containsExactly("0", "1", "0");
            assertThat(summary(browser, "claimed-in-kent")).containsExactly("1", "0", "0");
            assertThat(summary(browser, "rescue-overstated")).containsExactly("0", "0", "2");
            assertThat(summary(browser, "claimed-no-referral")).containsExactly("0", "0", "0");
            // And each case is listed with how it changes
            assertThat(browser.findElement(By.cssSelector("#case-table tr[data-rule='foi-withheld']")).getAttribute("data-change"))
                    .isEqualTo("disappears");
            WebElement kent = browser.findElement(By.cssSelector("#case-table tr[data-rule='claimed-in-kent']"));
            assertThat(kent.getAttribute("data-change")).isEqualTo("appears");
            assertThat(kent.getAttribute("data-raid-id")).isEqualTo("R1");
            List<WebElement> changes = browser.findElements(By.cssSelector("#case-table tr[data-rule='rescue-overstated']"));
            assertThat(changes).hasSize(2).allSatisfy(row -> {
                assertThat(row.getAttribute("data-change")).isEqualTo("changes");
                assertThat(row.getAttribute("data-severity")).isEqualTo("HIGH");
                assertThat(row.findElement(By.cssSelector("td.explanation .was")).getText()).startsWith("now: MEDIUM: Press reported");
            });
            // And both rule sets are named, with the input files' SHA-256
            assertThat(browser.findElement(By.id("fact-proposed")).getText()).contains(newRules.toString());
            assertThat(browser.findElements(By.cssSelector("#inputs td.hash"))).hasSize(2);
            Files.write(Path.of("target", "report-rules-diff.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }

    /** The no-referral rates of the forces that rest on enough raids, in the table's order. */
    private static List<Double> knownRates(ChromeDriver browser) {
        List<Double> known = new ArrayList<>();
        for (WebElement cell : browser.findElements(By.cssSelector("#force-table tbody td[data-rate-name='noReferralRate']"))) {
            if (!cell.getAttribute("data-rate").isEmpty() && cell.getAttribute("data-low-base").equals("false")) {
                known.add(Double.parseDouble(cell.getAttribute("data-rate")));
            }
        }
        return known;
    }

    private static List<String> summary(ChromeDriver browser, String rule) {
        WebElement row = browser.findElement(By.cssSelector("#diff-summary tr[data-rule='" + rule + "']"));
        return List.of(row.getAttribute("data-appear"), row.getAttribute("data-disappear"), row.getAttribute("data-change"));
    }

    /** A headless Chromium with no network at all. */
    private ChromeDriver offlineBrowser() {
        ChromeDriver browser = Browsers.headlessChromium(dir.resolve("chromium-profile"), "1300,2400");
        Map<String, Object> offline = new HashMap<>();
        offline.put("offline", true);
        offline.put("latency", 0);
        offline.put("downloadThroughput", 0);
        offline.put("uploadThroughput", 0);
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.emulateNetworkConditions", offline);
        return browser;
    }

    /** The page made no request and logged nothing at warning level or above (and the console is read indeed). */
    private static void assertNoRequestNorError(ChromeDriver browser) {
        // Nothing in the page names a resource to fetch: no external script, style sheet, image, frame or CSS url()
        Object external = browser.executeScript("return document.querySelectorAll('script[src], link, img, iframe, object, embed,"
                + " video, audio, source').length + Array.prototype.filter.call(document.styleSheets, function (sheet) {"
                + " return Array.prototype.some.call(sheet.cssRules, function (rule) { return /url\\(|@import/.test(rule.cssText); }); }).length");
        assertThat(external).as("elements or styles that would fetch something").isEqualTo(0L);
        assertThat(browser.executeScript("return performance.getEntriesByType('resource').length")).as("requests made").isEqualTo(0L);
        List<LogEntry> console = browser.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(console).as("console messages").noneMatch(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue());
        browser.executeScript("console.error('probe of the console log')");
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).anyMatch(entry -> entry.getMessage().contains("probe of the console log"));
    }

    private void checkInBrowser(Path out, String name) throws Exception {
        Path report = Files.exists(out.resolve("report.html")) ? out.resolve("report.html") : dir.resolve("reports/replay.html");
        List<JsonNode> rates = lines(out.resolve("force-rates.jsonl"));
        List<JsonNode> flags = lines(out.resolve("flags.jsonl"));
        List<JsonNode> rejected = lines(out.resolve("rejected.jsonl"));
        // Given a browser with no network at all
        ChromeDriver browser = offlineBrowser();
        try {
            // When the report is opened
            browser.get(report.toUri().toString());
            Await.until(Duration.ofSeconds(30), "the report's charts to be drawn",
                    () -> browser.findElement(By.tagName("body")).getAttribute("data-charts") != null,
                    () -> "body: " + browser.findElement(By.tagName("body")).getAttribute("outerHTML").length() + " characters");

            // Then it made no request and logged no error
            assertNoRequestNorError(browser);
            JavascriptExecutor js = browser;

            // And the headline is the national all-time figures
            JsonNode national = rates.stream().filter(r -> r.get("force").asText().equals("ALL") && r.get("window").asText().equals("all"))
                    .findFirst().orElseThrow();
            assertThat(browser.findElement(By.id("headline-claimedRaids")).getAttribute("data-count")).isEqualTo(national.get("claimedRaids").asText());
            for (String rate : List.of("noReferralRate", "noVictimsRate", "foiResponseRate")) {
                assertSameRate(browser.findElement(By.id("headline-" + rate)), national, rate);
            }
            // And every force's all-time row is its line of force-rates.jsonl
            int forces = 0;
            for (JsonNode r : rates) {
                if (!r.get("window").asText().equals("all") || r.get("force").asText().equals("ALL")) {
                    continue;
                }
                forces++;
                WebElement row = browser.findElement(By.cssSelector("#force-table tr[data-force='" + r.get("force").asText() + "']"));
                assertThat(row.findElement(By.cssSelector("td[data-count-name='claimedRaids']")).getAttribute("data-value"))
                        .isEqualTo(r.get("claimedRaids").asText());
                for (String rate : List.of("noReferralRate", "noVictimsRate", "foiResponseRate")) {
                    assertSameRate(row.findElement(By.cssSelector("td[data-rate-name='" + rate + "']")), r, rate);
                }
            }
            assertThat(browser.findElements(By.cssSelector("#force-table tbody tr"))).hasSize(forces);
            // And a chart for England and Wales and for each force with claimed raids
            long withRaids = rates.stream().filter(r -> r.get("window").asText().equals("all") && !r.get("force").asText().equals("ALL")
                    && r.get("claimedRaids").asInt() > 0).count();
            java.util.Set<String> rolling = new java.util.TreeSet<>();
            rates.stream().filter(r -> !r.get("window").asText().equals("all") && !r.get("force").asText().equals("ALL"))
                    .forEach(r -> rolling.add(r.get("force").asText()));
            assertThat(browser.findElements(By.cssSelector("#chart-grid figure.force-chart canvas"))).as("England and Wales, and each force"
                    + " with rolling windows").hasSize(1 + rolling.size());
            assertThat(rolling.size()).isLessThanOrEqualTo((int) withRaids);
            // And the flagged cases are the replay's flags, every one when there are no more than the page holds
            WebElement count = browser.findElement(By.id("cases-count"));
            assertThat(count.getAttribute("data-total")).isEqualTo(String.valueOf(flags.size()));
            assertThat(browser.findElements(By.cssSelector("#case-table tbody tr"))).hasSize(Math.min(flags.size(), 5000));
            Map<String, JsonNode> byKey = new HashMap<>();
            flags.forEach(f -> byKey.put(f.get("raidId").asText() + "|" + f.get("ruleId").asText(), f));
            for (WebElement row : browser.findElements(By.cssSelector("#case-table tbody tr")).subList(0, Math.min(flags.size(), 50))) {
                JsonNode flag = byKey.get(row.getAttribute("data-raid-id") + "|" + row.getAttribute("data-rule"));
                assertThat(flag).as("a listed case is one of the replay's flags").isNotNull();
                assertThat(row.findElement(By.cssSelector("td.explanation")).getText()).isEqualTo(flag.get("explanation").asText());
                assertThat(row.getAttribute("data-severity")).isEqualTo(flag.get("severity").asText());
            }
            // And the rejected rows are the replay's
            assertThat(browser.findElement(By.id("rejected-count")).getAttribute("data-total")).isEqualTo(String.valueOf(rejected.size()));
            // And what produced it: the rules, each described, and every input file with its SHA-256
            assertThat(browser.findElements(By.cssSelector("#rules tbody tr"))).hasSize(7);
            assertThat(browser.findElement(By.id("rules")).getText()).doesNotContain("does not describe itself");
            assertThat(browser.findElements(By.cssSelector("#inputs td.hash"))).hasSize(2)
                    .allSatisfy(hash -> assertThat(hash.getText()).matches("[0-9a-f]{64}"));

            // When the cases are filtered to high severity, Then only high-severity cases show
            js.executeScript("var s = document.getElementById('filter-severity'); s.value = 'HIGH'; s.dispatchEvent(new Event('change'));");
            List<WebElement> shown = browser.findElements(By.cssSelector("#case-table tbody tr:not([hidden])"));
            assertThat(shown).allSatisfy(row -> assertThat(row.getAttribute("data-severity")).isEqualTo("HIGH"));
            // When the forces are sorted by the no-referral rate, Then rates resting on enough raids come first, then low-base, then none
            browser.findElement(By.cssSelector("#force-table thead th:nth-child(3) button")).click();
            List<String> order = new ArrayList<>();
            for (WebElement cell : browser.findElements(By.cssSelector("#force-table tbody td[data-rate-name='noReferralRate']"))) {
                order.add(cell.getAttribute("data-rate").isEmpty() ? "none" : cell.getAttribute("data-low-base").equals("true") ? "low" : "known");
            }
            assertThat(String.join(",", order)).matches("(known,?)*(low,?)*(none,?)*");
            assertThat(knownRates(browser)).as("highest first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
            browser.findElement(By.cssSelector("#force-table thead th:nth-child(3) button")).click();
            assertThat(knownRates(browser)).as("lowest first, clicked again").isSorted();
            assertThat(browser.findElement(By.cssSelector("#force-table tbody tr:last-child td[data-rate-name='noReferralRate']"))
                    .getAttribute("data-low-base")).as("low-base and unknown rates stay last either way")
                    .isIn(rates.stream().anyMatch(r -> r.get("noReferralRateLowBase").asBoolean() || r.get("noReferralRate").isNull())
                            ? List.of("true", "false") : List.of("false"));

            Path shot = Path.of("target", "report-" + name + ".png");
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            System.out.println("report screenshot: " + shot.toAbsolutePath());
        } finally {
            browser.quit();
        }
    }

    private static void assertSameRate(WebElement shown, JsonNode rates, String rate) {
        String what = rates.get("force").asText() + " " + rate;
        if (rates.get(rate).isNull()) {
            assertThat(shown.getAttribute("data-rate")).as(what).isEmpty();
            return;
        }
        assertThat(Double.parseDouble(shown.getAttribute("data-rate"))).as(what).isCloseTo(rates.get(rate).asDouble(), within(1e-12));
        assertThat(Double.parseDouble(shown.getAttribute("data-low"))).as(what).isCloseTo(rates.get(rate + "Low").asDouble(), within(1e-12));
        assertThat(Double.parseDouble(shown.getAttribute("data-high"))).as(what).isCloseTo(rates.get(rate + "High").asDouble(), within(1e-12));
        assertThat(shown.getAttribute("data-low-base")).as(what).isEqualTo(rates.get(rate + "LowBase").asText());
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }
}
