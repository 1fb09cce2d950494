package org.raidwatch.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.raidwatch.local.FlagDiff;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.topology.RateBase;

/**
 * What a rule change would do, as one self-contained HTML file: per rule, the flags that would
 * appear, disappear and change, each with its case (explanation, evidence, article, FOI reference),
 * filterable by rule, change, severity and force; and what the comparison rests on (the input files
 * with their SHA-256, both rule sets with their rules described). At most {@link #MAX_CASES} cases
 * are listed; the page says when there are more ({@code rules diff --json} gives them all).
 */
public final class DiffReport {

    public static final int MAX_CASES = 5_000;

    /** What the comparison ran on. */
    public record Provenance(String raidwatchVersion, LocalDate asOf, Instant made, RuleSet current, RuleSet proposed,
                             List<ReplayReport.Input> inputs) {
    }

    private DiffReport() {
    }

    public static void write(Path file, Provenance provenance, FlagDiff diff) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.writeString(partial, html(provenance, diff), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String html(Provenance provenance, FlagDiff diff) {
        Html h = new Html();
        ReportPage.head(h, "raidwatch rules diff: " + provenance.current().version() + " to " + provenance.proposed().version(), "rules-diff");
        h.raw("<header class=\"page-head\"><p class=\"kicker\">raidwatch rules diff report</p>");
        h.element("h1", null, "What the proposed rules would change");
        long appear = diff.rules().stream().mapToLong(r -> r.appear().size()).sum();
        long disappear = diff.rules().stream().mapToLong(r -> r.disappear().size()).sum();
        long changed = diff.rules().stream().mapToLong(r -> r.changed().size()).sum();
        h.raw("<p class=\"lede\" id=\"diff-totals\" " + Html.attr("data-appear", appear) + " " + Html.attr("data-disappear", disappear) + " "
                + Html.attr("data-change", changed) + ">").text("The same rows, as of " + provenance.asOf() + ", under the current rule set ("
                + provenance.current().version() + ", " + provenance.current().source() + ") and the proposed one ("
                + provenance.proposed().version() + ", " + provenance.proposed().source() + "): " + Html.count(appear)
                + (appear == 1 ? " flag" : " flags") + " would appear, "
                + Html.count(disappear) + " would disappear and " + Html.count(changed) + " would change. Only flags that hold count; a"
                + " resolved flag is no flag.").raw("</p></header>");

        h.raw("<section id=\"summary\" aria-labelledby=\"summary-title\"><h2 id=\"summary-title\">By rule</h2>");
        h.raw("<div class=\"table-scroll\"><table id=\"diff-summary\"><thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Current</th>"
                + "<th scope=\"col\">Proposed</th><th scope=\"col\">Holding now</th><th scope=\"col\">Would hold</th>"
                + "<th scope=\"col\">Appear</th><th scope=\"col\">Disappear</th><th scope=\"col\">Change</th></tr></thead><tbody>");
        for (FlagDiff.RuleDiff rule : diff.rules()) {
            h.raw("<tr " + Html.attr("data-rule", rule.ruleId()) + " " + Html.attr("data-appear", rule.appear().size()) + " "
                    + Html.attr("data-disappear", rule.disappear().size()) + " " + Html.attr("data-change", rule.changed().size()) + ">")
                    .element("th", "scope=\"row\" class=\"rule-id\"", rule.ruleId())
                    .element("td", null, rule.inBefore() ? "defined" : "not defined").element("td", null, rule.inAfter() ? "defined" : "not defined")
                    .element("td", "class=\"num\"", Html.count(rule.openBefore())).element("td", "class=\"num\"", Html.count(rule.openAfter()))
                    .element("td", "class=\"num\"", Html.count(rule.appear().size()))
                    .element("td", "class=\"num\"", Html.count(rule.disappear().size()))
                    .element("td", "class=\"num\"", Html.count(rule.changed().size())).raw("</tr>");
        }
        h.raw("</tbody></table></div></section>");

        List<String[]> rows = new ArrayList<>();
        List<CaseFlag> flags = new ArrayList<>();
        for (FlagDiff.RuleDiff rule : diff.rules()) {
            rule.appear().stream().sorted(ReportPage.BY_RAID).forEach(flag -> {
                flags.add(flag);
                rows.add(new String[] {"appears", null});
            });
            rule.disappear().stream().sorted(ReportPage.BY_RAID).forEach(flag -> {
                flags.add(flag);
                rows.add(new String[] {"disappears", null});
            });
            rule.changed().stream().sorted((a, b) -> ReportPage.BY_RAID.compare(a.after(), b.after())).forEach(change -> {
                flags.add(change.after());
                rows.add(new String[] {"changes", change.before().getSeverity() + ": " + change.before().getExplanation()});
            });
        }
        h.raw("<section id=\"cases\" aria-labelledby=\"cases-title\"><h2 id=\"cases-title\">The cases</h2>");
        h.raw("<p class=\"note\" id=\"cases-count\" " + Html.attr("data-total", flags.size()) + " "
                + Html.attr("data-shown", Math.min(flags.size(), MAX_CASES)) + ">");
        h.text(flags.size() > MAX_CASES ? Html.count(flags.size()) + " flags change; the first " + Html.count(MAX_CASES)
                + " are listed, by rule; rules diff --json gives them all."
                : flags.isEmpty() ? "No flag would change." : "Every flag that would change, by rule. A flag that changes shows what it"
                + " would say; what it says now is under it.");
        h.raw("</p><div class=\"filters no-print\" role=\"group\" aria-label=\"Filter the cases\">");
        ReportPage.filter(h, "filter-rule", "Rule", flags.stream().map(CaseFlag::getRuleId).distinct().sorted().toList());
        ReportPage.filter(h, "filter-change", "Change", List.of("appears", "disappears", "changes"));
        ReportPage.filter(h, "filter-severity", "Severity", List.of("HIGH", "MEDIUM", "LOW"));
        ReportPage.filter(h, "filter-force", "Force", flags.stream().map(CaseFlag::getForce).distinct().sorted().toList());
        h.raw("<span id=\"cases-shown\" aria-live=\"polite\"></span></div>");
        h.raw("<div class=\"table-scroll\"><table id=\"case-table\" class=\"cases\"><thead><tr><th scope=\"col\">Change</th>"
                + "<th scope=\"col\">Raid</th><th scope=\"col\">Force</th><th scope=\"col\">Raid date</th><th scope=\"col\">Rule</th>"
                + "<th scope=\"col\">Severity</th><th scope=\"col\">Status</th><th scope=\"col\">What the rule finds</th>"
                + "<th scope=\"col\">Evidence</th><th scope=\"col\">Sources</th></tr></thead><tbody>");
        for (int i = 0; i < Math.min(flags.size(), MAX_CASES); i++) {
            ReportPage.caseRow(h, flags.get(i), rows.get(i)[0], rows.get(i)[1]);
        }
        h.raw("</tbody></table></div></section>");

        h.raw("<section id=\"provenance\" aria-labelledby=\"provenance-title\"><h2 id=\"provenance-title\">What the comparison ran on</h2>");
        h.raw("<dl class=\"facts\">");
        h.element("dt", null, "As of").element("dd", null, provenance.asOf());
        h.element("dt", null, "Made").element("dd", null, provenance.made());
        h.element("dt", null, "raidwatch").element("dd", null, provenance.raidwatchVersion());
        h.element("dt", null, "Current rules").element("dd", "id=\"fact-current\"", provenance.current().version() + " ("
                + provenance.current().source() + "), SHA-256 " + provenance.current().digest());
        h.element("dt", null, "Proposed rules").element("dd", "id=\"fact-proposed\"", provenance.proposed().version() + " ("
                + provenance.proposed().source() + "), SHA-256 " + provenance.proposed().digest());
        h.raw("</dl>");
        ReportPage.inputsTable(h, provenance.inputs());
        ReportPage.rulesTable(h, "rules-proposed", "The proposed rules", provenance.proposed());
        ReportPage.rulesTable(h, "rules-current", "The current rules", provenance.current());
        h.raw("</section>");
        ReportPage.methods(h, RateBase.DEFAULT, provenance.proposed());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("asOf", provenance.asOf().toString());
        ReportPage.tail(h, data);
        return h.toString();
    }
}
