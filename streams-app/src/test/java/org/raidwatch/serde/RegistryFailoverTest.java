package org.raidwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.RaidReport;

/**
 * A registry given several addresses: calls go to them in order, a registry that cannot be reached
 * or answers 5xx hands over to the next, and the client stays with the one that answered.
 */
class RegistryFailoverTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = RaidReport.getClassSchema();
    private static final String PASSWORD = "pw-4c0ffee";

    /** Every request any stub received, as "stub-name METHOD path [Authorization]". */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopStubs() {
        servers.forEach(s -> s.stop(0));
    }

    /** A registry stub answering every request with the given status (200: schema 42). */
    private String stub(String name, int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> answer(exchange, name, status));
        server.start();
        servers.add(server);
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange, String name, int status) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        requests.add(name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                + (authorization == null ? "" : " [" + authorization + "]"));
        String body = status == 200 ? JSON.createObjectNode().put("schema", SCHEMA.toString()).toString()
                : "{\"error_code\":50001,\"message\":\"store is down\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String deadAddress() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static RestSchemaRegistryClient client(String urls, Duration retryBudget) {
        return new RestSchemaRegistryClient(RegistrySettings.ofUrl(urls), Duration.ofSeconds(2), retryBudget);
    }

    @Test
    void a_dead_first_address_hands_over_to_the_next_which_is_then_kept() throws IOException {
        String dead = deadAddress();
        String live = stub("second", 200);
        RestSchemaRegistryClient client = client("http://" + dead + ",http://" + live, Duration.ZERO);

        assertThat(client.schemaById(42)).isEqualTo(SCHEMA);
        assertThat(client.currentAddress()).hasToString("http://" + live);
        client.schemaById(43);

        assertThat(requests).containsExactly("second GET /schemas/ids/42", "second GET /schemas/ids/43");
    }

    @Test
    void an_address_answering_5xx_hands_over_in_the_order_given() throws IOException {
        String troubled = stub("first", 503);
        String alsoTroubled = stub("second", 500);
        String live = stub("third", 200);
        RestSchemaRegistryClient client = client("http://" + troubled + ",http://" + alsoTroubled + ",http://" + live, Duration.ZERO);

        client.schemaById(42);
        client.schemaById(43);

        assertThat(requests).containsExactly("first GET /schemas/ids/42", "second GET /schemas/ids/42", "third GET /schemas/ids/42",
                "third GET /schemas/ids/43");
    }

    @Test
    void an_answer_about_the_request_does_not_hand_over() throws IOException {
        String refusing = stub("first", 401);
        String live = stub("second", 200);
        RestSchemaRegistryClient client = client("http://raidwatch:" + PASSWORD + "@" + refusing + ",http://" + live, Duration.ZERO);

        assertThatThrownBy(() -> client.schemaById(42)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e).isNotInstanceOf(SchemaRegistryUnavailableException.class);
            assertThat(e.getMessage()).contains("http://" + refusing + " refused raidwatch's credentials").doesNotContain(PASSWORD)
                    .doesNotContain("raidwatch:");
        });
        assertThat(requests).singleElement().asString().startsWith("first GET /schemas/ids/42 [Basic ");
    }

    @Test
    void the_retry_budget_covers_the_whole_list_and_the_outage_names_every_address_without_credentials() throws IOException {
        String first = stub("first", 503);
        String second = stub("second", 503);
        RestSchemaRegistryClient client = client("http://u:" + PASSWORD + "@" + first + ",http://" + second, Duration.ofMillis(900));

        assertThatThrownBy(() -> client.schemaById(42)).isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("schema registry at http://" + first + ",http://" + second + " unavailable after")
                .message().doesNotContain(PASSWORD);

        // Rounds of first-then-second, with pauses of 100, 200, 400 ms between them; the budget is not spent per address.
        // (900 ms leave a loaded machine room for two whole rounds; 500 ms once gave only three requests.)
        assertThat(requests).hasSizeGreaterThanOrEqualTo(4).hasSizeLessThanOrEqualTo(8);
        for (int i = 0; i < requests.size(); i++) {
            assertThat(requests.get(i)).startsWith(i % 2 == 0 ? "first " : "second ");
        }
    }

    @Test
    void credentials_from_the_url_go_to_their_own_address_only() throws IOException {
        String first = stub("first", 503);
        String second = stub("second", 200);
        RestSchemaRegistryClient client = client("http://one:" + PASSWORD + "@" + first + ",http://" + second, Duration.ZERO);

        client.schemaById(42);

        assertThat(requests).hasSize(2);
        assertThat(requests.get(0)).startsWith("first GET /schemas/ids/42 [Basic ");
        assertThat(requests.get(1)).isEqualTo("second GET /schemas/ids/42");
    }
}
