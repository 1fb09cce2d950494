package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.cli.ExitCodes;
import org.raidwatch.cli.Main;
import org.raidwatch.clients.TopicReader;
import org.raidwatch.it.HttpsRegistryProxy.TestCertificates;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.serde.RegistrySettings;
import org.raidwatch.serde.RestSchemaRegistryClient;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.serde.SchemaRegistryClient;
import org.raidwatch.serde.SchemaRegistryException;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.TopicRole;
import org.raidwatch.topology.Topics;

/**
 * raidwatch against a secured schema registry: the real registry API (Apicurio) behind HTTPS with
 * basic auth or a bearer token (and, on a second front, a client certificate), configured with
 * Confluent's setting names. {@code run} and {@code produce} run as the shipped jar in processes of
 * their own, so everything they print, their logs included, is checked for the secrets.
 */
class SecuredRegistryIT {

    private static final String PASSWORD = "Pa55-registry-7q";
    private static final String TOKEN = "bearer-tok-3x9k";
    private static final String STORE_PASSWORD = "store-pw-51";
    private static final Path RAIDS = Path.of("src/test/resources/replay/raids.csv");
    private static final Path FOI = Path.of("src/test/resources/replay/foi.csv");
    private static final Path JAR = Path.of("target/raidwatch.jar");

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    static EmbeddedKafka kafka;
    static ApicurioRegistry registry;
    static HttpsRegistryProxy proxy;
    static HttpsRegistryProxy mutualProxy;
    static TestCertificates.Store truststoreJks;
    static TestCertificates.Store truststoreP12;
    static TestCertificates.Store clientKeys;

    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path certificates = Files.createDirectories(shared.resolve("certificates"));
        TestCertificates.Store serverKeys = TestCertificates.keyPair(certificates, "registry", STORE_PASSWORD);
        truststoreJks = TestCertificates.trusting(serverKeys, "registry", certificates, "truststore.jks", "JKS", STORE_PASSWORD);
        truststoreP12 = TestCertificates.trusting(serverKeys, "registry", certificates, "truststore.p12", "PKCS12", STORE_PASSWORD);
        clientKeys = TestCertificates.keyPair(certificates, "raidwatch-client", STORE_PASSWORD);
        TestCertificates.Store trustedClients = TestCertificates.trusting(clientKeys, "raidwatch-client", certificates, "clients.p12",
                "PKCS12", STORE_PASSWORD);
        kafka = EmbeddedKafka.start(shared.resolve("kafka"), false);
        registry = ApicurioRegistry.start(shared.resolve("apicurio.log"));
        proxy = HttpsRegistryProxy.start(registry.confluentUrl(), serverKeys, null, "raidwatch:" + PASSWORD, TOKEN);
        mutualProxy = HttpsRegistryProxy.start(registry.confluentUrl(), serverKeys, trustedClients, "raidwatch:" + PASSWORD, TOKEN);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {mutualProxy, proxy, registry, kafka}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void run_with_basic_auth_from_user_info_fails_over_from_a_dead_address_and_produce_authenticates_with_user_info_in_the_url()
            throws Exception {
        // Given raidwatch running with basic.auth.user.info, its first registry address dead
        TopicNames names = names("basic");
        Path runConfig = config("basic", names, "http://127.0.0.1:" + deadPort() + "/apis/ccompat/v6," + proxy.url("/basic"),
                "basic.auth.credentials.source=USER_INFO\nbasic.auth.user.info=raidwatch:" + PASSWORD + "\n", truststoreJks);
        Started run = startRun(runConfig);

        // When produce loads the files with the credentials in the registry address
        Path produceConfig = config("basic", names, "https://raidwatch:" + PASSWORD + "@127.0.0.1:" + proxy.port() + "/basic", "", truststoreP12);
        Finished produce = produce(produceConfig);

        // Then the records went through the secured registry into flags
        assertThat(produce.exit()).as("produce exit; it printed:%n%s", produce.output()).isEqualTo(ExitCodes.ROWS_REJECTED);
        awaitFixtureFlags(names, run);
        assertThat(proxy.forwarded("/basic")).isPositive();
        // And the addresses are shown without their user info, and no output holds the password
        assertThat(run.output()).contains("registry http://127.0.0.1:").contains("," + proxy.url("/basic") + " (basic auth from basic.auth.user.info");
        Finished stopped = stop(run);
        assertThat(stopped.exit()).as("run exit; it printed:%n%s", stopped.output()).isEqualTo(ExitCodes.OK);
        assertThat(stopped.output() + produce.output()).doesNotContain(PASSWORD).doesNotContain(STORE_PASSWORD);
    }

