package org.raidwatch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.raidwatch.contract.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary folders of the demo, replays and the in-process broker: created under java.io.tmpdir,
 * removed whole. A process holds a lock on its folder's {@value #LOCK} for as long as it uses it; the
 * operating system drops the lock when the process ends, however it ends. So a folder left behind by
 * a process that was killed (SIGKILL, a crash, a container stopped hard) is one whose lock anyone can
 * take, and the next start removes it.
 */
public final class TemporaryFolders {

    private static final Logger LOG = LoggerFactory.getLogger(TemporaryFolders.class);

    /** The prefix of every temporary folder raidwatch makes. */
    public static final String PREFIX = "raidwatch-";
    /** The file whose lock says the folder is in use. */
    static final String LOCK = ".in-use.lock";
    /**
     * This JVM's own folders, never opened by a sweep: closing any channel of a file drops every lock
     * the process holds on it, the one that marks the folder in use included.
     */
    private static final java.util.Set<Path> OWN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private TemporaryFolders() {
    }

    /** A temporary folder this process uses, locked until {@link #close()} deletes it. */
    public static final class Owned implements AutoCloseable {

        private final Path path;
        private final FileChannel channel;

        private Owned(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        public Path path() {
            return path;
        }

        /** Releases the lock and deletes the folder with everything in it. */
        @Override
        public void close() {
            OWN.remove(path);
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("Cannot release the lock of {}: {}", path, LogText.of(e.getMessage()));
            }
            delete(path);
        }
    }

    /**
     * Removes the folders that killed processes left behind, then creates a folder and locks it.
     *
     * @param prefix the folder's name starts with it, and with {@value #PREFIX}
     */
    public static Owned create(String prefix) {
        if (!prefix.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a temporary folder's prefix starts with " + PREFIX + ", got " + prefix);
        }
        Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
        Path folder;
        try {
            folder = Files.createTempDirectory(temporary, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder (" + prefix + "...)", e);
        }
        // Marked as this JVM's before its lock file exists, so no sweep of another thread here ever opens (and so unlocks) it.
        OWN.add(folder);
        FileChannel channel = null;
        try {
            // Locked under another name, then renamed: a sweep never finds the lock file unlocked while it is being made.
            Path locking = folder.resolve(LOCK + ".new");
            channel = FileChannel.open(locking, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            channel.lock();
            Files.move(locking, folder.resolve(LOCK), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
            }
            OWN.remove(folder);
            delete(folder);
            throw new UncheckedIOException("cannot lock the temporary folder " + folder, e instanceof IOException io ? io : new IOException(e));
        }
        removeAbandoned(temporary, folder);
        return new Owned(folder, channel);
    }

    /**
     * Deletes the folders named {@value #PREFIX}* in a folder whose lock no process holds: those whose
     * process was killed. Only folders that are this user's and open to no one else (as this process's
     * own folder is) are judged, never through a symbolic link: another user's folder, or one others
     * could have written into, is left alone, as is a folder without a lock file (made by an older
     * release, or by another program).
     *
     * @param own this process's own new folder: whose owner and permissions the others must have
     * @return the folders removed
     */
    static List<Path> removeAbandoned(Path temporary, Path own) {
        List<Path> removed = new ArrayList<>();
        Object ownOwner;
        try {
            ownOwner = owner(own);
        } catch (IOException | UnsupportedOperationException e) {
            return removed; // no owner to compare with: judge nothing
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(temporary, PREFIX + "*")) {
            for (Path folder : folders) {
                if (OWN.contains(folder) || !isOwnedAlike(folder, ownOwner)) {
                    continue;
                }
                Path lock = folder.resolve(LOCK);
                if (Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS) && isAbandoned(lock)) {
                    try {
                        delete(folder);
                        removed.add(folder);
                        LOG.info("Removed {}, left behind by a raidwatch process that was killed", folder);
                    } catch (UncheckedIOException e) {
                        LOG.warn("Cannot remove {}, left behind by a raidwatch process that was killed: {}", folder,
                                LogText.of(e.getMessage()));
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Cannot look for temporary folders left behind in {}: {}", temporary, LogText.of(e.getMessage()));
        }
        return removed;
    }

    /** The folder's owner (its uid where the file system tells it), not through a link. */
    private static Object owner(Path path) throws IOException {
        try {
            return Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
        }
    }

    /** A real folder (not a link) of the same owner, which no one else may open: as a folder this process made. */
    private static boolean isOwnedAlike(Path folder, Object ownOwner) {
        try {
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) || !ownOwner.equals(owner(folder))) {
                return false;
            }
            return Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS).stream()
                    .allMatch(permission -> permission.name().startsWith("OWNER_"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Whether no process holds the lock (another user's folder, which cannot be opened for writing, is not ours to judge). */
    private static boolean isAbandoned(Path lockFile) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException heldHere) {
            return false;
        } catch (IOException cannotOpen) {
            return false;
        }
    }

    /** Removes the folder and everything in it; a folder already gone is fine. */
    public static void delete(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }
}
