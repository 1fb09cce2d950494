package org.raidwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.serde.RegistrySettings.InvalidRegistrySettingException;

/** The registry settings as Confluent's serdes name them: what is accepted, what is refused, and that no secret is ever shown. */
class RegistrySettingsTest {

    private static final String PASSWORD = "s3cret-Pa55";
    private static final String TOKEN = "tok-9f8e7d6c";

    @TempDir
    Path dir;

    private static RegistrySettings settings(String... keysAndValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return RegistrySettings.from(values::get);
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void user_info_in_the_url_becomes_basic_auth_and_is_shown_redacted() {
        RegistrySettings registry = settings("schema.registry.url", "https://raidwatch:" + PASSWORD + "@registry.example:8081/apis/ccompat/v6");

        assertThat(registry.endpoints()).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.base()).hasToString("https://registry.example:8081/apis/ccompat/v6");
            assertThat(endpoint.authorization()).isEqualTo(basic("raidwatch:" + PASSWORD));
            assertThat(endpoint.toString()).doesNotContain(PASSWORD);
        });
        assertThat(registry.toString()).isEqualTo("https://***@registry.example:8081/apis/ccompat/v6 (basic auth from the URL)");
    }

    @Test
    void user_info_setting_is_sent_to_every_address_and_wins_over_the_url() {
        RegistrySettings registry = settings("schema.registry.url", "https://a:8081, https://old:pw@b:8081/",
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "raidwatch:" + PASSWORD);

        assertThat(registry.endpoints()).extracting(e -> e.base().toString()).containsExactly("https://a:8081", "https://b:8081");
        assertThat(registry.endpoints()).extracting(RegistrySettings.Endpoint::authorization).containsOnly(basic("raidwatch:" + PASSWORD));
        assertThat(registry.toString()).doesNotContain(PASSWORD).doesNotContain("old:pw").contains("basic auth from basic.auth.user.info");
    }

    @Test
    void a_static_bearer_token_is_sent_and_never_shown() {
        RegistrySettings registry = settings("schema.registry.url", "https://registry:8081",
                "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", TOKEN);

        assertThat(registry.endpoints()).extracting(RegistrySettings.Endpoint::authorization).containsExactly("Bearer " + TOKEN);
        assertThat(registry.toString()).isEqualTo("https://registry:8081 (bearer token)");
    }

    @Test
    void a_url_without_credentials_sends_none() {
        assertThat(settings("schema.registry.url", "http://registry:8081").endpoints())
                .extracting(RegistrySettings.Endpoint::authorization).containsOnlyNulls();
    }

    @Test
    void redaction_removes_user_info_wherever_it_is() {
        assertThat(RegistrySettings.redact("https://u:p@h:1/x")).isEqualTo("https://***@h:1/x");
        assertThat(RegistrySettings.redact("http://h:1/path@with-at")).isEqualTo("http://h:1/path@with-at");
        assertThat(RegistrySettings.redact("http://h:1")).isEqualTo("http://h:1");
        assertThat(RegistrySettings.redact("not a url://u:p@h")).isEqualTo("not a url://***@h");
    }

    @Test
    void an_address_that_cannot_be_read_is_not_shown_when_it_may_hold_a_password() {
        for (String url : new String[] {"https://raidwatch:ab/cd@registry:8081", "https://raidwatch:p#w@registry:8081",
                "https://raidwatch:p?w@registry:8081"}) {
            assertThatThrownBy(() -> settings("schema.registry.url", url))
                    .isInstanceOf(InvalidRegistrySettingException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ab/cd", "p#w", "p?w", "raidwatch:"));
        }
    }

    @Test
    void confluents_other_credential_sources_are_refused_with_what_to_use_instead() {
        assertThatThrownBy(() -> settings("schema.registry.url", "https://r:1", "basic.auth.credentials.source", "SASL_INHERIT"))
                .isInstanceOf(InvalidRegistrySettingException.class)
                .hasMessageContaining("basic.auth.credentials.source=SASL_INHERIT is not supported").hasMessageContaining("USER_INFO");
        assertThatThrownBy(() -> settings("schema.registry.url", "https://r:1", "basic.auth.credentials.source", "LDAP"))
                .hasMessage("basic.auth.credentials.source must be USER_INFO or URL, got: LDAP");
        assertThatThrownBy(() -> settings("schema.registry.url", "https://r:1", "bearer.auth.credentials.source", "OAUTHBEARER"))
                .hasMessageContaining("bearer.auth.credentials.source must be STATIC_TOKEN");
    }

    @Test
    void basic_and_bearer_together_are_refused() {
        assertThatThrownBy(() -> settings("schema.registry.url", "https://r:1", "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "u:" + PASSWORD, "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", TOKEN))
                .isInstanceOf(InvalidRegistrySettingException.class)
                .hasMessageContaining("both basic credentials").hasMessageContaining("give one of them")
                .message().doesNotContain(PASSWORD).doesNotContain(TOKEN);
        assertThatThrownBy(() -> settings("schema.registry.url", "https://u:" + PASSWORD + "@r:1",
                "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", TOKEN))
                .hasMessageContaining("user info in schema.registry.url").message().doesNotContain(PASSWORD).doesNotContain(TOKEN);
    }

    @Test
    void half_given_credentials_are_refused_without_echoing_them() {
        assertThatThrownBy(() -> settings("schema.registry.url", "https://r:1", "basic.auth.user.info", "u:" + PASSWORD))
                .hasMessageContaining("set basic.auth.credentials.source=USER_INFO").message().doesNotContain(PASSWORD);
        assertThatThrownBy(() -> settings("schema.registry.url", "https://r:1", "basic.auth.credentials.source", "USER_INFO"))
                .hasMessageContaining("needs basic.auth.user.info");
        assertThatThrownBy(() -> settings("schema.registry.url", "https://r:1", "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", PASSWORD))
                .hasMessageContaining("must be user:password").message().doesNotContain(PASSWORD);
        assertThatThrownBy(() -> settings("schema.registry.url", "https://r:1", "bearer.auth.token", TOKEN))
                .hasMessageContaining("set bearer.auth.credentials.source=STATIC_TOKEN").message().doesNotContain(TOKEN);
    }

    @Test
    void a_malformed_address_is_refused_redacted() {
        assertThatThrownBy(() -> settings("schema.registry.url", "ftp://u:" + PASSWORD + "@r:1"))
                .hasMessageContaining("schema.registry.url must start with http://").hasMessageContaining("not shown: it may hold a password")
                .message().doesNotContain(PASSWORD);
        assertThatThrownBy(() -> settings("schema.registry.url", "mock://a,http://r:1"))
                .hasMessageContaining("cannot be combined");
    }

    @Test
    void a_store_that_cannot_be_opened_names_the_setting_not_the_password() throws Exception {
        Path truststore = dir.resolve("truststore.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (OutputStream out = Files.newOutputStream(truststore)) {
            store.store(out, "right-password".toCharArray());
        }

        RegistrySettings wrongPassword = settings("schema.registry.url", "https://r:1",
                "schema.registry.ssl.truststore.location", truststore.toString(), "schema.registry.ssl.truststore.type", "PKCS12",
                "schema.registry.ssl.truststore.password", PASSWORD);
        assertThatThrownBy(wrongPassword::sslContext).isInstanceOf(InvalidRegistrySettingException.class)
                .hasMessageContaining("schema.registry.ssl.truststore.location " + truststore)
                .hasMessageContaining("with schema.registry.ssl.truststore.password (wrong password")
                .message().doesNotContain(PASSWORD);

        RegistrySettings missing = settings("schema.registry.url", "https://r:1",
                "schema.registry.ssl.keystore.location", dir.resolve("nope.jks").toString(), "schema.registry.ssl.keystore.password", PASSWORD);
        assertThatThrownBy(missing::sslContext).hasMessage("schema.registry.ssl.keystore.location names no readable file: "
                + dir.resolve("nope.jks"));

        RegistrySettings rightPassword = settings("schema.registry.url", "https://r:1",
                "schema.registry.ssl.truststore.location", truststore.toString(), "schema.registry.ssl.truststore.type", "pkcs12",
                "schema.registry.ssl.truststore.password", "right-password");
        assertThat(rightPassword.sslContext()).isNotNull();
        assertThat(rightPassword.toString()).doesNotContain("right-password").contains("TLS trusting " + truststore);
    }

    @Test
    void tls_settings_are_checked_before_any_store_is_opened() {
        assertThatThrownBy(() -> settings("schema.registry.url", "https://r:1", "schema.registry.ssl.truststore.type", "PEM",
                "schema.registry.ssl.truststore.location", "/x"))
                .hasMessage("schema.registry.ssl.truststore.type must be JKS or PKCS12, got: PEM");
        assertThatThrownBy(() -> settings("schema.registry.url", "https://r:1", "schema.registry.ssl.keystore.password", PASSWORD))
                .hasMessage("schema.registry.ssl.keystore.password is set but schema.registry.ssl.keystore.location is not");
        assertThatThrownBy(() -> settings("schema.registry.url", "https://r:1", "schema.registry.ssl.endpoint.identification.algorithm", "ldap"))
                .hasMessageContaining("must be https");
        assertThat(settings("schema.registry.url", "https://r:1").verifiesHostname()).isTrue();
        RegistrySettings unchecked = settings("schema.registry.url", "https://r:1", "schema.registry.ssl.endpoint.identification.algorithm", "");
        assertThat(unchecked.verifiesHostname()).isFalse();
        assertThat(unchecked.sslContext()).isNotNull();
    }
}