    @Test
    void run_and_produce_authenticate_with_a_bearer_token() throws Exception {
        // Given raidwatch running with a static bearer token
        TopicNames names = names("bearer");
        String bearer = "bearer.auth.credentials.source=STATIC_TOKEN\nbearer.auth.token=" + TOKEN + "\n";
        Path config = config("bearer", names, proxy.url("/bearer"), bearer, truststoreP12);
        Started run = startRun(config);

        // When produce loads the files with the same settings
        Finished produce = produce(config);

        // Then the records become flags, and no output holds the token
        assertThat(produce.exit()).as("produce exit; it printed:%n%s", produce.output()).isEqualTo(ExitCodes.ROWS_REJECTED);
        awaitFixtureFlags(names, run);
        assertThat(proxy.forwarded("/bearer")).isPositive();
        assertThat(run.output()).contains("registry " + proxy.url("/bearer") + " (bearer token, TLS trusting ");
        Finished stopped = stop(run);
        assertThat(stopped.exit()).as("run exit; it printed:%n%s", stopped.output()).isEqualTo(ExitCodes.OK);
        assertThat(stopped.output() + produce.output()).doesNotContain(TOKEN).doesNotContain(STORE_PASSWORD);
    }

    @Test
    void a_wrong_password_stops_run_at_start_up_with_its_own_exit_status_naming_the_host_but_not_the_password() throws Exception {
        String wrong = "Wr0ng-" + PASSWORD;
        Path config = config("wrong", names("wrong"), proxy.url("/basic"),
                "basic.auth.credentials.source=USER_INFO\nbasic.auth.user.info=raidwatch:" + wrong + "\n", truststoreJks);
        int refusedBefore = proxy.refused();

        Finished run = finish(launch("run", "--config", config.toString(), "--connect-timeout", "10s"), Duration.ofSeconds(60));

        // A wrong password is not an outage: a supervisor restarting on exit 4 would loop forever
        assertThat(run.exit()).as("run exit; it printed:%n%s", run.output()).isEqualTo(ExitCodes.CREDENTIALS_REFUSED);
        assertThat(run.output()).contains("refused raidwatch's credentials (HTTP 401").contains("127.0.0.1:" + proxy.port())
                .doesNotContain(wrong);
        assertThat(proxy.refused()).isGreaterThan(refusedBefore);
    }

