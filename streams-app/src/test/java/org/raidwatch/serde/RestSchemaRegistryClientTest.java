package org.raidwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.RaidReport;

/**
 * The REST client against a stub of the Confluent Schema Registry API (the JDK's HttpServer) that
 * records and checks every request it receives.
 */
class RestSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "/apis/ccompat/v6";
    private static final Schema SCHEMA = RaidReport.getClassSchema();

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    /** How many of the next requests the stub answers 503, as a registry in trouble does. */
    private final java.util.concurrent.atomic.AtomicInteger unavailableAnswers = new java.util.concurrent.atomic.AtomicInteger();
    /** How many of the next requests a proxy's HTML page answers, with 200. */
    private final java.util.concurrent.atomic.AtomicInteger proxyPageAnswers = new java.util.concurrent.atomic.AtomicInteger();
    /** How many of the lookups of raced-value answer "not found", as while the winning registration is still being stored. */
    private final java.util.concurrent.atomic.AtomicInteger racedLookupsNotFound = new java.util.concurrent.atomic.AtomicInteger();
    private RestSchemaRegistryClient client;

    @BeforeEach
    void startStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PREFIX + "/", this::answer);
        server.start();
        client = new RestSchemaRegistryClient(baseUrl(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stopStub() {
        server.stop(0);
        assertThat(problems).as("requests the stub found malformed").isEmpty();
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PREFIX;
    }

    /** The registry stub: raid-reports-value holds SCHEMA as id 42, version 3; everything else is unknown. */
    private void answer(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath().substring(PREFIX.length());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(method + " " + path);
        if (unavailableAnswers.getAndUpdate(n -> Math.max(n - 1, 0)) > 0) {
            reply(exchange, 503, "{\"error_code\":50003,\"message\":\"Error while forwarding the request to the leader\"}");
            return;
        }
        if (method.equals("POST")) {
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (!"application/vnd.schemaregistry.v1+json".equals(contentType)) {
                problems.add(path + " sent Content-Type " + contentType);
            }
            JsonNode sent = JSON.readTree(body);
            if (!new Schema.Parser().parse(sent.path("schema").asText()).equals(SCHEMA)) {
                problems.add(path + " sent another schema: " + body);
            }
        }
        String schemaJson = JSON.writeValueAsString(SCHEMA.toString());
        if (proxyPageAnswers.getAndUpdate(n -> Math.max(n - 1, 0)) > 0) {
            // A proxy in front of the registry answering 200 with its own page
            byte[] page = "<html><body>Please sign in</body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
            return;
        }
        if (path.equals("/schemas/ids/31")) {
            reply(exchange, 200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\"; message M {}\"}");
            return;
        }
        if (path.startsWith("/schemas/ids/1000")) {
            reply(exchange, 200, "{\"schema\":" + schemaJson + "}");
            return;
        }
        switch (method + " " + path) {
            case "POST /subjects/raid-reports-value/versions" -> reply(exchange, 200, "{\"id\":42}");
            case "POST /subjects/zero-value/versions" -> reply(exchange, 200, "{\"id\":0}");
            case "POST /subjects/text-value/versions" -> reply(exchange, 200, "{\"id\":\"42\"}");
            case "POST /subjects/raid-reports-value" ->
                    reply(exchange, 200, "{\"subject\":\"raid-reports-value\",\"id\":42,\"version\":3,\"schema\":" + schemaJson + "}");
            case "GET /schemas/ids/42" -> reply(exchange, 200, "{\"schema\":" + schemaJson + "}");
            case "GET /subjects/raid-reports-value/versions/latest" ->
                    reply(exchange, 200, "{\"subject\":\"raid-reports-value\",\"id\":42,\"version\":3,\"schema\":" + schemaJson + "}");
            case "POST /compatibility/subjects/raid-reports-value/versions/latest" -> reply(exchange, 200, "{\"is_compatible\":true}");
            case "POST /subjects/locked-value/versions" ->
                    reply(exchange, 409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}");
            // Apicurio 2.6 when another registration of the same new subject won the race: the schema is there.
            case "POST /subjects/raced-value/versions" ->
                    reply(exchange, 409, "{\"error_code\":409,\"message\":\"An artifact with ID 'raced-value' in group 'null' already exists.\"}");
            case "POST /subjects/raced-value" -> {
                if (racedLookupsNotFound.getAndUpdate(n -> Math.max(n - 1, 0)) > 0) {
                    reply(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
                } else {
                    reply(exchange, 200, "{\"subject\":\"raced-value\",\"id\":77,\"version\":1,\"schema\":" + schemaJson + "}");
                }
            }
            default -> reply(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void registers_a_schema_once_and_then_answers_from_its_cache() {
        assertThat(client.register("raid-reports-value", SCHEMA)).isEqualTo(42);
        assertThat(client.register("raid-reports-value", SCHEMA)).isEqualTo(42);
        assertThat(client.schemaById(42)).isEqualTo(SCHEMA);

        assertThat(requests).containsExactly("POST /subjects/raid-reports-value/versions");
    }

    @Test
    void an_answer_without_a_positive_whole_id_is_the_registrys_trouble_and_never_cached() {
        // Given a proxy answering 200 with its sign-in page
        proxyPageAnswers.set(1);

        // When raidwatch registers a schema, Then that is an outage (the stream waits), not an id
        assertThatThrownBy(() -> client.register("raid-reports-value", SCHEMA)).isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("without a positive whole id");
        // And nothing was cached: once the registry answers, the real id is used
        assertThat(client.register("raid-reports-value", SCHEMA)).isEqualTo(42);
        // And an id of 0 or in quotes is no id either
        assertThatThrownBy(() -> client.register("zero-value", SCHEMA)).isInstanceOf(SchemaRegistryUnavailableException.class);
        assertThatThrownBy(() -> client.register("text-value", SCHEMA)).isInstanceOf(SchemaRegistryUnavailableException.class);
        assertThat(requests).containsExactly("POST /subjects/raid-reports-value/versions", "POST /subjects/raid-reports-value/versions",
                "POST /subjects/zero-value/versions", "POST /subjects/text-value/versions");
    }

    @Test
    void a_schema_of_another_type_is_refused_as_not_avro() {
        assertThatThrownBy(() -> client.schemaById(31)).isInstanceOf(org.apache.avro.SchemaParseException.class)
                .hasMessageContaining("PROTOBUF schema under this id, not an Avro one");
    }

    @Test
    void the_schema_cache_is_bounded() {
        RestSchemaRegistryClient small = new RestSchemaRegistryClient(RegistrySettings.ofUrl(baseUrl()), Duration.ofSeconds(5), Duration.ZERO, 50);
        // When more distinct ids are asked for than the cache holds
        for (int id = 1; id <= 60; id++) {
            assertThat(small.schemaById(1_000_000 + id)).isEqualTo(SCHEMA);
        }
        // Then it holds no more than its bound
        assertThat(small.cachedSchemas()).isLessThanOrEqualTo(50);
    }

    @Test
    void looks_up_without_registering() {
        assertThat(client.lookup("raid-reports-value", SCHEMA)).isEqualTo(42);

        assertThat(requests).containsExactly("POST /subjects/raid-reports-value");
    }

    @Test
    void fetches_the_latest_version_and_checks_compatibility() {
        SchemaRegistryClient.RegisteredSchema latest = client.latest("raid-reports-value");

        assertThat(latest).isEqualTo(new SchemaRegistryClient.RegisteredSchema("raid-reports-value", 42, 3, SCHEMA));
        assertThat(client.isCompatible("raid-reports-value", SCHEMA)).isTrue();
        assertThat(requests).containsExactly(
                "GET /subjects/raid-reports-value/versions/latest",
                "POST /compatibility/subjects/raid-reports-value/versions/latest");
    }

    @Test
    void a_reader_fetches_an_unknown_schema_id_once_and_never_again() {
        ConfluentAvroSerde<RaidReport> writer = ConfluentAvroSerde.forValues(new RestSchemaRegistryClient(baseUrl(), Duration.ofSeconds(5)), RaidReport.class);
        ConfluentAvroSerde<RaidReport> reader = ConfluentAvroSerde.forValues(client, RaidReport.class);
        RaidReport report = RaidReport.newBuilder().setRaidId("r-1").setForce("Kent Police")
                .setRaidDate(LocalDate.of(2020, 3, 4)).setTraffickingClaimed(true).build();
        byte[] bytes = writer.serializer().serialize("raid-reports", report);
        requests.clear();

        for (int i = 0; i < 5; i++) {
            assertThat(reader.deserializer().deserialize("raid-reports", bytes)).isEqualTo(report);
        }

        assertThat(requests).containsExactly("GET /schemas/ids/42");
    }

    @Test
    void an_error_answer_carries_the_http_status_and_the_registry_error_code() {
        assertThatThrownBy(() -> client.schemaById(7))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                    assertThat(e.isUnknownSchema()).isTrue();
                })
                .hasMessageContaining("GET /schemas/ids/7 answered HTTP 404 error_code 40403: Schema not found");
    }

    @Test
    void an_incompatible_schema_is_a_clear_error() {
        assertThatThrownBy(() -> client.register("locked-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isIncompatible()).isTrue())
                .hasMessageContaining("HTTP 409").hasMessageContaining("incompatible with an earlier schema");
        // Looked up after each refusal, in case another client had registered it; found nowhere, the 409 stands.
        assertThat(requests).hasSize(10).containsOnly("POST /subjects/locked-value/versions", "POST /subjects/locked-value");
    }

    @Test
    void a_registration_that_lost_a_race_to_another_client_gets_the_id_the_winner_registered() {
        // Given a registry that answers 409 "already exists" because another client registered the schema a moment before
        // When this client registers it
        int id = client.register("raced-value", SCHEMA);

        // Then it looks the schema up and gets the other client's id, and remembers it
        assertThat(id).isEqualTo(77);
        assertThat(client.register("raced-value", SCHEMA)).isEqualTo(77);
        assertThat(client.schemaById(77)).isEqualTo(SCHEMA);
        assertThat(requests).containsExactly("POST /subjects/raced-value/versions", "POST /subjects/raced-value");
    }

    @Test
    void a_registration_that_lost_a_race_waits_for_the_winner_to_be_stored() {
        // Given a registry whose lookups do not find the winner's schema the first two times
        racedLookupsNotFound.set(2);

        // When this client registers it, then it tries again until the lookup finds it
        assertThat(client.register("raced-value", SCHEMA)).isEqualTo(77);
        assertThat(requests).containsExactly(
                "POST /subjects/raced-value/versions", "POST /subjects/raced-value",
                "POST /subjects/raced-value/versions", "POST /subjects/raced-value",
                "POST /subjects/raced-value/versions", "POST /subjects/raced-value");
    }

    @Test
    void an_unreachable_registry_is_a_clear_error() {
        server.stop(0);
        RestSchemaRegistryClient unreachable = new RestSchemaRegistryClient(baseUrl(), Duration.ofSeconds(2));

        assertThatThrownBy(() -> unreachable.schemaById(42))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("could not be reached");
    }

    @Test
    void a_registry_in_trouble_is_asked_again_until_it_answers() {
        RestSchemaRegistryClient patient = new RestSchemaRegistryClient(baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(5));
        unavailableAnswers.set(2);

        assertThat(patient.schemaById(42)).isEqualTo(SCHEMA);
        assertThat(requests).containsExactly("GET /schemas/ids/42", "GET /schemas/ids/42", "GET /schemas/ids/42");
    }

    @Test
    void a_registry_that_stays_unavailable_is_an_outage_once_the_retry_budget_is_spent() {
        RestSchemaRegistryClient patient = new RestSchemaRegistryClient(baseUrl(), Duration.ofSeconds(2), Duration.ofMillis(500));
        unavailableAnswers.set(1_000);

        assertThatThrownBy(() -> patient.schemaById(42))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("unavailable after").hasMessageContaining("HTTP 503");
        assertThat(requests).hasSizeGreaterThan(1);
    }

    @Test
    void an_answer_about_the_request_is_not_retried() {
        RestSchemaRegistryClient patient = new RestSchemaRegistryClient(baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(5));

        assertThatThrownBy(() -> patient.schemaById(7)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.isUnknownSchema()).isTrue()).isNotInstanceOf(SchemaRegistryUnavailableException.class);
        assertThat(requests).containsExactly("GET /schemas/ids/7");
    }

    @Test
    void a_url_that_is_not_http_is_refused_at_once() {
        assertThatThrownBy(() -> new RestSchemaRegistryClient("localhost:8081", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://host:port");
    }
}
