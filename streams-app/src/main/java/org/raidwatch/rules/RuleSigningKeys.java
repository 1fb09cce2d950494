package org.raidwatch.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Ed25519 keys for signing published rule sets, from the JDK, as PEM files: the private key
 * ({@code PRIVATE KEY}, PKCS#8) stays with the publisher; the public key ({@code PUBLIC KEY}, X.509)
 * goes into every instance's {@code raidwatch.rules.trusted.keys}. A key is known by its id: the
 * first 16 hex digits of the SHA-256 of its public key.
 */
public final class RuleSigningKeys {

    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private RuleSigningKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make Ed25519 keys", e);
        }
    }

    /** Writes {@code <name>.key} (readable by its owner only) and {@code <name>.pub}; refuses to overwrite. */
    public static List<Path> write(KeyPair keys, Path folder, String name) throws IOException {
        Files.createDirectories(folder);
        Path privateFile = folder.resolve(name + ".key");
        Path publicFile = folder.resolve(name + ".pub");
        for (Path file : List.of(privateFile, publicFile)) {
            if (Files.exists(file)) {
                throw new IOException(file + " exists; keygen does not overwrite keys");
            }
        }
        Files.writeString(publicFile, pem(PUBLIC, keys.getPublic().getEncoded()), StandardCharsets.US_ASCII);
        createOwnerOnly(privateFile);
        Files.writeString(privateFile, pem(PRIVATE, keys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        return List.of(privateFile, publicFile);
    }

    /**
     * Creates an empty file that only its owner can read or write from the moment it exists (the
     * permissions are given to the creating call, so no other user can open it in between); refuses
     * an existing file. On a file system without POSIX permissions, the folder's own protection applies.
     */
    static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
    }

    /**
     * Who besides its owner may read or change a private key file: a warning to print (with the fix),
     * or empty when no one may (or the file system has no POSIX permissions).
     */
    public static Optional<String> exposure(Path privateFile) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(privateFile);
        } catch (UnsupportedOperationException notPosix) {
            return Optional.empty();
        }
        boolean exposed = permissions.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"));
        return exposed ? Optional.of("the private key " + privateFile + " can be read or changed by users other than its owner ("
                + PosixFilePermissions.toString(permissions) + "); anyone who reads it can sign rule sets: chmod 600 " + privateFile)
                : Optional.empty();
    }

    public static PrivateKey readPrivate(Path file) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(unpem(file, PRIVATE)));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    public static PublicKey readPublic(Path file) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(unpem(file, PUBLIC)));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** The public key that belongs to a private key file: read from the {@code .pub} beside it. */
    public static PublicKey publicBeside(Path privateFile) throws IOException {
        String name = privateFile.getFileName().toString();
        Path publicFile = privateFile.resolveSibling((name.endsWith(".key") ? name.substring(0, name.length() - 4) : name) + ".pub");
        if (!Files.exists(publicFile)) {
            throw new IOException("the public key " + publicFile + " is missing beside " + privateFile + " (rules keygen writes both)");
        }
        return readPublic(publicFile);
    }

    /** Trusted public keys by id, from PEM files. */
    public static Map<String, PublicKey> trusted(List<Path> files) throws IOException {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (Path file : files) {
            PublicKey key = readPublic(file);
            keys.put(keyId(key), key);
        }
        return keys;
    }

    public static String keyId(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded())).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(Path file, String type) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException(file + " holds no " + type + " (a PEM file from rules keygen is expected)");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the " + type + " is not base64", e);
        }
    }
}
