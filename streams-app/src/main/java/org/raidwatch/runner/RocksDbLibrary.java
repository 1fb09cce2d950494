package org.raidwatch.runner;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.raidwatch.contract.LogText;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RocksDB's native library (about 15 MB), loaded from a folder of the user's own instead of the
 * temporary folder. Left to itself, RocksDB copies the library into the temporary folder on every
 * start and deletes the copy only when the JVM exits normally, so every process stopped by a signal
 * that halts it, or killed, leaves one behind. Here the library is copied once per RocksDB build into
 * {@code $XDG_CACHE_HOME/raidwatch/native/rocksdb-<size>-<crc>/} (by default under
 * {@code ~/.cache}), a folder only its owner can open, written under a temporary name and renamed
 * into place, so processes starting at once never see half a file, and each later start reuses it.
 * Where that folder cannot be used (no writable home), RocksDB's own loading applies, with a warning.
 */
public final class RocksDbLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbLibrary.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private static boolean loaded;

    private RocksDbLibrary() {
    }

    /** Loads the library (once per JVM; later calls return at once). */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        Path root = cacheRoot(System.getenv(), System.getProperty("user.home"));
        try {
            Path folder = extract(root);
            RocksDB.loadLibrary(List.of(folder.toString()));
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            LOG.warn("Cannot keep RocksDB's native library in {} ({}); RocksDB copies it to the temporary folder instead, where a"
                    + " process killed or halted leaves the copy behind", LogText.of(root), LogText.of(LogText.rootCause(e)));
            RocksDB.loadLibrary();
        }
        loaded = true;
    }

    /** {@code $XDG_CACHE_HOME/raidwatch/native} when that variable holds an absolute path, else {@code <home>/.cache/raidwatch/native}. */
    static Path cacheRoot(Map<String, String> environment, String home) {
        String xdg = environment.get("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(home, ".cache");
        return cache.resolve("raidwatch").resolve("native");
    }

    /**
     * The folder holding this JVM's RocksDB library under the name {@link RocksDB#loadLibrary(List)}
     * looks for, copied there if it is not there yet.
     */
    static Path extract(Path root) throws IOException {
        String resource = Environment.getJniLibraryFileName("rocksdb");
        URL url = RocksDB.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IOException("RocksDB's jar holds no " + resource + " for this platform");
        }
        URLConnection connection = url.openConnection();
        long size = connection.getContentLengthLong();
        String build = connection instanceof JarURLConnection jar && jar.getJarEntry().getCrc() != -1
                ? size + "-" + Long.toHexString(jar.getJarEntry().getCrc()) : size + "-" + Integer.toHexString(url.toString().hashCode());
        Files.createDirectories(root.getParent().getParent());
        ownerOnlyFolder(root.getParent());
        ownerOnlyFolder(root);
        Path folder = ownerOnlyFolder(root.resolve("rocksdb-" + build));
        // The name RocksDB.loadLibrary(paths) looks for (it differs from the resource's).
        Path library = folder.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
        if (Files.isRegularFile(library) && Files.size(library) == size) {
            return folder;
        }
        Path partial = Files.createTempFile(folder, "librocksdbjni", ".partial");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        return folder;
    }

    /**
     * Whether this process's user owns the path: by numeric uid (users without a name, as in containers
     * run under an arbitrary uid, have one), compared with the uid of a file this process creates.
     */
    private static boolean isOwnUser(Path path) throws IOException {
        try {
            Object owner = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Path probe = Files.createTempFile(path, "owner", ".probe");
            try {
                return owner.equals(Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
        }
    }

    /**
     * The folder, created owner-only if missing; an existing one must belong to this user and be
     * writable by no one else, or a library planted there by another user could be loaded.
     */
    private static Path ownerOnlyFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            try {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process made it meanwhile: checked below
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectories(folder);
                return folder;
            }
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS);
            if (!isOwnUser(folder) || !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) || permissions.contains(PosixFilePermission.GROUP_WRITE)
                    || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IOException(folder + " belongs to " + Files.getOwner(folder, LinkOption.NOFOLLOW_LINKS).getName() + " with permissions "
                        + PosixFilePermissions.toString(permissions) + "; expected this user's, writable by no one else");
            }
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: the folder's own protection applies
        }
        return folder;
    }
}