    @Test
    void a_trust_store_that_cannot_be_opened_is_a_config_error_naming_the_setting_not_the_password() throws Exception {
        Path config = config("badstore", names("badstore"), proxy.url("/basic"),
                "basic.auth.credentials.source=USER_INFO\nbasic.auth.user.info=raidwatch:" + PASSWORD + "\n",
                new TestCertificates.Store(truststoreJks.path(), "JKS", "not-" + STORE_PASSWORD));
        StringWriter err = new StringWriter();

        int exit = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "produce",
                "--raids", RAIDS.toString(), "--config", config.toString());

        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("schema.registry.ssl.truststore.location " + truststoreJks.path())
                .contains("with schema.registry.ssl.truststore.password (wrong password")
                .doesNotContain(STORE_PASSWORD).doesNotContain(PASSWORD);
    }

    @Test
    void a_registry_that_wants_a_client_certificate_is_reached_with_the_key_store_and_refused_without() throws Exception {
        String address = mutualProxy.url("/bearer");
        Map<String, String> common = Map.of(RegistrySettings.URL, address,
                RegistrySettings.BEARER_AUTH_SOURCE, "STATIC_TOKEN", RegistrySettings.BEARER_AUTH_TOKEN, TOKEN,
                RegistrySettings.TRUSTSTORE_LOCATION, truststoreP12.path().toString(), RegistrySettings.TRUSTSTORE_TYPE, "PKCS12",
                RegistrySettings.TRUSTSTORE_PASSWORD, STORE_PASSWORD);
        Map<String, String> withKeys = new java.util.HashMap<>(common);
        withKeys.putAll(Map.of(RegistrySettings.KEYSTORE_LOCATION, clientKeys.path().toString(), RegistrySettings.KEYSTORE_TYPE, "PKCS12",
                RegistrySettings.KEYSTORE_PASSWORD, STORE_PASSWORD));

        SchemaRegistryClient withCertificate = SchemaRegistries.forSettings(RegistrySettings.from(withKeys::get));
        int id = withCertificate.register("mutual-tls-value", CaseFlag.getClassSchema());
        assertThat(withCertificate.latest("mutual-tls-value").id()).isEqualTo(id);

        SchemaRegistryClient without = oneAttempt(RegistrySettings.from(common::get));
        assertThatThrownBy(() -> without.latest("mutual-tls-value")).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("schema registry at " + address).message().doesNotContain(TOKEN);
    }

    @Test
    void the_host_name_is_checked_against_the_certificate_unless_endpoint_identification_is_empty() {
        // The certificate names 127.0.0.1 only; "localhost" is the same server under another name.
        String byName = "https://localhost:" + proxy.port() + "/bearer";
        Map<String, String> checked = Map.of(RegistrySettings.URL, byName,
                RegistrySettings.BEARER_AUTH_SOURCE, "STATIC_TOKEN", RegistrySettings.BEARER_AUTH_TOKEN, TOKEN,
                RegistrySettings.TRUSTSTORE_LOCATION, truststoreJks.path().toString(), RegistrySettings.TRUSTSTORE_PASSWORD, STORE_PASSWORD);
        Map<String, String> unchecked = new java.util.HashMap<>(checked);
        unchecked.put(RegistrySettings.ENDPOINT_IDENTIFICATION, "");

        assertThatThrownBy(() -> oneAttempt(RegistrySettings.from(checked::get)).latest("no-such-subject"))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("could not be reached");
        assertThatThrownBy(() -> oneAttempt(RegistrySettings.from(unchecked::get)).latest("no-such-subject"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isUnknownSubject()).isTrue());
    }

    // --- helpers

    private record Started(Process process, Path log) {
        String output() {
            return read(log);
        }
    }

    private record Finished(int exit, String output) {
    }

    private static TopicNames names(String prefix) {
        return TopicNames.of(Map.of(TopicRole.RAID_REPORTS, prefix + "-raid-reports", TopicRole.FOI_UPDATES, prefix + "-foi-updates", TopicRole.FLAGGED_CASES, prefix + "-flagged-cases", TopicRole.FORCE_RATES, prefix + "-force-rates", TopicRole.DEAD_LETTERS, prefix + "-dead-letters"));
    }

    private Path config(String scenario, TopicNames names, String registryUrl, String auth, TestCertificates.Store truststore)
            throws IOException {
        Path config = dir.resolve(scenario + "-" + System.nanoTime() + ".properties");
        Files.writeString(config, "bootstrap.servers=" + kafka.bootstrapServers() + "\n"
                + "schema.registry.url=" + registryUrl + "\n"
                + auth
                + "schema.registry.ssl.truststore.location=" + truststore.path() + "\n"
                + "schema.registry.ssl.truststore.type=" + truststore.type() + "\n"
                + "schema.registry.ssl.truststore.password=" + truststore.password() + "\n"
                + "application.id=raidwatch-" + scenario + "\nstate.dir=" + dir.resolve("state-" + scenario) + "\n"
                + "raidwatch.http.port=0\nraidwatch.topic.partitions=1\nraidwatch.topic.replication=1\n"
                + "raidwatch.topic.raid-reports=" + names.raidReports() + "\nraidwatch.topic.foi-updates=" + names.foiUpdates() + "\n"
                + "raidwatch.topic.flagged-cases=" + names.flaggedCases() + "\nraidwatch.topic.force-rates=" + names.forceRates() + "\n"
                + "raidwatch.topic.dead-letters=" + names.deadLetters() + "\n");
        return config;
    }

    private Started startRun(Path config) throws Exception {
        Started run = launch("run", "--config", config.toString());
        Await.until(Duration.ofSeconds(90), "the run process to report it is running",
                () -> run.output().contains("raidwatch running") || !run.process().isAlive(), run::output);
        assertThat(run.process().isAlive()).as("run process alive; it printed:%n%s", run.output()).isTrue();
        return run;
    }

    private Finished produce(Path config) throws Exception {
        return finish(launch("produce", "--raids", RAIDS.toString(), "--foi", FOI.toString(), "--config", config.toString()),
                Duration.ofSeconds(90));
    }

    private Started launch(String... args) throws IOException {
        assertThat(JAR).as("the runnable jar, built in the package phase").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + dir, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path log = dir.resolve(args[0] + "-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        return new Started(process, log);
    }

    private static Finished finish(Started started, Duration timeout) throws InterruptedException {
        boolean ended = started.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(ended).as("%s ended within %d s; it printed:%n%s", started.log().getFileName(), timeout.toSeconds(), started.output()).isTrue();
        return new Finished(started.process().exitValue(), started.output());
    }

    private static Finished stop(Started run) throws InterruptedException {
        run.process().destroy(); // SIGTERM: a clean stop
        return finish(run, Duration.ofSeconds(60));
    }

    /** The fixture's 9 flags, in their final state, on the scenario's flagged-cases topic (read straight from the registry). */
    private static void awaitFixtureFlags(TopicNames names, Started run) throws InterruptedException {
        Topics topics = Topics.create(names, SchemaRegistries.forUrl(registry.confluentUrl()));
        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        @SuppressWarnings("unchecked")
        Map<String, CaseFlag>[] flags = new Map[1];
        Await.until(Duration.ofSeconds(60), "the 9 flags of the fixture on " + names.flaggedCases(), () -> {
            flags[0] = TopicReader.latestByKey(client, names.flaggedCases(), topics.flaggedCases().valueSerde().deserializer(),
                    Duration.ofSeconds(5), key -> new String(key, StandardCharsets.UTF_8));
            CaseFlag r2 = flags[0].get("R2|rescue-overstated");
            return flags[0].size() == 9 && r2 != null && r2.getStatus() == FlagStatus.UPDATED;
        }, () -> "flags " + (flags[0] == null ? "none yet" : flags[0].keySet()) + "; run printed:\n" + run.output());
    }

    /** A client that gives up after one attempt, where a refusal is expected. */
    private static SchemaRegistryClient oneAttempt(RegistrySettings settings) {
        return new RestSchemaRegistryClient(settings, Duration.ofSeconds(5), Duration.ZERO);
    }

    private static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
