package org.raidwatch.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an instance's global stores (the {@code flags} store every instance holds) from stopping it
 * after an unclean stop.
 *
 * <p>Under exactly-once, Kafka Streams 4.4 refuses to open a RocksDB store whose own record says
 * it is still open (it may hold uncommitted writes): the store was not closed, and RocksDB had
 * written that record to disk, which it does once enough has been written to the store for its
 * memory to be flushed (in the tests, about 25 MB of flags do it and 5 MB do not: RocksDB's write
 * buffer is 16 MB by default). A stream task's store is then wiped and restored from its changelog,
 * but the global thread dies with {@code TaskCorruptedException: Tasks [-1_-1] are corrupted}, at
 * every start, until someone deletes its folder (KAFKA-21034). A global store is only a copy of its
 * topic, so this guard deletes it whenever the instance did not close cleanly last time, and Kafka
 * Streams rebuilds it from the topic while starting. A clean close leaves a mark beside the store;
 * starting removes the mark, so a crash at any moment afterwards (including during the rebuild)
 * leaves none. The first start of a release with this guard finds no mark and rebuilds once.
 */
final class GlobalStoreGuard {

    private static final Logger LOG = LoggerFactory.getLogger(GlobalStoreGuard.class);
    /** Kafka Streams keeps global stores in this folder of the application's state folder. */
    private static final String GLOBAL_FOLDER = "global";
    private static final String CLEAN_MARK = "global.closed-cleanly";

    private final Path applicationState;

    private GlobalStoreGuard(Path applicationState) {
        this.applicationState = applicationState;
    }

    /** The guard of the state folder the properties name ({@code state.dir}/{@code application.id}). */
    static GlobalStoreGuard of(Properties properties) {
        StreamsConfig config = new StreamsConfig(properties);
        return new GlobalStoreGuard(Path.of(config.getString(StreamsConfig.STATE_DIR_CONFIG),
                config.getString(StreamsConfig.APPLICATION_ID_CONFIG)));
    }

    /**
     * Before the stream opens its stores: deletes the global stores unless the last run closed them
     * cleanly, then removes the mark.
     *
     * @return whether the global stores were deleted (and will be rebuilt from their topics)
     */
    boolean beforeStart() {
        Path global = applicationState.resolve(GLOBAL_FOLDER);
        Path mark = applicationState.resolve(CLEAN_MARK);
        try {
            if (!Files.isDirectory(global) || Files.exists(mark)) {
                Files.deleteIfExists(mark);
                return false;
            }
            // Kafka Streams' own lock on the application's state folder: held, another process is using these stores.
            try (FileChannel channel = FileChannel.open(applicationState.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = tryLock(channel)) {
                if (lock == null) {
                    LOG.warn("Another process holds the state folder {}: leaving its global stores alone", applicationState);
                    return false;
                }
                LOG.warn("The last run of this instance did not close its stores cleanly (or predates this check): deleting its"
                        + " copy of the global stores ({}), which Kafka Streams rebuilds from their topic while starting", global);
                Utils.delete(global.toFile());
                return true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the global stores in " + global + ": " + e.getMessage(), e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            return null;
        }
    }

    /** After Kafka Streams closed every store cleanly: the next start may keep the global stores. */
    void closedCleanly() {
        try {
            if (Files.isDirectory(applicationState)) {
                Files.writeString(applicationState.resolve(CLEAN_MARK), "raidwatch closed the global stores cleanly\n");
            }
        } catch (IOException e) {
            LOG.warn("Cannot mark the global stores as closed cleanly in {} ({}); the next start rebuilds them", applicationState, e.toString());
        }
    }
}
