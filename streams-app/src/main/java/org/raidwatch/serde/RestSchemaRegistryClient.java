package org.raidwatch.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;

/**
 * A client for the Confluent Schema Registry REST API on {@code java.net.http}. Ids are cached per
 * subject and schema, and schemas per id, so a running stream asks the registry once per schema.
 * It may be given several addresses of one registry: a call goes to the address that answered last;
 * one that cannot be reached or answers 5xx, 408 or 429 hands the call to the next. When every address
 * is in trouble the round is tried again with growing pauses for up to the retry budget (for the
 * whole list); then the call fails with {@link SchemaRegistryUnavailableException}. Requests carry the
 * configured credentials; messages name an address without its user info, and never a credential.
 * An answer is checked before it is used or cached: an id must be a positive whole number in a JSON
 * answer, or the answer is the registry's trouble (a proxy's HTML page answering 200, say), never
 * cached; each cache holds at most {@value #MAX_CACHED} entries.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Registrations (each followed by a lookup) tried on a 409 before it is taken as an incompatibility. */
    private static final int CONFLICT_ATTEMPTS = 5;
    private static final long CONFLICT_FIRST_PAUSE_MS = 50;
    /** Entries each cache holds at most; past that it starts again (ids a stream needs are few, and asked again once). */
    static final int MAX_CACHED = 10_000;

    private final List<RegistrySettings.Endpoint> endpoints;
    /** The address that answered last: calls start there. */
    private final AtomicInteger current = new AtomicInteger();
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration retryBudget;
    private final int maxCached;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    /**
     * @param baseUrl the registry's address including any path prefix, e.g.
     *                {@code http://localhost:8081} or {@code http://host:8080/apis/ccompat/v6}
     */
    public RestSchemaRegistryClient(String baseUrl, Duration requestTimeout) {
        this(baseUrl, requestTimeout, Duration.ZERO);
    }

    /**
     * @param retryBudget how long to keep retrying a call the registry did not answer properly; zero
     *                    for one attempt
     */
    public RestSchemaRegistryClient(String baseUrl, Duration requestTimeout, Duration retryBudget) {
        this(settingsOf(baseUrl), requestTimeout, retryBudget);
    }

    /**
     * @param retryBudget how long to keep retrying a call no address answered properly; zero for one
     *                    round over the addresses
     * @throws RegistrySettings.InvalidRegistrySettingException when a TLS store cannot be opened
     */
    public RestSchemaRegistryClient(RegistrySettings settings, Duration requestTimeout, Duration retryBudget) {
        this(settings, requestTimeout, retryBudget, MAX_CACHED);
    }

    /** @param maxCached entries each cache holds at most */
    RestSchemaRegistryClient(RegistrySettings settings, Duration requestTimeout, Duration retryBudget, int maxCached) {
        this.maxCached = maxCached;
        if (settings.isMock()) {
            throw new IllegalArgumentException("a mock:// registry is in memory: use SchemaRegistries.forSettings");
        }
        this.endpoints = settings.endpoints();
        this.requestTimeout = requestTimeout;
        this.retryBudget = retryBudget;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(requestTimeout);
        SSLContext tls = settings.sslContext();
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    private static RegistrySettings settingsOf(String baseUrl) {
        try {
            return RegistrySettings.ofUrl(baseUrl);
        } catch (RegistrySettings.InvalidRegistrySettingException e) {
            throw new IllegalArgumentException("schema registry URL must look like http://host:port, got: "
                    + RegistrySettings.redact(baseUrl), e);
        }
    }

    /** Schemas it holds by id now. */
    int cachedSchemas() {
        return schemasById.size();
    }

    /** The address calls go to first: the one that answered last. */
    public URI currentAddress() {
        return endpoints.get(current.get()).base();
    }

    @Override
    public int register(String subject, Schema schema) {
        bound(idsBySubjectSchema);
        return idsBySubjectSchema.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            int id = registerOrFind(subject, schema);
            bound(schemasById);
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    /** A cache at its bound starts again, so no stream of distinct ids or schemas grows it without end. */
    private void bound(Map<?, ?> cache) {
        if (cache.size() >= maxCached) {
            cache.clear();
        }
    }

    /**
     * Registers the schema; a 409 answer is settled by looking the schema up. Confluent's server means
     * "incompatible" by 409, but Apicurio 2.6 also answers 409 ("artifact ... already exists") to the
     * second of two registrations of a new subject that race each other, as two instances starting
     * together do: then the schema is registered, by the other, and the lookup finds its id. Only when
     * a few lookups and registrations spread over about a second never find it does the 409 stand.
     */
    private int registerOrFind(String subject, Schema schema) {
        long pauseMs = CONFLICT_FIRST_PAUSE_MS;
        for (int attempt = 1; ; attempt++) {
            SchemaRegistryException conflict;
            try {
                return idOf(send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema)), "registering under " + subject);
            } catch (SchemaRegistryUnavailableException e) {
                throw e;
            } catch (SchemaRegistryException e) {
                if (!e.isConflict()) {
                    throw e;
                }
                conflict = e;
            }
            try {
                return idOf(send("POST", "/subjects/" + encode(subject), schemaBody(schema)), "looking up under " + subject);
            } catch (SchemaRegistryUnavailableException e) {
                throw e;
            } catch (SchemaRegistryException notFound) {
                if (!notFound.isUnknownSubject() && !notFound.isUnknownSchema()) {
                    throw notFound;
                }
            }
            if (attempt == CONFLICT_ATTEMPTS) {
                throw conflict; // registered by nobody: a real incompatibility
            }
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryUnavailableException("interrupted while settling a 409 from the schema registry at "
                        + addresses(), conflict);
            }
            pauseMs *= 2;
        }
    }

    /**
     * The id in an answer: a positive whole number, or the answer is not the registry's (a proxy's page,
     * a misrouted service) and the call an outage, so nothing wrong is cached or written.
     */
    private int idOf(JsonNode answer, String call) {
        JsonNode id = answer.path("id");
        if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() <= 0) {
            String excerpt = answer.isMissingNode() || answer.isEmpty() ? "no JSON object with an id" : answer.toString();
            throw new SchemaRegistryUnavailableException("schema registry at " + addresses() + " answered " + call
                    + " without a positive whole id (" + org.raidwatch.contract.LogText.of(excerpt) + "); taken as the registry's trouble",
                    new SchemaRegistryException("no valid id in the answer", 200, -1));
        }
        return id.intValue();
    }

    @Override
    public int lookup(String subject, Schema schema) {
        bound(idsBySubjectSchema);
        return idsBySubjectSchema.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            int id = idOf(send("POST", "/subjects/" + encode(subject), schemaBody(schema)), "looking up under " + subject);
            bound(schemasById);
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public Schema schemaById(int id) {
        bound(schemasById);
        return schemasById.computeIfAbsent(id, key -> parse(send("GET", "/schemas/ids/" + id, null)));
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        Schema schema = parse(answer);
        int id = idOf(answer, "the latest version of " + subject);
        bound(schemasById);
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(answer.path("subject").asText(subject), id, answer.path("version").asInt(-1), schema);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema));
        return answer.path("is_compatible").asBoolean(false);
    }

    private JsonNode send(String method, String path, String body) {
        long deadline = System.nanoTime() + retryBudget.toNanos();
        long pauseMs = 100;
        int attempts = 0;
        for (int rounds = 0; ; rounds++) {
            // One round: every address once, starting with the one that answered last.
            int start = current.get();
            SchemaRegistryException last = null;
            for (int i = 0; i < endpoints.size(); i++) {
                if (rounds > 0 && i > 0 && System.nanoTime() > deadline) {
                    break; // after a first full round, the budget covers the whole list, not each address
                }
                int index = (start + i) % endpoints.size();
                attempts++;
                try {
                    JsonNode answer = sendOnce(endpoints.get(index), method, path, body);
                    current.set(index);
                    return answer;
                } catch (SchemaRegistryException e) {
                    if (!e.isUnavailable()) {
                        current.set(index);
                        throw e;
                    }
                    last = e;
                }
            }
            if (System.nanoTime() + pauseMs * 1_000_000 > deadline) {
                throw new SchemaRegistryUnavailableException("schema registry at " + addresses() + " unavailable after "
                        + attempts + (attempts == 1 ? " attempt" : " attempts") + ": " + last.getMessage(), last);
            }
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryUnavailableException("interrupted while retrying the schema registry at " + addresses(), last);
            }
            pauseMs = Math.min(pauseMs * 2, 1_000);
        }
    }

    private String addresses() {
        return endpoints.stream().map(e -> e.base().toString()).collect(Collectors.joining(","));
    }

    private JsonNode sendOnce(RegistrySettings.Endpoint endpoint, String method, String path, String body) {
        URI base = endpoint.base();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (endpoint.authorization() != null) {
            request.header("Authorization", endpoint.authorization());
        }
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + base + " could not be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while calling the schema registry at " + base, e);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new SchemaRegistryException("schema registry at " + base + " refused "
                    + (endpoint.authorization() == null ? "a request without credentials" : "raidwatch's credentials")
                    + " (HTTP " + response.statusCode() + " for " + method + " " + path + ")", response.statusCode(), -1);
        }
        JsonNode json = readJson(response.body());
        if (response.statusCode() / 100 != 2) {
            int errorCode = json.path("error_code").asInt(-1);
            String message = org.raidwatch.contract.LogText.of(json.path("message").asText(response.body()));
            throw new SchemaRegistryException("schema registry at " + base + ": " + method + " " + path + " answered HTTP "
                    + response.statusCode() + (errorCode >= 0 ? " error_code " + errorCode : "") + ": " + message,
                    response.statusCode(), errorCode);
        }
        return json;
    }

    private static JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static Schema parse(JsonNode answer) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!type.equalsIgnoreCase("AVRO")) {
            // Not the registry's trouble: the id names a JSON Schema or Protobuf schema, which no Avro record is written with.
            throw new org.apache.avro.SchemaParseException("the registry holds a " + org.raidwatch.contract.LogText.of(type)
                    + " schema under this id, not an Avro one");
        }
        String text = answer.path("schema").asText(null);
        if (text == null) {
            throw new SchemaRegistryException("schema registry answer has no schema: " + answer, 200, -1);
        }
        return new Schema.Parser().parse(text);
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private record SubjectSchema(String subject, Schema schema) {
        SubjectSchema {
            Objects.requireNonNull(subject);
            Objects.requireNonNull(schema);
        }
    }
}
