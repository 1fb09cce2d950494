package org.raidwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.raidwatch.bench.FlagsRequestLoad;
import org.raidwatch.bench.LatencyBenchmark;
import org.raidwatch.bench.ThroughputBenchmark;

/** The benchmarks' {@code --json} lines: snake_case fields, medians first, then every run. */
final class BenchJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchJson() {
    }

    static String throughput(ThroughputBenchmark.Result result, ThroughputBenchmark.Options options, String ruleSetVersion, String command) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "throughput");
        json.put("events", result.events());
        json.put("partitions", options.partitions());
        json.put("threads", options.threads());
        json.put("instances", options.instances());
        json.put("repeat", options.repeat());
        json.put("seed", options.seed());
        json.put("rule_set", ruleSetVersion);
        json.put("warm_up_events", result.warmUpEvents());
        json.put("pipeline_events_per_s", round(result.pipelineEventsPerSecond(), 1));
        json.put("baseline_events_per_s", round(result.baselineEventsPerSecond(), 1));
        json.put("ratio", round(result.ratio(), 4));
        json.put("cpu_us_per_event", round(result.pipelineCpuMicrosPerEvent(), 3));
        json.put("baseline_cpu_us_per_event", round(result.baselineCpuMicrosPerEvent(), 3));
        json.put("heap_peak_mib", round(result.pipelineHeapPeakMib(), 1));
        json.put("rss_peak_mib", round(result.pipelineRssPeakMib(), 1));
        json.put("rate_delta_records_per_event", round(result.rateDeltaRecordsPerEvent(), 4));
        json.put("rocksdb_mem_tables_mib", round(result.rocksDbMib(ThroughputBenchmark.RocksDbMemory::memTables), 1));
        json.put("rocksdb_block_cache_mib", round(result.rocksDbMib(ThroughputBenchmark.RocksDbMemory::blockCache), 1));
        json.put("rocksdb_table_readers_mib", round(result.rocksDbMib(ThroughputBenchmark.RocksDbMemory::tableReaders), 1));
        json.put("rocksdb_estimated_keys", result.rocksDbEstimatedKeys());
        if (options.listFlags()) {
            json.put("listed_events_per_s", round(result.listedEventsPerSecond(), 1));
            json.put("listing_cost", round(result.listingCost(), 4));
            long[] listings = result.listingMillis();
            json.put("flag_listings", listings.length);
            json.put("flag_listing_p50_ms", round(LatencyBenchmark.percentile(listings, 50), 1));
            json.put("flag_listing_max_ms", listings.length == 0 ? -1 : listings[listings.length - 1]);
        }
        json.put("pipeline_runs", runs(result.pipelines()));
        json.put("baseline_runs", runs(result.baselines()));
        if (options.listFlags()) {
            json.put("listed_runs", runs(result.listed()));
        }
        return line(json, command);
    }

    static String latency(LatencyBenchmark.Result result, LatencyBenchmark.Options options, String ruleSetVersion, String command) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "latency");
        json.put("rate", options.rate());
        json.put("duration_s", options.duration().toSeconds());
        json.put("partitions", options.partitions());
        json.put("threads", options.threads());
        json.put("seed", options.seed());
        json.put("rule_set", ruleSetVersion);
        json.put("startup_s", round(result.startup().toNanos() / 1e9, 2));
        json.put("events_sent", result.sent());
        json.put("offered_events_per_s", round(result.offeredPerSecond(), 1));
        json.put("sender_behind_max_ms", result.behind());
        json.put("flag_changes", result.latenciesMs().length);
        json.put("p50_flag_latency_ms", round(result.percentile(50), 1));
        json.put("p99_flag_latency_ms", round(result.percentile(99), 1));
        json.put("max_flag_latency_ms", result.max());
        json.put("slice_s", LatencyBenchmark.SLICE.toSeconds());
        json.put("slice_p99_flag_latency_ms", java.util.Arrays.stream(result.sliceP99Ms()).mapToObj(v -> round(v, 1)).toList());
        return line(json, command);
    }

    static String flags(FlagsRequestLoad.Result result, int clients, int rounds, String command) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "flags");
        json.put("clients", clients);
        json.put("rounds", rounds);
        json.put("answered", result.millis().length);
        json.put("failed", result.failures());
        json.put("flags_matched", result.total());
        json.put("answer_bytes", result.bytes());
        json.put("p50_ms", round(result.percentile(50), 1));
        json.put("p99_ms", round(result.percentile(99), 1));
        json.put("max_ms", result.max());
        json.put("wall_s", round(result.wall().toNanos() / 1e9, 2));
        json.put("first_failure", result.firstFailure());
        return line(json, command);
    }

    /** The line: the fields given, then the Java version and the command that produced them. */
    private static String line(Map<String, Object> json, String command) {
        json.put("java", System.getProperty("java.version"));
        json.put("command", command);
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> runs(List<ThroughputBenchmark.Run> runs) {
        return runs.stream().map(run -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("events_per_s", round(run.eventsPerSecond(), 1));
            json.put("cpu_us_per_event", round(run.streamThreadMicrosPerEvent(), 3));
            json.put("app_cpu_us_per_event", round(run.clientThreadMicrosPerEvent(), 3));
            json.put("process_cpu_us_per_event", round(run.processMicrosPerEvent(), 3));
            json.put("startup_s", round(run.startup().toNanos() / 1e9, 2));
            json.put("processing_s", round(run.processing().toNanos() / 1e9, 2));
            json.put("heap_peak_mib", round(run.heapPeak() / 1048576.0, 1));
            json.put("rss_peak_mib", run.rssPeak() < 0 ? null : round(run.rssPeak() / 1048576.0, 1));
            if (run.rateDeltaRecords() >= 0) {
                json.put("rate_delta_records", run.rateDeltaRecords());
            }
            return json;
        }).toList();
    }

    /** A number to some decimals, or null when it is not one (JSON has no NaN). */
    static Double round(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return null;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
