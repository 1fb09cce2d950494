package org.raidwatch.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.raidwatch.files.InputFiles;
import org.raidwatch.json.OutputJson;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.RateBase;
import org.raidwatch.topology.RateVocabulary;

/**
 * A replay as one self-contained HTML file for a reader who never saw raidwatch: the headline rates
 * with their counts and 95% intervals as of the replay's date, the per-force table (sortable), each
 * force's rolling twelve-month chart with its interval band beside the national line, the flagged
 * cases (filterable by rule, severity and force), the rejected rows, what produced it and how to read
 * it. Styles, scripts, the data and the chart library are inlined, and the page's content security
 * policy forbids any request, so it opens the same with no network. The tables are written as HTML
 * (they read and print without scripts); scripts only sort, filter and draw the charts.
 *
 * <p>At most {@link #MAX_CASES} flags and {@link #MAX_REJECTED} rejected rows are in the page, so the
 * report of a million-row replay stays a few megabytes and opens in seconds; which ones, and where the
 * rest are (flags.csv, rejected.jsonl beside the other outputs), the page says.
 */
public final class ReplayReport {

    /** The most flags the page lists: open ones first, the most severe first, the latest raids first. */
    public static final int MAX_CASES = 5_000;
    /** The most rejected rows the page lists, in file and line order. */
    public static final int MAX_REJECTED = 5_000;

    /** An input file: its role (raid reports, FOI updates), name as given, sheet (workbooks), rows read and refused, SHA-256. */
    public record Input(String role, String file, String sheet, long rowsRead, long rowsRejected, String sha256) {
    }

    /**
     * What produced the report.
     *
     * @param outputs where the replay's files are, relative to the report (for links to the full lists)
     */
    public record Provenance(String raidwatchVersion, LocalDate asOf, Instant made, RuleSet rules, String ruleSetSha256,
                             List<Input> inputs, String outputs) {
    }

    private static final Comparator<CaseFlag> IMPORTANCE = Comparator
            .comparing((CaseFlag flag) -> flag.getStatus() == FlagStatus.RESOLVED)
            .thenComparing(CaseFlag::getSeverity)
            .thenComparing(CaseFlag::getRaidDate, Comparator.reverseOrder())
            .thenComparing(CaseFlag::getRaidId)
            .thenComparing(CaseFlag::getRuleId);

    /** The most important flags seen, at most MAX_CASES: the least important at the head, to be dropped. */
    private final PriorityQueue<CaseFlag> kept = new PriorityQueue<>(IMPORTANCE.reversed());
    private long flagsSeen;
    private final Map<String, long[]> flagsByRule = new TreeMap<>();

    /** Takes a flag in its final state, as the replay hands them on. */
    public void flag(CaseFlag flag) {
        flagsSeen++;
        long[] counts = flagsByRule.computeIfAbsent(flag.getRuleId(), rule -> new long[2]);
        counts[flag.getStatus() == FlagStatus.RESOLVED ? 1 : 0]++;
        kept.add(flag);
        if (kept.size() > MAX_CASES) {
            kept.poll();
        }
    }

