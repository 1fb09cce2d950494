package org.raidwatch.serde;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How raidwatch reaches its schema registry: one or more addresses (tried in order), the credentials
 * (HTTP basic or a bearer token) and TLS. The setting names are those of Confluent's serdes, so a
 * client configuration written for them carries over. Its {@link #toString()} never shows a
 * credential: addresses are shown with their user info replaced by {@code ***}.
 */
public final class RegistrySettings {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";
    public static final String ENDPOINT_IDENTIFICATION = "schema.registry.ssl.endpoint.identification.algorithm";

    /** Every setting read here, in the order the README lists them. */
    public static final List<String> KEYS = List.of(URL, BASIC_AUTH_SOURCE, BASIC_AUTH_USER_INFO, BEARER_AUTH_SOURCE, BEARER_AUTH_TOKEN,
            TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE, KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEYSTORE_TYPE,
            KEY_PASSWORD, ENDPOINT_IDENTIFICATION);

    public static final String MOCK_SCHEME = "mock://";
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/?#]*@");

    /** A registry setting that is missing or wrong; the message names the setting and never shows a secret. */
    public static final class InvalidRegistrySettingException extends IllegalArgumentException {
        public InvalidRegistrySettingException(String message) {
            super(message);
        }
    }

    /** One registry address, without user info, and the Authorization header to send it (null for none). */
    public record Endpoint(URI base, String authorization) {
        @Override
        public String toString() {
            return base.toString();
        }
    }

    /** The TLS settings; null fields are not set. */
    record Tls(String truststoreLocation, String truststorePassword, String truststoreType,
               String keystoreLocation, String keystorePassword, String keystoreType, String keyPassword,
               boolean verifyHostname) {
        @Override
        public String toString() {
            return "TLS" + (truststoreLocation == null ? "" : " trusting " + truststoreLocation)
                    + (keystoreLocation == null ? "" : " with client certificate " + keystoreLocation)
                    + (verifyHostname ? "" : ", no hostname check");
        }
    }

    private final List<String> urls;
    private final String userInfo;
    private final String bearerToken;
    private final Tls tls;

    private RegistrySettings(List<String> urls, String userInfo, String bearerToken, Tls tls) {
        this.urls = List.copyOf(urls);
        this.userInfo = userInfo;
        this.bearerToken = bearerToken;
        this.tls = tls;
    }

    /** A registry at these comma-separated addresses, credentials only from their user info, the JVM's TLS defaults. */
    public static RegistrySettings ofUrl(String url) {
        return from(key -> key.equals(URL) ? url : null);
    }

    /**
     * Reads and checks the registry settings.
     *
     * @param setting the value of a setting by its key, or null when it is not set
     * @throws InvalidRegistrySettingException naming the setting that is missing or wrong
     */
    public static RegistrySettings from(Function<String, String> setting) {
        String urlText = value(setting, URL);
        if (urlText == null) {
            throw new InvalidRegistrySettingException(URL + " is not set");
        }
        List<String> urls = new ArrayList<>();
        for (String part : urlText.split(",")) {
            if (!part.isBlank()) {
                urls.add(checkedUrl(part.trim()));
            }
        }
        if (urls.isEmpty()) {
            throw new InvalidRegistrySettingException(URL + " is not set");
        }
        boolean mock = urls.get(0).startsWith(MOCK_SCHEME);
        if (mock && urls.size() > 1 || !mock && urls.stream().anyMatch(u -> u.startsWith(MOCK_SCHEME))) {
            throw new InvalidRegistrySettingException(URL + ": a mock:// registry cannot be combined with other addresses, got: "
                    + redactAll(urls));
        }
        boolean urlsCarryUserInfo = urls.stream().anyMatch(u -> URI.create(u).getRawUserInfo() != null);

        String basicSource = value(setting, BASIC_AUTH_SOURCE);
        String userInfoSetting = value(setting, BASIC_AUTH_USER_INFO);
        String basic = basicSource == null ? "URL" : basicSource.toUpperCase(Locale.ROOT);
        String userInfo = null;
        switch (basic) {
            case "URL" -> {
                if (userInfoSetting != null) {
                    throw new InvalidRegistrySettingException(BASIC_AUTH_USER_INFO + " is set but " + BASIC_AUTH_SOURCE + " is URL"
                            + (basicSource == null ? " (the default)" : "") + ", which takes the user info from " + URL
                            + ": set " + BASIC_AUTH_SOURCE + "=USER_INFO to use it");
                }
            }
            case "USER_INFO" -> {
                if (userInfoSetting == null) {
                    throw new InvalidRegistrySettingException(BASIC_AUTH_SOURCE + "=USER_INFO needs " + BASIC_AUTH_USER_INFO
                            + "=user:password");
                }
                if (!userInfoSetting.contains(":")) {
                    throw new InvalidRegistrySettingException(BASIC_AUTH_USER_INFO + " must be user:password (the value is not shown)");
                }
                userInfo = userInfoSetting;
            }
            case "SASL_INHERIT" -> throw new InvalidRegistrySettingException(BASIC_AUTH_SOURCE
                    + "=SASL_INHERIT is not supported by raidwatch: give USER_INFO with " + BASIC_AUTH_USER_INFO
                    + "=user:password, or URL with the user info in " + URL + " (https://user:password@host:port)");
            default -> throw new InvalidRegistrySettingException(BASIC_AUTH_SOURCE + " must be USER_INFO or URL, got: " + basicSource);
        }

        String bearerSource = value(setting, BEARER_AUTH_SOURCE);
        String tokenSetting = value(setting, BEARER_AUTH_TOKEN);
        String bearerToken = null;
        if (bearerSource != null) {
            if (!bearerSource.equalsIgnoreCase("STATIC_TOKEN")) {
                throw new InvalidRegistrySettingException(BEARER_AUTH_SOURCE + " must be STATIC_TOKEN (with " + BEARER_AUTH_TOKEN
                        + "), got: " + bearerSource + "; raidwatch does not fetch OAuth tokens itself");
            }
            if (tokenSetting == null) {
                throw new InvalidRegistrySettingException(BEARER_AUTH_SOURCE + "=STATIC_TOKEN needs " + BEARER_AUTH_TOKEN);
            }
            if (basicSource != null || userInfoSetting != null || urlsCarryUserInfo) {
                throw new InvalidRegistrySettingException("the schema registry is given both basic credentials ("
                        + (urlsCarryUserInfo ? "user info in " + URL : BASIC_AUTH_SOURCE) + ") and a bearer token ("
                        + BEARER_AUTH_SOURCE + "): give one of them");
            }
            bearerToken = tokenSetting;
        } else if (tokenSetting != null) {
            throw new InvalidRegistrySettingException(BEARER_AUTH_TOKEN + " is set but " + BEARER_AUTH_SOURCE
                    + " is not: set " + BEARER_AUTH_SOURCE + "=STATIC_TOKEN to use it");
        }
        if (mock && (userInfo != null || bearerToken != null || urlsCarryUserInfo)) {
            throw new InvalidRegistrySettingException("a mock:// registry takes no credentials");
        }
        return new RegistrySettings(urls, userInfo, bearerToken, tls(setting));
    }

    private static Tls tls(Function<String, String> setting) {
        String identification = setting.apply(ENDPOINT_IDENTIFICATION);
        boolean verifyHostname;
        if (identification == null || identification.trim().equalsIgnoreCase("https")) {
            verifyHostname = true;
        } else if (identification.isBlank()) {
            verifyHostname = false;
        } else {
            throw new InvalidRegistrySettingException(ENDPOINT_IDENTIFICATION + " must be https (check the registry's host name"
                    + " against its certificate) or empty (do not), got: " + identification);
        }
        String truststore = value(setting, TRUSTSTORE_LOCATION);
        String keystore = value(setting, KEYSTORE_LOCATION);
        for (String key : List.of(TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE)) {
            if (truststore == null && value(setting, key) != null) {
                throw new InvalidRegistrySettingException(key + " is set but " + TRUSTSTORE_LOCATION + " is not");
            }
        }
        for (String key : List.of(KEYSTORE_PASSWORD, KEYSTORE_TYPE, KEY_PASSWORD)) {
            if (keystore == null && value(setting, key) != null) {
                throw new InvalidRegistrySettingException(key + " is set but " + KEYSTORE_LOCATION + " is not");
            }
        }
        if (truststore == null && keystore == null && verifyHostname) {
            return null;
        }
        return new Tls(truststore, value(setting, TRUSTSTORE_PASSWORD), storeType(setting, TRUSTSTORE_TYPE),
                keystore, value(setting, KEYSTORE_PASSWORD), storeType(setting, KEYSTORE_TYPE), value(setting, KEY_PASSWORD),
                verifyHostname);
    }

    private static String storeType(Function<String, String> setting, String key) {
        String type = value(setting, key);
        if (type == null) {
            return "JKS";
        }
        String upper = type.toUpperCase(Locale.ROOT);
        if (!upper.equals("JKS") && !upper.equals("PKCS12")) {
            throw new InvalidRegistrySettingException(key + " must be JKS or PKCS12, got: " + type);
        }
        return upper;
    }

    private static String value(Function<String, String> setting, String key) {
        String value = setting.apply(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String checkedUrl(String url) {
        if (url.startsWith(MOCK_SCHEME)) {
            return url;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidRegistrySettingException(URL + " must look like http://host:port or https://host:port, got: " + unreadable(url));
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new InvalidRegistrySettingException(URL + " must start with http://, https:// or mock:// and name a host"
                    + " (http://host:port), got: " + unreadable(url));
        }
        return url;
    }

    /**
     * An address that could not be read, as an error may show it: not at all when it holds an
     * {@code @} (a password with a '/' or '#' in it hides where the user info ends).
     */
    private static String unreadable(String url) {
        return url.indexOf('@') >= 0 ? "an address with an '@' in it (not shown: it may hold a password; in user info, write '/', '?',"
                + " '#' and '@' as %2F, %3F, %23 and %40)"
                : org.raidwatch.contract.LogText.of(url);
    }

    /** The address with any user info replaced by {@code ***}: {@code https://***@host:8081}. */
    public static String redact(String url) {
        return url == null ? null : USER_INFO.matcher(url).replaceFirst("***@");
    }

    private static String redactAll(List<String> urls) {
        return urls.stream().map(RegistrySettings::redact).collect(Collectors.joining(","));
    }

    public boolean isMock() {
        return urls.get(0).startsWith(MOCK_SCHEME);
    }

    /** The scope of a {@code mock://<scope>} registry. */
    public String mockScope() {
        if (!isMock()) {
            throw new IllegalStateException("not a mock:// registry: " + this);
        }
        return urls.get(0).substring(MOCK_SCHEME.length());
    }

    /**
     * The addresses in the order to try them, each without its user info and with the Authorization
     * header it gets: the bearer token, {@code basic.auth.user.info}, or the address's own user info.
     */
    public List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String url : urls) {
            URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            String authorization = null;
            if (bearerToken != null) {
                authorization = "Bearer " + bearerToken;
            } else if (userInfo != null) {
                authorization = basic(userInfo);
            } else if (uri.getUserInfo() != null) {
                authorization = basic(uri.getUserInfo());
            }
            try {
                URI base = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null);
                endpoints.add(new Endpoint(base, authorization));
            } catch (URISyntaxException e) {
                throw new InvalidRegistrySettingException(URL + " has an address that cannot be used: " + redact(url));
            }
        }
        return endpoints;
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The TLS context for the registry's {@code https://} addresses, or null for the JVM's defaults.
     *
     * @throws InvalidRegistrySettingException when a store cannot be read or opened with its password
     */
    public SSLContext sslContext() {
        if (tls == null) {
            return null;
        }
        try {
            TrustManager[] trust = null;
            if (tls.truststoreLocation() != null || !tls.verifyHostname()) {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(tls.truststoreLocation() == null ? null
                        : load(tls.truststoreLocation(), tls.truststorePassword(), tls.truststoreType(), TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD));
                trust = factory.getTrustManagers();
                if (!tls.verifyHostname()) {
                    trust = new TrustManager[] {new WithoutHostnameCheck((X509TrustManager) trust[0])};
                }
            }
            KeyManager[] keys = null;
            if (tls.keystoreLocation() != null) {
                KeyStore store = load(tls.keystoreLocation(), tls.keystorePassword(), tls.keystoreType(), KEYSTORE_LOCATION, KEYSTORE_PASSWORD);
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String keyPassword = tls.keyPassword() != null ? tls.keyPassword() : tls.keystorePassword();
                try {
                    factory.init(store, keyPassword == null ? new char[0] : keyPassword.toCharArray());
                } catch (java.security.UnrecoverableKeyException e) {
                    throw new InvalidRegistrySettingException("the key in " + KEYSTORE_LOCATION + " " + tls.keystoreLocation()
                            + " cannot be opened with " + (tls.keyPassword() != null ? KEY_PASSWORD : KEYSTORE_PASSWORD)
                            + " (wrong password?)");
                }
                keys = factory.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new InvalidRegistrySettingException("the schema registry's TLS settings cannot be used: " + e.getClass().getSimpleName());
        }
    }

    private static KeyStore load(String location, String password, String type, String locationKey, String passwordKey)
            throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (NoSuchFileException e) {
            throw new InvalidRegistrySettingException(locationKey + " names no readable file: " + location);
        } catch (IOException e) {
            // A wrong password and a file that is no store of this type both land here.
            throw new InvalidRegistrySettingException(locationKey + " " + location + " cannot be opened as a " + type
                    + " store with " + passwordKey + " (wrong password, or not a " + type + " file?)");
        } catch (CertificateException e) {
            throw new InvalidRegistrySettingException(locationKey + " " + location + " holds a certificate that cannot be read");
        }
    }

    /** Whether the registry's host name is checked against its certificate (Confluent's endpoint identification "https"). */
    public boolean verifiesHostname() {
        return tls == null || tls.verifyHostname();
    }

    /** The addresses with user info replaced by {@code ***}, and how raidwatch authenticates; never a secret. */
    @Override
    public String toString() {
        String auth = bearerToken != null ? "bearer token"
                : userInfo != null ? "basic auth from " + BASIC_AUTH_USER_INFO
                : urls.stream().anyMatch(u -> !u.startsWith(MOCK_SCHEME) && URI.create(u).getRawUserInfo() != null) ? "basic auth from the URL"
                : null;
        List<String> notes = new ArrayList<>();
        if (auth != null) {
            notes.add(auth);
        }
        if (tls != null) {
            notes.add(tls.toString());
        }
        return redactAll(urls) + (notes.isEmpty() ? "" : " (" + String.join(", ", notes) + ")");
    }

    /**
     * Trusts what the wrapped trust manager trusts, without checking the host name: the JDK's HTTP
     * client asks for the check through the engine's endpoint identification, which the two-argument
     * checks below do not perform.
     */
    private static final class WithoutHostnameCheck extends X509ExtendedTrustManager {
        private final X509TrustManager trust;

        WithoutHostnameCheck(X509TrustManager trust) {
            this.trust = trust;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            trust.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            trust.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            trust.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            trust.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust.getAcceptedIssuers();
        }
    }
}
