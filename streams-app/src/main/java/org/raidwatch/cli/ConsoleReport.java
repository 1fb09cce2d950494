package org.raidwatch.cli;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.raidwatch.contract.LogText;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.RateBase;
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

    static void nationalRates(PrintWriter out, Collection<ForceRates> rates, RateBase base) {
        ForceRates national = rates.stream().filter(r -> RateVocabulary.isNational(r) && RateVocabulary.isAllTime(r))
                .findFirst().orElse(null);
        if (national == null) {
            out.println("  national rates: no claimed raids");
            return;
        }
        out.println("  national rates, all time: " + ratesLine(national, base));
    }

    /**
     * A force's figures on one line: its claimed raids, then each rate with its counts and 95% interval,
     * e.g. {@code no NRM referral 69.2% (54 of 78; 95% interval 58.3-78.4%)}, marked when low base.
     */
    static String ratesLine(ForceRates r, RateBase base) {
        StringBuilder line = new StringBuilder().append(r.getClaimedRaids()).append(" claimed raids");
        for (RateBase.Reading reading : base.read(r)) {
            line.append("; ").append(WORDS.get(reading.rate().name())).append(' ').append(percent(reading.value()))
                    .append(" (").append(reading.counted()).append(" of ").append(reading.outOf());
            if (reading.interval() != null) {
                line.append(String.format(Locale.ROOT, "; 95%% interval %.1f-%.1f%%", reading.interval().low() * 100,
                        reading.interval().high() * 100));
            }
            if (Boolean.TRUE.equals(reading.lowBase())) {
                line.append("; low base: fewer than ").append(base.lowBaseBelow());
            }
            line.append(')');
        }
        return line.toString();
    }

    /** The rates' names on the console, by their field name. */
    private static final Map<String, String> WORDS = Map.of("noReferralRate", "no NRM referral",
            "noVictimsRate", "no victims identified", "foiResponseRate", "FOI answered");

    /**
     * A table of the forces' all-time rates, most claimed raids first, at most {@code limit} forces; a
     * low-base rate is marked {@code *}, and a line under the table says what that means.
     */
    static void forceTable(PrintWriter out, Collection<ForceRates> rates, int limit, RateBase base) {
        out.printf("  %-30s %7s %12s %11s %12s%n", "force", "claimed", "no referral", "no victims", "FOI answered");
        boolean[] marked = {false};
        rates.stream()
                .filter(r -> RateVocabulary.isAllTime(r) && !RateVocabulary.isNational(r) && r.getClaimedRaids() > 0)
                .sorted(Comparator.comparing(ForceRates::getClaimedRaids).reversed().thenComparing(ForceRates::getForce))
                .limit(limit)
                .forEach(r -> {
                    String[] cells = base.read(r).stream().map(reading -> {
                        boolean low = Boolean.TRUE.equals(reading.lowBase());
                        marked[0] |= low;
                        return percent(reading.value()) + (low ? "*" : " ");
                    }).toArray(String[]::new);
                    out.printf("  %-30s %7d %12s %11s %12s%n", r.getForce(), r.getClaimedRaids(), cells[0], cells[1], cells[2]);
                });
        if (marked[0]) {
            out.printf("  * low base: fewer than %d raids (or FOI requests) underneath; the rate can swing widely%n", base.lowBaseBelow());
        }
    }

    static String percent(Double rate) {
        return rate == null ? "n/a" : String.format("%.1f%%", rate * 100);
    }
}
