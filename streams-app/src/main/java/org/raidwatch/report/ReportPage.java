package org.raidwatch.report;

import java.time.YearMonth;
import java.time.format.TextStyle;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.raidwatch.json.OutputJson;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.RateBase;
import org.raidwatch.topology.RateVocabulary;

/** The parts the reports share: the page's head and tail, the rates table, the charts' place, the cases table and the methods. */
final class ReportPage {

    /** Each rate in words, as a heading or a headline's label. */
    static final Map<String, String> RATE_WORDS = Map.of(
            "noReferralRate", "no one referred to the NRM",
            "noVictimsRate", "no potential victim identified",
            "foiResponseRate", "FOI requests answered");
    /** What each rate counts, and divides by. */
    static final Map<String, String> OUT_OF_WORDS = Map.of(
            "noReferralRate", "raids whose FOI answer gives the number referred",
            "noVictimsRate", "raids whose FOI answer gives the number identified",
            "foiResponseRate", "raids asked about under FOI");

    private ReportPage() {
    }

    static void head(Html h, String title, String kind) {
        h.raw("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">");
        // Nothing may be fetched: the report is one file, and hostile text in it can load nothing.
        h.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
                + "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">");
        h.raw("<meta http-equiv=\"x-dns-prefetch-control\" content=\"off\">");
        h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.raw("<meta name=\"generator\" content=\"raidwatch\">");
        h.element("title", null, title);
        h.raw("<style>").raw(Html.resource("/report/report.css")).raw("</style></head>");
        h.raw("<body " + Html.attr("data-report", kind) + "><main>");
    }

    /** Closes the page: the data the scripts draw from, the chart library and the page's script, all inline. */
    static void tail(Html h, Object data) {
        h.raw("<footer class=\"page-foot\"><p>Made by raidwatch, an open monitor of what police raids presented as trafficking rescues"
                + " produced. This file is self-contained: it needs no network, and prints.</p></footer></main>");
        h.raw("<script type=\"application/json\" id=\"report-data\">").raw(Html.inJsonScript(OutputJson.write(data))).raw("</script>");
        h.raw("<script>").raw(Html.inScript(Html.chartLibrary())).raw("</script>");
        h.raw("<script>").raw(Html.inScript(Html.resource("/report/report.js"))).raw("</script>");
        h.raw("</body></html>\n");
    }

    /** A rate's figures as data attributes (for the page's scripts and its tests). */
    static String readingAttributes(RateBase.Reading reading) {
        if (reading == null) {
            return "data-rate=\"\" data-count=\"0\" data-of=\"0\" data-low=\"\" data-high=\"\" data-low-base=\"false\"";
        }
        return String.join(" ", Html.attr("data-rate", reading.value() == null ? "" : reading.value()),
                Html.attr("data-count", reading.counted()), Html.attr("data-of", reading.outOf()),
                Html.attr("data-low", reading.interval() == null ? "" : reading.interval().low()),
                Html.attr("data-high", reading.interval() == null ? "" : reading.interval().high()),
                Html.attr("data-low-base", Boolean.TRUE.equals(reading.lowBase())));
    }

    /** {@code 54 of 78 raids ...; 95% interval 58–78%}, with the low-base mark. */
    static String readingText(RateBase.Reading reading, RateVocabulary.Rate rate, RateBase base) {
        if (reading == null || reading.outOf() == 0) {
            return "no figure yet (0 " + OUT_OF_WORDS.get(rate.name()) + ")";
        }
        String text = Html.count(reading.counted()) + " of " + Html.count(reading.outOf()) + " " + OUT_OF_WORDS.get(rate.name())
                + "; 95% interval " + interval(reading.interval());
        return Boolean.TRUE.equals(reading.lowBase()) ? text + "; low base (fewer than " + base.lowBaseBelow() + ")" : text;
    }

    /** {@code 58–78%}; to a tenth of a point when the interval is narrower than two points (a large count), so it never reads 80–80%. */
    static String interval(RateBase.Interval interval) {
        boolean narrow = interval.high() - interval.low() < 0.02;
        String format = narrow ? "%.1f–%.1f%%" : "%.0f–%.0f%%";
        return String.format(Locale.ROOT, format, interval.low() * 100, interval.high() * 100);
    }

    /** {@code Jul 2020 – Jun 2021}: the twelve months ending with a window's month. */
    static String windowRange(String window) {
        YearMonth end = YearMonth.parse(window);
        YearMonth start = end.minusMonths(RateVocabulary.ROLLING_MONTHS - 1L);
        return month(start) + " – " + month(end);
    }

    private static String month(YearMonth month) {
        return month.getMonth().getDisplayName(TextStyle.SHORT, Locale.UK) + " " + month.getYear();
    }

    /** Every force's all-time figures, sortable by each column (by the page's script), low-base rates marked. */
    static void forceTable(Html h, List<ForceRates> rates, RateBase base) {
        Map<String, ForceRates> byForce = new TreeMap<>();
        rates.stream().filter(r -> RateVocabulary.isAllTime(r) && !RateVocabulary.isNational(r)).forEach(r -> byForce.put(r.getForce(), r));
        h.raw("<section id=\"forces\" aria-labelledby=\"forces-title\"><h2 id=\"forces-title\">By police force, all time</h2>");
        h.element("p", "class=\"note\"", "Sort by a column with its heading. Each rate shows its counts and its 95% interval; a greyed rate rests"
                + " on fewer than " + base.lowBaseBelow() + " raids and sorts after the others.");
        h.raw("<div class=\"table-scroll\"><table id=\"force-table\" class=\"sortable\"><thead><tr>"
                + "<th scope=\"col\" data-sort=\"text\"><button type=\"button\">Force</button></th>"
                + "<th scope=\"col\" data-sort=\"number\"><button type=\"button\">Claimed raids</button></th>");
        for (RateVocabulary.Rate rate : RateVocabulary.RATES) {
            h.raw("<th scope=\"col\" data-sort=\"rate\"><button type=\"button\">").text(capitalised(RATE_WORDS.get(rate.name())))
                    .raw("</button></th>");
        }
        h.raw("</tr></thead><tbody>");
        for (ForceRates r : byForce.values()) {
            h.raw("<tr " + Html.attr("data-force", r.getForce()) + ">").element("th", "scope=\"row\"", r.getForce())
                    .raw("<td class=\"num\" data-count-name=\"claimedRaids\" " + Html.attr("data-value", r.getClaimedRaids()) + ">")
                    .text(Html.count(r.getClaimedRaids())).raw("</td>");
            for (RateVocabulary.Rate rate : RateVocabulary.RATES) {
                RateBase.Reading reading = base.read(r, rate);
                boolean low = Boolean.TRUE.equals(reading.lowBase());
                h.raw("<td class=\"rate" + (low ? " low-base" : "") + "\" " + Html.attr("data-rate-name", rate.name()) + " "
                        + readingAttributes(reading) + (low ? " " + Html.attr("title", "Low base: " + reading.outOf() + " "
                        + OUT_OF_WORDS.get(rate.name()) + ", fewer than " + base.lowBaseBelow() + "; one more or less moves it a lot") : "") + ">");
                h.element("span", "class=\"value\"", Html.percent(reading.value()));
                h.element("span", "class=\"detail\"", reading.outOf() == 0 ? "no figure" : Html.count(reading.counted()) + " of "
                        + Html.count(reading.outOf()) + " · " + interval(reading.interval()) + (low ? " · low base" : ""));
                h.raw("</td>");
            }
            h.raw("</tr>");
        }
        h.raw("</tbody></table></div></section>");
    }

    /** The input files: what each holds, its name (and sheet), rows read and rejected, SHA-256. */
    static void inputsTable(Html h, List<ReplayReport.Input> inputs) {
        h.raw("<div class=\"table-scroll\"><table id=\"inputs\"><caption>Input files</caption><thead><tr><th scope=\"col\">Holds</th>"
                + "<th scope=\"col\">File</th><th scope=\"col\">Rows read</th><th scope=\"col\">Rejected</th><th scope=\"col\">SHA-256</th>"
                + "</tr></thead><tbody>");
        for (ReplayReport.Input input : inputs) {
            h.raw("<tr>").element("td", null, input.role()).element("td", null, input.file() + (input.sheet() == null ? "" : " (sheet "
                    + input.sheet() + ")")).element("td", "class=\"num\"", Html.count(input.rowsRead()))
                    .element("td", "class=\"num\"", Html.count(input.rowsRejected())).element("td", "class=\"hash\"", input.sha256()).raw("</tr>");
        }
        h.raw("</tbody></table></div>");
    }

    /** A rule set's rules: id, severity and what each finds. */
    static void rulesTable(Html h, String id, String caption, RuleSet rules) {
        h.raw("<div class=\"table-scroll\"><table " + Html.attr("id", id) + "><caption>").text(caption).raw("</caption><thead><tr>"
                + "<th scope=\"col\">Rule</th><th scope=\"col\">Severity</th><th scope=\"col\">What it finds</th></tr></thead><tbody>");
        for (RuleSet.Described rule : rules.described()) {
            h.raw("<tr " + Html.attr("data-rule", rule.ruleId()) + ">").element("td", "class=\"rule-id\"", rule.ruleId())
                    .element("td", null, rule.severity()).element("td", null, rule.description() == null
                            ? "(the rule does not describe itself)" : rule.description()).raw("</tr>");
        }
        h.raw("</tbody></table></div>");
    }

    /** Where the page's script draws each force's rolling twelve-month chart. */
    static void charts(Html h) {
        h.raw("<section id=\"charts\" aria-labelledby=\"charts-title\"><h2 id=\"charts-title\">Rolling twelve months, by force</h2>");
        h.element("p", "class=\"note\"", "Each point counts the raids of the twelve months ending that month. The shaded band is the force's"
                + " 95% interval; the dashed line is England and Wales. A hollow point rests on a low base.");
        h.raw("<div class=\"filters no-print\"><label for=\"chart-rate\">Rate</label> <select id=\"chart-rate\">");
        for (RateVocabulary.Rate rate : RateVocabulary.RATES) {
            h.raw("<option " + Html.attr("value", rate.name()) + ">").text(capitalised(RATE_WORDS.get(rate.name()))).raw("</option>");
        }
        h.raw("</select></div><div id=\"chart-grid\" class=\"chart-grid\"><p class=\"note no-script\">The charts need scripts;"
                + " their figures are in the tables.</p></div></section>");
    }

    static void filter(Html h, String id, String label, List<String> values) {
        h.raw("<label " + Html.attr("for", id) + ">").text(label).raw("</label> <select " + Html.attr("id", id) + "><option value=\"\">All</option>");
        for (String value : values) {
            h.raw("<option " + Html.attr("value", value) + ">").text(value).raw("</option>");
        }
        h.raw("</select> ");
    }

    /** Flags as a table: raid, force, date, rule, severity, status, explanation, evidence, article, FOI reference. */
    static void caseTable(Html h, String id, List<CaseFlag> cases) {
        h.raw("<div class=\"table-scroll\"><table " + Html.attr("id", id) + " class=\"cases\"><thead><tr><th scope=\"col\">Raid</th>"
                + "<th scope=\"col\">Force</th><th scope=\"col\">Raid date</th><th scope=\"col\">Rule</th><th scope=\"col\">Severity</th>"
                + "<th scope=\"col\">Status</th><th scope=\"col\">What the rule found</th><th scope=\"col\">Evidence</th>"
                + "<th scope=\"col\">Sources</th></tr></thead><tbody>");
        for (CaseFlag flag : cases) {
            caseRow(h, flag, null, null);
        }
        h.raw("</tbody></table></div>");
    }

    /**
     * One flag's row; for rules diff, {@code change} is a first cell saying how it changes, and
     * {@code now} what a changing flag says now (under its explanation).
     */
    static void caseRow(Html h, CaseFlag flag, String change, String now) {
        String status = flag.getStatus().toString();
        h.raw("<tr " + (change == null ? "" : Html.attr("data-change", change) + " ") + Html.attr("data-raid-id", flag.getRaidId()) + " " + Html.attr("data-rule", flag.getRuleId()) + " "
                + Html.attr("data-severity", flag.getSeverity()) + " " + Html.attr("data-force", flag.getForce()) + " "
                + Html.attr("data-status", status.equals("RESOLVED") ? "RESOLVED" : "holding") + ">");
        if (change != null) {
            h.element("td", "class=\"change\"", change);
        }
        h.element("td", "class=\"raid-id\"", flag.getRaidId()).element("td", null, flag.getForce()).element("td", "class=\"date\"", flag.getRaidDate())
                .element("td", "class=\"rule-id\"", flag.getRuleId())
                .element("td", Html.attr("class", "severity " + flag.getSeverity().toString().toLowerCase(Locale.ROOT)), flag.getSeverity())
                .element("td", null, status).raw("<td class=\"explanation\">").text(flag.getExplanation());
        if (now != null) {
            h.element("span", "class=\"was\"", "now: " + now);
        }
        h.raw("</td><td class=\"evidence\">");
        new TreeMap<>(flag.getEvidence()).forEach((field, value) -> h.element("span", "class=\"fact\"", field + ": " + value));
        h.raw("</td><td class=\"sources\">");
        String url = safeHttpUrl(flag.getSourceUrl());
        if (url != null) {
            h.raw("<a " + Html.attr("href", url) + " rel=\"noopener noreferrer\">press article</a>");
        } else if (flag.getSourceUrl() != null) {
            h.element("span", "class=\"unlinked\"", flag.getSourceUrl());
        }
        if (flag.getFoiReference() != null) {
            h.element("span", "class=\"foi\"", "FOI " + flag.getFoiReference());
        }
        h.raw("</td></tr>");
    }

    /** The URL when it is an absolute http(s) one, else null: no other scheme becomes a link. */
    static String safeHttpUrl(String url) {
        if (url == null) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri.toString() : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /** How to read the figures: what each rate counts, the interval, low base, what the rules cannot know. */
    static void methods(Html h, RateBase base, RuleSet rules) {
        h.raw("<section id=\"methods\" aria-labelledby=\"methods-title\"><h2 id=\"methods-title\">Methods</h2>");
        h.element("h3", null, "What is counted");
        h.element("p", null, "A raid counts when the police's account of it, as the press reported it, claimed that it rescued victims of"
                + " human trafficking or modern slavery. Each raid counts once, on the latest revision of its report and the latest answer"
                + " to the Freedom of Information (FOI) request about it; a rejected row counts nowhere.");
        h.raw("<ul>");
        for (RateVocabulary.Rate rate : RateVocabulary.RATES) {
            h.raw("<li>").element("strong", null, capitalised(RATE_WORDS.get(rate.name()))).text(": the share of "
                    + OUT_OF_WORDS.get(rate.name()) + " " + countedWords(rate.name()) + ".").raw("</li>");
        }
        h.raw("</ul>");
        h.element("p", null, "\"All time\" counts every raid in the input; a rolling window counts the raids of the twelve calendar months"
                + " ending with its month, by the raid's date. A raid whose FOI answer does not give a figure is left out of that rate's"
                + " count and its denominator alike, which is why each rate shows both.");
        h.element("h3", null, "How sure a rate is");
        h.element("p", null, "Beside each rate is a 95% interval: the range of rates that fit the counts, given how few raids they rest on."
                + " It is Wilson's score interval (Newcombe, Statistics in Medicine 1998, method 3), which stays between 0 and 100% and keeps"
                + " its coverage at small counts, where the textbook interval does not. 54 of 78 gives 69% with an interval of 58–78%;"
                + " 1 of 1 gives 100% with an interval of 21–100%. Two forces whose intervals overlap widely may not differ at all.");
        h.element("h3", null, "Low base");
        h.element("p", null, "A rate over fewer than " + base.lowBaseBelow() + " raids is marked \"low base\" and greyed: one raid more or less"
                + " moves it by " + Math.round(100.0 / base.lowBaseBelow()) + " points or more, so it is shown with its counts but should not be"
                + " read as a force's record. Tables sort"
                + " low-base rates after the others; charts draw them hollow.");
        h.element("h3", null, "What the rules cannot know");
        h.element("p", null, "The rules compare what the press reported with what the force answered under FOI. They cannot know what"
                + " neither says: a victim referred by another agency, a referral made after the answer, a press report that misquoted the"
                + " police, or an answer that counts differently from another force's. A flag is a question to put to the force, not a"
                + " finding of fault. The rules in force are listed above, each with what it finds (rule set " + rules.version() + ").");
        h.raw("</section>");
    }

    private static String countedWords(String rate) {
        return switch (rate) {
            case "noReferralRate" -> "in which no one was referred to the National Referral Mechanism (NRM), the UK's framework for"
                    + " identifying and supporting potential victims";
            case "noVictimsRate" -> "in which the police identified no potential victim at all";
            default -> "that the force answered, fully or in part";
        };
    }

    static String capitalised(String words) {
        return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** Flags in a stable order for the reports: raid id, then rule id. */
    static final Comparator<CaseFlag> BY_RAID = Comparator.comparing(CaseFlag::getRaidId).thenComparing(CaseFlag::getRuleId);
}
