package org.raidwatch.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.raidwatch.demo.DemoDataset;

/**
 * The synthetic national dataset as input files a replay reads: raid reports and FOI updates as
 * JSON Lines, one record per line with the input contract's camelCase fields, in the order the
 * events happen. For measuring replay at a chosen size, and comparing its outputs across builds.
 */
public final class DatasetFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The files written, and how many rows each holds. */
    public record Written(Path raidReports, long raidReportRows, Path foiUpdates, long foiUpdateRows) {
    }

    private DatasetFiles() {
    }

    public static Written write(List<DemoDataset.Event> events, Path folder) throws IOException {
        Files.createDirectories(folder);
        Written written = new Written(folder.resolve("raid-reports.jsonl"), 0, folder.resolve("foi-updates.jsonl"), 0);
        long reports = 0;
        long updates = 0;
        try (BufferedWriter raids = Files.newBufferedWriter(written.raidReports(), StandardCharsets.UTF_8);
             BufferedWriter fois = Files.newBufferedWriter(written.foiUpdates(), StandardCharsets.UTF_8)) {
            for (DemoDataset.Event event : events) {
                if (event.report() != null) {
                    raids.write(line(event.report()));
                    raids.newLine();
                    reports++;
                } else {
                    fois.write(line(event.foiUpdate()));
                    fois.newLine();
                    updates++;
                }
            }
        }
        return new Written(written.raidReports(), reports, written.foiUpdates(), updates);
    }

    /** A record as one JSON object: its fields by schema name; dates, instants and enums as their text. */
    static String line(SpecificRecord record) throws JsonProcessingException {
        Map<String, Object> json = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            json.put(field.name(), value == null || value instanceof Number || value instanceof Boolean ? value : value.toString());
        }
        return JSON.writeValueAsString(json);
    }
}
