package org.raidwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.raidwatch.files.InputFiles;
import org.raidwatch.local.Replay;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.RateVocabulary;

/** Writes a replay's results as JSON Lines: flags.jsonl, force-rates.jsonl, rejected.jsonl. */
final class ReplayOutput {

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    private ReplayOutput() {
    }

    record Written(Path flags, Path rates, Path rejected) {
    }

    static Written write(Path dir, Replay.Result result, List<InputFiles.Rejection> rejected) throws IOException {
        Written written = new Written(dir.resolve("flags.jsonl"), dir.resolve("force-rates.jsonl"), dir.resolve("rejected.jsonl"));
        List<CaseFlag> flags = new ArrayList<>(result.flags());
        flags.sort(Comparator.comparing(CaseFlag::getRaidId).thenComparing(CaseFlag::getRuleId));
        writeLines(written.flags(), flags, ReplayOutput::flag);
        writeLines(written.rates(), result.rates().stream()
                .sorted(Comparator.comparing((ForceRates r) -> RateVocabulary.isNational(r) ? "" : r.getForce())
                        .thenComparing(r -> RateVocabulary.isAllTime(r) ? "" : r.getWindow()))
                .toList(), ReplayOutput::rates);
        writeRejections(written.rejected(), rejected);
        return written;
    }

    static void writeRejections(Path file, List<InputFiles.Rejection> rejected) throws IOException {
        writeLines(file, rejected, ReplayOutput::rejection);
    }

    static Map<String, Object> flag(CaseFlag flag) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("raidId", flag.getRaidId());
        json.put("ruleId", flag.getRuleId());
        json.put("status", flag.getStatus().toString());
        json.put("severity", flag.getSeverity().toString());
        json.put("force", flag.getForce());
        json.put("raidDate", flag.getRaidDate().toString());
        json.put("explanation", flag.getExplanation());
        json.put("evidence", new TreeMap<>(flag.getEvidence()));
        json.put("sourceUrl", flag.getSourceUrl());
        json.put("foiReference", flag.getFoiReference());
        json.put("ruleSetVersion", flag.getRuleSetVersion());
        return json;
    }

    static Map<String, Object> rates(ForceRates rates) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("force", rates.getForce());
        json.put("window", rates.getWindow());
        for (String counter : RateVocabulary.COUNTERS) {
            json.put(counter, RateVocabulary.count(rates, counter));
        }
        for (RateVocabulary.Rate rate : RateVocabulary.RATES) {
            json.put(rate.name(), rates.get(rate.name()));
        }
        return json;
    }

    private static Map<String, Object> rejection(InputFiles.Rejection rejection) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", rejection.file());
        json.put("line", rejection.line());
        json.put("reason", rejection.reason());
        return json;
    }

    /** One JSON object a line, each made as it is written (a replay can write a million). */
    private static <T> void writeLines(Path file, List<T> items, Function<T, Map<String, Object>> toJson) throws IOException {
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (T item : items) {
                writer.write(JSON.writeValueAsString(toJson.apply(item)));
                writer.newLine();
            }
        }
    }
}
