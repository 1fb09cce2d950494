package org.raidwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.raidwatch.files.InputFiles;
import org.raidwatch.json.OutputJson;
import org.raidwatch.local.Replay;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.RateBase;
import org.raidwatch.topology.RateVocabulary;

/** Writes a replay's results as JSON Lines: flags.jsonl, force-rates.jsonl, rejected.jsonl. */
final class ReplayOutput {

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    private ReplayOutput() {
    }

    record Written(Path flags, Path rates, Path rejected) {
    }

    /**
     * flags.jsonl, written flag by flag as a replay hands them on (by raid id, then rule id), first
     * under a temporary name: it becomes flags.jsonl only when {@link #finish()} is called, so a replay
     * that stops half way leaves no flags file that looks whole. Counts the flags by rule as it goes.
     */
    static final class FlagsFile implements AutoCloseable {
        private final Path target;
        private final Path partial;
        private final BufferedWriter writer;
        private final Map<String, Long> holding = new TreeMap<>();
        private final Map<String, Long> resolved = new TreeMap<>();
        private boolean finished;

        FlagsFile(Path dir) throws IOException {
            this.target = dir.resolve("flags.jsonl");
            this.partial = dir.resolve("flags.jsonl.partial");
            this.writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
        }

        void write(CaseFlag flag) {
            try {
                writer.write(JSON.writeValueAsString(flag(flag)));
                writer.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + partial + ": " + e.getMessage(), e);
            }
            (flag.getStatus() == FlagStatus.RESOLVED ? resolved : holding).merge(flag.getRuleId(), 1L, Long::sum);
        }

        /** Flags by rule: those holding now, and those resolved. */
        Map<String, Long> holdingByRule() {
            return holding;
        }

        Map<String, Long> resolvedByRule() {
            return resolved;
        }

        /** Every flag is written: the file takes its name. */
        void finish() throws IOException {
            writer.close();
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            finished = true;
        }

        /** Closes the file; unless finished, removes it. */
        @Override
        public void close() throws IOException {
            writer.close();
            if (!finished) {
                Files.deleteIfExists(partial);
            }
        }
    }

    /** Writes force-rates.jsonl and rejected.jsonl (flags.jsonl is {@link FlagsFile}'s, finished after them). */
    static Written write(Path dir, Replay.Result result, List<InputFiles.Rejection> rejected, RateBase base) throws IOException {
        Written written = new Written(dir.resolve("flags.jsonl"), dir.resolve("force-rates.jsonl"), dir.resolve("rejected.jsonl"));
        writeLines(written.rates(), result.rates().stream()
                .sorted(Comparator.comparing((ForceRates r) -> RateVocabulary.isNational(r) ? "" : r.getForce())
                        .thenComparing(r -> RateVocabulary.isAllTime(r) ? "" : r.getWindow()))
                .toList(), rates -> OutputJson.rates(rates, base));
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
