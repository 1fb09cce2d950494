package org.raidwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.deployment.HttpEndpoint;
import org.raidwatch.instance.RaidwatchInstance;
import org.raidwatch.it.AppInstance;
import org.raidwatch.it.Await;
import org.raidwatch.it.Cluster;
import org.raidwatch.it.Expected;
import org.raidwatch.it.Http;
import org.raidwatch.it.PrometheusText;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.runner.StreamsProperties;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.serde.InMemorySchemaRegistry;
import org.raidwatch.topology.RateBase;
import org.raidwatch.topology.RateVocabulary;
import org.raidwatch.topology.TopicNames;

/**
 * The HTTP API of running instances on a real broker: rates, flags and cases answered from the state
 * stores (and from the other instance when it holds the key), the errors a caller can cause, health,
 * readiness and metrics.
 */
class ApiIT {

    private static final RuleSet RULES = RuleSet.loadShipped();

    @TempDir
    Path dir;

    private String registryScope;

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(registryScope);
    }

    @Test
    void one_instance_answers_rates_flags_cases_health_and_metrics_from_its_state() throws Exception {
        registryScope = "api-it-one";
        String registry = "mock://" + registryScope;
        List<DemoDataset.Event> events = DemoDataset.generate(8, 400);
        Expected expected = Expected.of(events, RULES, AppInstance.AS_OF);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, registry, 2);
            try (AppInstance app = AppInstance.start(kafka.bootstrapServers(), registry, dir.resolve("state"), RULES,
                    HttpEndpoint.anyFreePort("127.0.0.1"))) {
                int port = app.httpPort();
                Http http = new Http(port);
                // Given a running instance that has processed a national dataset, its flags listed all the while
                // (so the listing is read whole early on and then kept up with the flags raised since)
                cluster.send(events);
                Await.until(Duration.ofMinutes(2), "the flags and rates of " + events.size() + " inputs",
                        () -> http.get("/api/flags?status=any&limit=1").status() == 200
                                & expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> expected.mismatches(cluster.latestFlags(), cluster.latestRates()) + "; " + cluster.offsets());
                Map<String, ForceRates> rates = cluster.latestRates();
                Map<String, CaseFlag> flags = cluster.latestFlags();

                // Then the national all-time rates are the counted ones
                JsonNode national = http.get("/api/rates?force=ALL&window=all").json();
                assertThat(national.get("rates")).hasSize(1);
                assertSameRates(national.get("rates").get(0), rates.get("ALL|all"));
                assertThat(national.get("asOf").asText()).isEqualTo("2023-06-30");
                assertThat(national.get("latestWindow").asText()).isEqualTo("2023-05");
                assertThat(national.get("lowBaseBelow").asInt()).isEqualTo(10);

                // And every force's all-time rates, and one force's every window, are those on the rates topic
                JsonNode allTime = http.get("/api/rates?window=all").json().get("rates");
                Map<String, JsonNode> byForce = new TreeMap<>();
                allTime.forEach(r -> byForce.put(r.get("force").asText(), r));
                Set<String> forcesOnTopic = new TreeSet<>();
                rates.forEach((key, r) -> {
                    if (r.getWindow().equals("all")) {
                        forcesOnTopic.add(r.getForce());
                    }
                });
                assertThat(byForce.keySet()).isEqualTo(forcesOnTopic);
                byForce.forEach((force, r) -> assertSameRates(r, rates.get(force + "|all")));
                String someForce = flags.values().iterator().next().getForce();
                JsonNode series = http.get("/api/rates?force=" + encode(someForce)).json().get("rates");
                long onTopic = rates.keySet().stream().filter(key -> key.startsWith(someForce + "|")).count();
                assertThat(series).hasSize((int) onTopic);
                series.forEach(r -> assertSameRates(r, rates.get(someForce + "|" + r.get("window").asText())));
                // And a window answers for every force with claimed raids: the counted figures, or zeros where none of its
                // raids falls in those twelve months (the dataset's raids end years before 2023, so the latest window counts none)
                Set<String> forcesWithRaids = new TreeSet<>();
                rates.values().stream().filter(r -> r.getWindow().equals("all") && r.getClaimedRaids() > 0)
                        .forEach(r -> forcesWithRaids.add(r.getForce()));
                for (String window : List.of("latest", "2019-06")) {
                    String month = window.equals("latest") ? "2023-05" : window;
                    JsonNode inWindow = http.get("/api/rates?window=" + window).json().get("rates");
                    Set<String> answered = new TreeSet<>();
                    inWindow.forEach(r -> {
                        answered.add(r.get("force").asText());
                        ForceRates counted = rates.get(r.get("force").asText() + "|" + month);
                        assertSameRates(r, counted != null ? counted
                                : org.raidwatch.topology.RateVocabulary.zeroFilled(r.get("force").asText(), month));
                    });
                    assertThat(answered).as(window).isEqualTo(forcesWithRaids);
                }
                assertThat(rates.keySet()).anyMatch(key -> key.endsWith("|2019-06"));

                // And the flags listed are the latest changes on the flagged-cases topic (the global store may lag a moment)
                long open = flags.values().stream().filter(f -> f.getStatus() != FlagStatus.RESOLVED).count();
                Await.until(Duration.ofSeconds(30), "every flag in the flags store",
                        () -> http.get("/api/flags?status=any&limit=1000").json().get("total").asInt() == flags.size(),
                        () -> http.get("/api/flags?status=any&limit=1").body() + " vs " + flags.size() + " on the topic");
                assertThat(http.get("/api/flags").json().get("total").asInt()).isEqualTo((int) open);
                List<String> newestOnTopic = flags.values().stream()
                        .sorted(java.util.Comparator.comparing(CaseFlag::getChangedAt).reversed()
                                .thenComparing(CaseFlag::getRaidId).thenComparing(CaseFlag::getRuleId))
                        .limit(1000).map(f -> f.getRaidId() + "|" + f.getRuleId() + "|" + f.getStatus()).toList();
                List<String> newestListed = new ArrayList<>();
                http.get("/api/flags?status=any&limit=1000").json().get("flags").forEach(f -> newestListed.add(
                        f.get("raidId").asText() + "|" + f.get("ruleId").asText() + "|" + f.get("status").asText()));
                assertThat(newestListed).isEqualTo(newestOnTopic);
                JsonNode three = http.get("/api/flags?limit=3").json().get("flags");
                assertThat(three).hasSize(3);
                assertThat(three.get(0).get("changedAt").asText()).isGreaterThanOrEqualTo(three.get(2).get("changedAt").asText());
                JsonNode high = http.get("/api/flags?rule=claimed-no-referral&severity=HIGH&limit=1000").json();
                assertThat(high.get("total").asInt()).isEqualTo((int) flags.values().stream()
                        .filter(f -> f.getRuleId().equals("claimed-no-referral") && f.getStatus() != FlagStatus.RESOLVED).count());
                high.get("flags").forEach(f -> assertThat(f.get("ruleId").asText()).isEqualTo("claimed-no-referral"));
                JsonNode resolved = http.get("/api/flags?status=RESOLVED&force=" + encode(someForce) + "&limit=1000").json();
                assertThat(resolved.get("total").asInt()).isEqualTo((int) flags.values().stream()
                        .filter(f -> f.getStatus() == FlagStatus.RESOLVED && f.getForce().equals(someForce)).count());
                assertThat(http.get("/api/flags?since=2100-01-01").json().get("total").asInt()).isZero();

                // And a flagged raid's case shows its report, FOI update, flags with evidence and its source link
                CaseFlag holding = flags.values().stream().filter(f -> f.getStatus() != FlagStatus.RESOLVED).findFirst().orElseThrow();
                JsonNode theCase = http.get("/api/cases/" + encode(holding.getRaidId())).json();
                assertThat(theCase.get("raidId").asText()).isEqualTo(holding.getRaidId());
                assertThat(theCase.get("report").get("force").asText()).isEqualTo(holding.getForce());
                assertThat(theCase.get("report").get("sourceUrl").asText()).isEqualTo(String.valueOf(holding.getSourceUrl()));
                List<String> caseRules = new ArrayList<>();
                theCase.get("flags").forEach(f -> {
                    caseRules.add(f.get("ruleId").asText());
                    assertThat(f.get("explanation").asText()).isNotBlank();
                });
                assertThat(caseRules).contains(holding.getRuleId());
                assertThat(theCase.get("flags").get(caseRules.indexOf(holding.getRuleId())).get("evidence").size())
                        .isEqualTo(holding.getEvidence().size());

                // And a caller's mistakes get 400 with the reason, an unknown raid 404, all as JSON
                assertThat(http.get("/api/cases/NO-SUCH-RAID").status()).isEqualTo(404);
                assertThat(http.get("/api/cases/NO-SUCH-RAID").json().get("error").asText()).contains("NO-SUCH-RAID");
                for (String bad : List.of("/api/rates?force=Atlantis", "/api/rates?window=2021-13", "/api/rates?window=yesterday",
                        "/api/flags?status=MAYBE", "/api/flags?severity=URGENT", "/api/flags?force=Atlantis", "/api/flags?since=last-week",
                        "/api/flags?limit=0", "/api/flags?limit=1001", "/api/flags?limit=many")) {
                    Http.Answer answer = http.get(bad);
                    assertThat(answer.status()).as(bad).isEqualTo(400);
                    assertThat(answer.contentType()).as(bad).startsWith("application/json");
                    assertThat(answer.json().get("error").asText()).as(bad).isNotBlank();
                }

                // And health and readiness answer
                assertThat(http.get("/health").json().get("status").asText()).isEqualTo("UP");
                Http.Answer ready = http.get("/ready");
                assertThat(ready.status()).isEqualTo(200);
                assertThat(ready.json().get("state").asText()).isEqualTo("RUNNING");

                // And /metrics is Prometheus text with raidwatch's, Kafka Streams' and the JVM's series
                Map<String, Double> metrics = PrometheusText.parse(http.get("/metrics").body());
                int reports = (int) events.stream().filter(e -> e.report() != null).count();
                assertThat(metric(metrics, "raidwatch_records_processed_total", "input=\"raid-reports\"")).isEqualTo(reports);
                assertThat(metric(metrics, "raidwatch_records_processed_total", "input=\"foi-updates\"")).isEqualTo(events.size() - reports);
                double raised = metrics.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("raidwatch_flag_changes_total{") && e.getKey().contains("status=\"RAISED\""))
                        .mapToDouble(Map.Entry::getValue).sum();
                assertThat(raised).isGreaterThanOrEqualTo(open);
                assertThat(metric(metrics, "raidwatch_dead_letters_total", "reason=\"undecodable\"")).isZero();
                assertThat(metric(metrics, "raidwatch_rule_evaluation_seconds_count")).isGreaterThanOrEqualTo(events.size());
                assertThat(metric(metrics, "raidwatch_rule_set_info", "version=\"" + RULES.version() + "\"")).isEqualTo(1.0);
                assertThat(metric(metrics, "raidwatch_rate", "force=\"ALL\"", "rate=\"no_referral\"", "window=\"all\""))
                        .isEqualTo(rates.get("ALL|all").getNoReferralRate());
                assertThat(metric(metrics, "raidwatch_rate_count", "force=\"ALL\"", "count=\"claimed_raids\"", "window=\"all\""))
                        .isEqualTo(rates.get("ALL|all").getClaimedRaids());
                ForceRates nationalRates = rates.get("ALL|all");
                RateBase.Interval noReferral = RateBase.wilson(nationalRates.getNoReferral(), nationalRates.getReferralKnown());
                assertThat(metric(metrics, "raidwatch_rate_interval", "force=\"ALL\"", "rate=\"no_referral\"", "window=\"all\"", "bound=\"low\""))
                        .isCloseTo(noReferral.low(), org.assertj.core.data.Offset.offset(1e-12));
                assertThat(metric(metrics, "raidwatch_rate_interval", "force=\"ALL\"", "rate=\"no_referral\"", "window=\"all\"", "bound=\"high\""))
                        .isCloseTo(noReferral.high(), org.assertj.core.data.Offset.offset(1e-12));
                assertThat(metric(metrics, "raidwatch_rate_low_base", "force=\"ALL\"", "rate=\"no_referral\"", "window=\"all\""))
                        .isEqualTo(nationalRates.getReferralKnown() < 10 ? 1.0 : 0.0);
                assertThat(metrics.keySet()).anyMatch(name -> name.startsWith("kafka_stream_"));
                assertThat(metrics.keySet()).anyMatch(name -> name.startsWith("jvm_memory_used_bytes"));

                // And the dashboard and its chart library are served from the jar
                Http.Answer page = http.get("/");
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.contentType()).startsWith("text/html");
                assertThat(http.get("/webjars/chart.js/4.4.7/dist/chart.umd.js").status()).isEqualTo(200);
                assertThat(http.get("/api/forces").json().get("forces")).hasSize(44);

                // And the dashboard learns the rates' vocabulary from the API: the counters in the rates' order, each rate a counter out of another
                var vocabulary = http.get("/api/vocabulary").json();
                assertThat(vocabulary.get("national").asText()).isEqualTo("ALL");
                List<String> counters = new ArrayList<>();
                vocabulary.get("counters").forEach(c -> counters.add(c.asText()));
                assertThat(counters).containsExactly("claimedRaids", "foiRequested", "foiAnswered", "referralKnown", "noReferral",
                        "victimsKnown", "noVictims");
                assertThat(vocabulary.get("rates").get(0).toString())
                        .isEqualTo("{\"name\":\"noReferralRate\",\"counted\":\"noReferral\",\"outOf\":\"referralKnown\"}");

                // And the live feed sends flag changes as server-sent events
                var event = java.util.concurrent.CompletableFuture.supplyAsync(() -> firstFeedEvent(port));
                assertThat(event.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("the feed's first event within 30 s")
                        .contains("\"raidId\"").contains("\"ruleId\"");
            }
        }
    }

    @Test
    void readiness_follows_the_stream_state() throws Exception {
        registryScope = "api-it-ready";
        String registry = "mock://" + registryScope;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, registry, 1);
            var props = StreamsProperties.defaults("raidwatch-ready-it", kafka.bootstrapServers(), TopicNames.DEFAULTS.deadLetters());
            props.put("state.dir", dir.resolve("state").toString());
            try (RaidwatchInstance instance = RaidwatchInstance.listen(RULES, HttpEndpoint.anyFreePort("127.0.0.1"), () -> AppInstance.AS_OF)) {
                Http http = new Http(instance.http().port());
                // Given the HTTP server up before the stream exists: alive, not ready, state reads answer 503
                assertThat(http.get("/health").status()).isEqualTo(200);
                assertNotReady(http.get("/ready"), "STARTING");
                assertThat(http.get("/api/rates").status()).isEqualTo(503);

                StreamsRunner runner = instance.build(props, cluster.topics, AppInstance.settings(1),
                        cluster.client);
                try {
                    assertNotReady(http.get("/ready"), "CREATED");

                    // When the stream starts: ready
                    assertThat(instance.start(Duration.ofSeconds(90))).as("the stream started").isTrue();
                    Await.until(Duration.ofSeconds(30), "/ready to answer 200", () -> http.get("/ready").status() == 200,
                            () -> http.get("/ready").body());
                    assertThat(http.get("/ready").json().get("ready").asBoolean()).isTrue();

                    // When it stops: not ready, still alive
                    runner.close();
                    assertNotReady(http.get("/ready"), KafkaStreams.State.NOT_RUNNING.name());
                    assertThat(http.get("/health").status()).isEqualTo(200);
                    Http.Answer rates = http.get("/api/rates");
                    assertThat(rates.status()).isEqualTo(503);
                    assertThat(rates.json().get("error").asText()).contains("NOT_RUNNING");
                } finally {
                    runner.close();
                }
            }
        }
    }

    private static void assertNotReady(Http.Answer ready, String state) {
        assertThat(ready.status()).as(ready.body()).isEqualTo(503);
        assertThat(ready.json().get("ready").asBoolean()).isFalse();
        assertThat(ready.json().get("state").asText()).isEqualTo(state);
    }

    @Test
    void rates_and_cases_held_by_the_other_instance_are_answered_by_either() throws Exception {
        registryScope = "api-it-two";
        String registry = "mock://" + registryScope;
        List<DemoDataset.Event> events = DemoDataset.generate(9, 500);
        Expected expected = Expected.of(events, RULES, AppInstance.AS_OF);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, registry, 4);
            try (AppInstance one = AppInstance.start(kafka.bootstrapServers(), registry, dir.resolve("state-1"), RULES,
                    HttpEndpoint.anyFreePort("127.0.0.1"));
                 AppInstance two = AppInstance.start(kafka.bootstrapServers(), registry, dir.resolve("state-2"), RULES,
                         HttpEndpoint.anyFreePort("127.0.0.1"))) {
                Http first = new Http(one.httpPort());
                Http second = new Http(two.httpPort());
                // Given two instances sharing four partitions, with a dataset processed
                Await.until(Duration.ofMinutes(1), "both instances running after the rebalance",
                        () -> one.state() == KafkaStreams.State.RUNNING && two.state() == KafkaStreams.State.RUNNING,
                        () -> "first " + one.describe() + ", second " + two.describe());
                cluster.send(events);
                Await.until(Duration.ofMinutes(2), "the flags and rates of " + events.size() + " inputs",
                        () -> expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> expected.mismatches(cluster.latestFlags(), cluster.latestRates()) + "; " + cluster.offsets());
                Map<String, ForceRates> rates = cluster.latestRates();
                Set<String> forces = new TreeSet<>();
                rates.values().forEach(r -> forces.add(r.getForce()));

                // When each force's rates are asked of the first instance
                Set<String> heldBySecond = new HashSet<>();
                for (String force : forces) {
                    String local = "/api/rates?window=all&force=" + encode(force);
                    Http.Answer localOnly = first.get(local, new String[] {ApiServer.LOCAL_ONLY_HEADER, "true"});
                    if (localOnly.status() == 503) {
                        assertThat(localOnly.json().get("error").asText()).contains("is held by");
                        heldBySecond.add(force);
                    } else {
                        assertThat(localOnly.status()).as(localOnly.body()).isEqualTo(200);
                    }
                    // Then the answer is the counted one, wherever the force's rates live
                    JsonNode answer = first.get(local).json().get("rates");
                    assertThat(answer).as(force).hasSize(1);
                    assertSameRates(answer.get(0), rates.get(force + "|all"));
                }
                assertThat(heldBySecond).as("forces whose rates the second instance holds").isNotEmpty().hasSizeLessThan(forces.size());

                // And either instance lists every force's rates, gathering the other's share
                for (Http instance : List.of(first, second)) {
                    JsonNode all = instance.get("/api/rates?window=all").json().get("rates");
                    Set<String> listed = new TreeSet<>();
                    all.forEach(r -> {
                        listed.add(r.get("force").asText());
                        assertSameRates(r, rates.get(r.get("force").asText() + "|all"));
                    });
                    assertThat(listed).isEqualTo(forces);
                }

                // And every flagged raid's case is answered by either instance
                Set<String> raids = new TreeSet<>();
                cluster.latestFlags().values().forEach(f -> raids.add(f.getRaidId()));
                for (String raid : raids.stream().limit(40).toList()) {
                    assertThat(first.get("/api/cases/" + encode(raid)).json().get("raidId").asText()).isEqualTo(raid);
                    assertThat(second.get("/api/cases/" + encode(raid)).json().get("raidId").asText()).isEqualTo(raid);
                }
            }
        }
    }

    private static void assertSameRates(JsonNode json, ForceRates expected) {
        assertThat(expected).as("rates of " + json).isNotNull();
        String what = expected.getForce() + " " + expected.getWindow();
        assertThat(json.get("force").asText()).as(what).isEqualTo(expected.getForce());
        assertThat(json.get("window").asText()).as(what).isEqualTo(expected.getWindow());
        assertThat(json.get("claimedRaids").asInt()).as(what).isEqualTo(expected.getClaimedRaids());
        assertThat(json.get("foiRequested").asInt()).as(what).isEqualTo(expected.getFoiRequested());
        assertThat(json.get("foiAnswered").asInt()).as(what).isEqualTo(expected.getFoiAnswered());
        assertThat(json.get("referralKnown").asInt()).as(what).isEqualTo(expected.getReferralKnown());
        assertThat(json.get("noReferral").asInt()).as(what).isEqualTo(expected.getNoReferral());
        assertThat(json.get("victimsKnown").asInt()).as(what).isEqualTo(expected.getVictimsKnown());
        assertThat(json.get("noVictims").asInt()).as(what).isEqualTo(expected.getNoVictims());
        if (expected.getNoReferralRate() == null) {
            assertThat(json.get("noReferralRate").isNull()).as(what).isTrue();
        } else {
            assertThat(json.get("noReferralRate").asDouble()).as(what).isEqualTo(expected.getNoReferralRate());
        }
        // And each rate with its 95% interval from the same counts, and its low-base mark (fewer than 10 underneath)
        for (RateVocabulary.Rate rate : RateVocabulary.RATES) {
            int counted = RateVocabulary.count(expected, rate.counted());
            int outOf = RateVocabulary.count(expected, rate.outOf());
            RateBase.Interval interval = RateBase.wilson(counted, outOf);
            if (interval == null) {
                assertThat(json.get(rate.name() + "Low").isNull()).as(what + " " + rate.name()).isTrue();
                assertThat(json.get(rate.name() + "LowBase").isNull()).as(what + " " + rate.name()).isTrue();
            } else {
                assertThat(json.get(rate.name() + "Low").asDouble()).as(what + " " + rate.name()).isEqualTo(interval.low());
                assertThat(json.get(rate.name() + "High").asDouble()).as(what + " " + rate.name()).isEqualTo(interval.high());
                assertThat(json.get(rate.name() + "LowBase").asBoolean()).as(what + " " + rate.name()).isEqualTo(outOf < 10);
            }
        }
    }

    /** The value of the one series with this name and these labels. */
    private static double metric(Map<String, Double> metrics, String name, String... labels) {
        List<Map.Entry<String, Double>> found = metrics.entrySet().stream()
                .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .filter(e -> List.of(labels).stream().allMatch(label -> e.getKey().contains(label)))
                .toList();
        assertThat(found).as(name + " " + List.of(labels) + " among " + metrics.keySet().stream()
                .filter(k -> k.startsWith(name)).toList()).hasSize(1);
        return found.get(0).getValue();
    }

    private static String firstFeedEvent(int port) {
        try {
            return readFirstFeedEvent(port);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readFirstFeedEvent(int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/feed"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(20)).GET().build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.equals("event: flag")) {
                    event = line;
                } else if (event != null && line.startsWith("data: ")) {
                    return line.substring("data: ".length());
                }
            }
        }
        throw new AssertionError("the feed closed before sending a flag");
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