    /** Writes the report (through a temporary name: a failed write leaves no half a report). */
    public void write(Path file, Provenance provenance, List<ForceRates> rates, RateBase base, List<InputFiles.Rejection> rejected) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.writeString(partial, html(provenance, rates, base, rejected), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    String html(Provenance provenance, List<ForceRates> rates, RateBase base, List<InputFiles.Rejection> rejected) {
        List<CaseFlag> cases = new ArrayList<>(kept);
        cases.sort(IMPORTANCE);
        String latest = RateVocabulary.latestCompleteWindow(provenance.asOf());
        ForceRates national = find(rates, RateVocabulary.NATIONAL, RateVocabulary.ALL_TIME);
        ForceRates nationalLatest = find(rates, RateVocabulary.NATIONAL, latest);

        Html h = new Html();
        ReportPage.head(h, "raidwatch report: replay as of " + provenance.asOf(), "replay");
        h.raw("<header class=\"page-head\"><p class=\"kicker\">raidwatch replay report</p>");
        h.element("h1", null, "Police raids claimed as trafficking rescues: what the FOI answers show");
        h.raw("<p class=\"lede\">").text("As of ").element("time", Html.attr("datetime", provenance.asOf()) + " id=\"as-of\"",
                provenance.asOf()).text(". " + Html.count(provenance.inputs().stream().mapToLong(Input::rowsRead).sum()) + " rows read from "
                + provenance.inputs().size() + (provenance.inputs().size() == 1 ? " file" : " files") + ", "
                + Html.count(flagsSeen) + " flags raised. Figures come with their counts and a 95% interval; "
                + "greyed figures rest on fewer than " + base.lowBaseBelow() + " raids. How to read them: ")
                .raw("<a href=\"#methods\">Methods</a>.</p></header>");

        // Headline
        h.raw("<section id=\"headline\" aria-labelledby=\"headline-title\"><h2 id=\"headline-title\">England and Wales, all time</h2>");
        h.raw("<div class=\"headline-grid\">");
        h.raw("<div class=\"headline-card\" id=\"headline-claimedRaids\"" + (national == null ? "" : " " + Html.attr("data-count",
                national.getClaimedRaids())) + "><p class=\"figure\">").text(national == null ? "0" : Html.count(national.getClaimedRaids()))
                .raw("</p><p class=\"label\">raids claimed as trafficking or modern-slavery rescues</p></div>");
        for (RateVocabulary.Rate rate : RateVocabulary.RATES) {
            RateBase.Reading reading = national == null ? null : base.read(national, rate);
            h.raw("<div class=\"headline-card rate" + (reading != null && Boolean.TRUE.equals(reading.lowBase()) ? " low-base" : "") + "\" "
                    + Html.attr("id", "headline-" + rate.name()) + " " + ReportPage.readingAttributes(reading) + ">");
            h.element("p", "class=\"figure\"", reading == null ? "–" : Html.percent(reading.value()));
            h.element("p", "class=\"label\"", ReportPage.RATE_WORDS.get(rate.name()));
            h.element("p", "class=\"counts\"", ReportPage.readingText(reading, rate, base));
            h.raw("</div>");
        }
        h.raw("</div>");
        if (nationalLatest != null) {
            h.raw("<p class=\"note\" id=\"headline-latest\">").text("The latest complete twelve months (" + ReportPage.windowRange(latest) + "): ");
            List<String> parts = new ArrayList<>();
            for (RateVocabulary.Rate rate : RateVocabulary.RATES) {
                parts.add(ReportPage.RATE_WORDS.get(rate.name()) + " " + ReportPage.readingText(base.read(nationalLatest, rate), rate, base));
            }
            h.text(String.join("; ", parts) + ".").raw("</p>");
        } else {
            h.element("p", "class=\"note\" id=\"headline-latest\"", "No raid in the input falls in the latest complete twelve months ("
                    + ReportPage.windowRange(latest) + ").");
        }
        h.raw("</section>");

        ReportPage.forceTable(h, rates, base);
        ReportPage.charts(h);
        cases(h, cases, provenance);
        rejected(h, rejected, provenance);
        provenance(h, provenance, base);
        ReportPage.methods(h, base, provenance.rules());

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("asOf", provenance.asOf().toString());
        data.put("lowBaseBelow", base.lowBaseBelow());
        data.put("latestWindow", latest);
        data.put("rates", rates.stream().filter(r -> !RateVocabulary.isAllTime(r))
                .sorted(Comparator.comparing(ForceRates::getForce).thenComparing(ForceRates::getWindow))
                .map(r -> OutputJson.rates(r, base)).toList());
        ReportPage.tail(h, data);
        return h.toString();
    }

    private void cases(Html h, List<CaseFlag> cases, Provenance provenance) {
        h.raw("<section id=\"cases\" aria-labelledby=\"cases-title\"><h2 id=\"cases-title\">Flagged cases</h2>");
        h.raw("<p class=\"note\" id=\"cases-count\" " + Html.attr("data-total", flagsSeen) + " " + Html.attr("data-shown", cases.size()) + ">");
        if (flagsSeen > cases.size()) {
            h.text(Html.count(flagsSeen) + " flags in all; the " + Html.count(cases.size())
                    + " most important are listed here (those that hold before those resolved, high severity first, the latest raids first)."
                    + " Every flag is in ").raw("<a " + Html.attr("href", provenance.outputs() + "flags.csv") + ">flags.csv</a>")
                    .text(" beside this report's data.");
        } else {
            h.text(Html.count(flagsSeen) + " flags: every raid and rule the rules flagged, in its final state. A resolved flag held once and"
                    + " no longer does (a later FOI answer, say).");
        }
        h.raw("</p>");
        h.raw("<p class=\"rule-counts\">");
        List<String> byRule = new ArrayList<>();
        flagsByRule.forEach((rule, counts) -> byRule.add(rule + ": " + Html.count(counts[0]) + " holding, " + Html.count(counts[1]) + " resolved"));
        h.text(String.join(" · ", byRule)).raw("</p>");
        h.raw("<div class=\"filters no-print\" role=\"group\" aria-label=\"Filter the cases\">");
        ReportPage.filter(h, "filter-rule", "Rule", cases.stream().map(CaseFlag::getRuleId).distinct().sorted().toList());
        ReportPage.filter(h, "filter-severity", "Severity", List.of("HIGH", "MEDIUM", "LOW"));
        ReportPage.filter(h, "filter-force", "Force", cases.stream().map(CaseFlag::getForce).distinct().sorted().toList());
        ReportPage.filter(h, "filter-status", "Status", List.of("holding", "RESOLVED"));
        h.raw("<span id=\"cases-shown\" aria-live=\"polite\"></span></div>");
        ReportPage.caseTable(h, "case-table", cases);
        h.raw("</section>");
    }

    private static void rejected(Html h, List<InputFiles.Rejection> rejected, Provenance provenance) {
        h.raw("<section id=\"rejected\" aria-labelledby=\"rejected-title\"><h2 id=\"rejected-title\">Rejected rows</h2>");
        if (rejected.isEmpty()) {
            h.element("p", "class=\"note\" id=\"rejected-count\" data-total=\"0\"", "No row was rejected: every row met the input contract.");
            h.raw("</section>");
            return;
        }
        h.raw("<p class=\"note\" id=\"rejected-count\" " + Html.attr("data-total", rejected.size()) + ">")
                .text(Html.count(rejected.size()) + " rows did not meet the input contract and were left out of every figure"
                        + (rejected.size() > MAX_REJECTED ? "; the first " + Html.count(MAX_REJECTED) + " are listed, every one is in " : "."));
        if (rejected.size() > MAX_REJECTED) {
            h.raw("<a " + Html.attr("href", provenance.outputs() + "rejected.jsonl") + ">rejected.jsonl</a>.");
        }
        h.raw("</p><div class=\"table-scroll\"><table id=\"rejected-table\"><thead><tr><th scope=\"col\">File</th><th scope=\"col\">Row</th>"
                + "<th scope=\"col\">Why</th></tr></thead><tbody>");
        for (InputFiles.Rejection row : rejected.subList(0, Math.min(rejected.size(), MAX_REJECTED))) {
            h.raw("<tr>").element("td", null, row.file()).element("td", "class=\"num\"", row.line()).element("td", null, row.reason()).raw("</tr>");
        }
        h.raw("</tbody></table></div></section>");
    }

    private static void provenance(Html h, Provenance provenance, RateBase base) {
        h.raw("<section id=\"provenance\" aria-labelledby=\"provenance-title\"><h2 id=\"provenance-title\">What produced this report</h2>");
        h.raw("<dl class=\"facts\">");
        h.element("dt", null, "As of").element("dd", "id=\"fact-as-of\"", provenance.asOf()
                + " (\"today\" for the rules that depend on time, and the end of the latest twelve-month window)");
        h.element("dt", null, "Made").element("dd", null, provenance.made());
        h.element("dt", null, "raidwatch").element("dd", "id=\"fact-version\"", provenance.raidwatchVersion());
        h.element("dt", null, "Rule set").element("dd", "id=\"fact-rule-set\"", "version " + provenance.rules().version() + " ("
                + provenance.rules().source() + "), SHA-256 of its files " + provenance.ruleSetSha256());
        h.element("dt", null, "Low base").element("dd", null, "a rate over fewer than " + base.lowBaseBelow() + " raids");
        h.raw("</dl>");
        ReportPage.inputsTable(h, provenance.inputs());
        ReportPage.rulesTable(h, "rules", "The rules", provenance.rules());
        h.raw("</section>");
    }

    private static ForceRates find(List<ForceRates> rates, String force, String window) {
        return rates.stream().filter(r -> r.getForce().equals(force) && r.getWindow().equals(window)).findFirst().orElse(null);
    }
}
