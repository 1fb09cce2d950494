package org.raidwatch.cli;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import org.raidwatch.contract.LogText;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.RateVocabulary;

/** How flags and rates read on a terminal. */
final class ConsoleReport {

    private ConsoleReport() {
    }

    /** One line per flag change: severity, status, force, raid, rule, explanation. */
    static String flagLine(CaseFlag flag) {
        // Every text field escaped: a flag read from a topic need not have passed this release's input contract.
        return String.format("%-6s %-8s %-30s %-10s %-34s %s", flag.getSeverity(), flag.getStatus(), LogText.whole(flag.getForce()),
                LogText.whole(flag.getRaidId()), LogText.whole(flag.getRuleId()), LogText.whole(flag.getExplanation()));
    }

    /** Flags by rule, given as counts: those holding now and those resolved. */
    static void flagsByRule(PrintWriter out, Map<String, Long> holding, Map<String, Long> resolved) {
        Map<String, Long> open = new TreeMap<>(holding);
        resolved.keySet().forEach(rule -> open.putIfAbsent(rule, 0L));
        out.println("  flags by rule (holding now, resolved):");
        if (open.isEmpty()) {
            out.println("    none");
        }
        open.forEach((rule, count) -> out.printf("    %-36s %5d %5d%n", rule, count, resolved.getOrDefault(rule, 0L)));
    }

    static void nationalRates(PrintWriter out, Collection<ForceRates> rates) {
        ForceRates national = rates.stream().filter(r -> RateVocabulary.isNational(r) && RateVocabulary.isAllTime(r))
                .findFirst().orElse(null);
        if (national == null) {
            out.println("  national rates: no claimed raids");
            return;
        }
        out.println("  national rates, all time: " + ratesLine(national));
    }

    static String ratesLine(ForceRates r) {
        return String.format("%d claimed raids; no NRM referral %s (%d of %d); no victims identified %s (%d of %d); "
                        + "FOI answered %s (%d of %d)",
                r.getClaimedRaids(), percent(r.getNoReferralRate()), r.getNoReferral(), r.getReferralKnown(),
                percent(r.getNoVictimsRate()), r.getNoVictims(), r.getVictimsKnown(),
                percent(r.getFoiResponseRate()), r.getFoiAnswered(), r.getFoiRequested());
    }

    /** A table of the forces' all-time rates, most claimed raids first, at most {@code limit} forces. */
    static void forceTable(PrintWriter out, Collection<ForceRates> rates, int limit) {
        out.printf("  %-30s %7s %12s %11s %12s%n", "force", "claimed", "no referral", "no victims", "FOI answered");
        rates.stream()
                .filter(r -> RateVocabulary.isAllTime(r) && !RateVocabulary.isNational(r) && r.getClaimedRaids() > 0)
                .sorted(Comparator.comparing(ForceRates::getClaimedRaids).reversed().thenComparing(ForceRates::getForce))
                .limit(limit)
                .forEach(r -> out.printf("  %-30s %7d %12s %11s %12s%n", r.getForce(), r.getClaimedRaids(),
                        percent(r.getNoReferralRate()), percent(r.getNoVictimsRate()), percent(r.getFoiResponseRate())));
    }

    static String percent(Double rate) {
        return rate == null ? "n/a" : String.format("%.1f%%", rate * 100);
    }
}
