package org.raidwatch.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.CaseState;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.RateBase;

/**
 * The JSON shapes raidwatch shows to people and programs: a flag change (the HTTP API, the live feed,
 * {@code alerts tail --json}, {@code alerts webhook}), a force's rates over a window, and a case.
 * Field names are the Avro schemas' own; dates are ISO-8601 ({@code 2019-03-02}), instants UTC
 * ({@code 2019-03-02T10:15:00Z}), unknown values null. Maps keep their field order, so the JSON reads
 * in the order the README documents.
 */
public final class OutputJson {

    /** One mapper for the whole application: ISO dates, no indentation. */
    public static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private OutputJson() {
    }

    /** A flag change, as on the flagged-cases topic. */
    public static Map<String, Object> flag(CaseFlag flag) {
        return record(flag);
    }

    /**
     * A force's (or ALL's) counts and rates over one window, as on the force-rates topic, then for each
     * rate what it rests on: {@code <rate>Low} and {@code <rate>High}, its 95% interval, and
     * {@code <rate>LowBase}, whether its denominator is below the low-base threshold (all three null
     * when the rate is).
     */
    public static Map<String, Object> rates(ForceRates rates, RateBase base) {
        Map<String, Object> json = record(rates);
        for (RateBase.Reading reading : base.read(rates)) {
            String name = reading.rate().name();
            json.put(name + "Low", reading.interval() == null ? null : reading.interval().low());
            json.put(name + "High", reading.interval() == null ? null : reading.interval().high());
            json.put(name + "LowBase", reading.lowBase());
        }
        return json;
    }

    /**
     * A case: the raid report and FOI update in force, the flags that hold now (sorted by rule id),
     * and the next day time passing alone can change them.
     */
    public static Map<String, Object> caseOf(CaseState state) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("raidId", state.getRaidId());
        json.put("report", state.getReport() == null ? null : record(state.getReport()));
        json.put("foiUpdate", state.getFoiUpdate() == null ? null : record(state.getFoiUpdate()));
        List<Map<String, Object>> flags = new ArrayList<>();
        new TreeMap<>(state.getFlags()).forEach((ruleId, active) -> {
            Map<String, Object> flag = new LinkedHashMap<>();
            flag.put("ruleId", ruleId);
            flag.putAll(record(active));
            flags.add(flag);
        });
        json.put("flags", flags);
        json.put("reevaluateOn", value(state.getReevaluateOn()));
        return json;
    }

    /** A flag change as one JSON line. */
    public static String flagLine(CaseFlag flag) {
        return write(flag(flag));
    }

    public static String write(Object json) {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** Any generated Avro record, field by field in schema order. */
    static Map<String, Object> record(SpecificRecord record) {
        Map<String, Object> json = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            json.put(field.name(), value(record.get(field.pos())));
        }
        return json;
    }

    private static Object value(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof LocalDate || value instanceof Instant || value instanceof CharSequence || value instanceof Enum<?>) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> json = new TreeMap<>();
            map.forEach((k, v) -> json.put(k.toString(), value(v)));
            return json;
        }
        if (value instanceof SpecificRecord nested) {
            return record(nested);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(OutputJson::value).toList();
        }
        return value.toString();
    }
}
