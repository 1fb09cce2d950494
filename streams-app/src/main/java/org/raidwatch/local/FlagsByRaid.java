package org.raidwatch.local;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The latest record of every flag read back from the flagged-cases topic, kept on disk (RocksDB, in a
 * folder of its own) rather than on the heap, and handed out in raid then rule order: a replay of a
 * million rows reads back a million flags, which would take a gigabyte of heap held as objects.
 * <p>
 * RocksDB orders keys by their bytes; a flag's key ({@code <raid id>|<rule id>}) is stored as the raid
 * id's UTF-16 code units, big-endian, then two zero bytes, then the rule id's: that byte order is
 * Java's {@link String#compareTo} order of the raid ids, then of the rule ids (a raid id holds neither
 * {@code |} nor a control character, so the zero bytes end it unambiguously).
 */
final class FlagsByRaid implements AutoCloseable {

    private static final int BATCH = 10_000;

    static {
        org.raidwatch.runner.RocksDbLibrary.load();
    }

    private final Options options;
    private final RocksDB db;
    private final WriteOptions writes;
    private WriteBatch batch = new WriteBatch();
    private int batched;

    private FlagsByRaid(Path folder) throws RocksDBException {
        this.options = new Options().setCreateIfMissing(true).setErrorIfExists(true);
        try {
            this.db = RocksDB.open(options, folder.toString());
        } catch (RocksDBException | RuntimeException e) {
            options.close();
            throw e;
        }
        // Temporary: nothing here needs to survive a crash, so no write-ahead log.
        this.writes = new WriteOptions().setDisableWAL(true);
    }

    /** A new, empty store in {@code folder} (created; it must not hold one already). */
    static FlagsByRaid in(Path folder) {
        try {
            return new FlagsByRaid(folder);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot create the flags' sorting store in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** A flag's latest record under its topic key; null when the key was deleted. A later call for the same key replaces it. */
    void put(String key, byte[] value) {
        try {
            byte[] sortKey = sortKey(key);
            if (value == null) {
                batch.delete(sortKey);
            } else {
                batch.put(sortKey, value);
            }
            if (++batched >= BATCH) {
                flushBatch();
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot keep a flag in the sorting store: " + e.getMessage(), e);
        }
    }

    /** Every flag held, by raid id then rule id, as its topic key and latest record; how many there were. */
    int forEachInOrder(BiConsumer<String, byte[]> each) {
        try {
            flushBatch();
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot keep a flag in the sorting store: " + e.getMessage(), e);
        }
        int handed = 0;
        try (RocksIterator iterator = db.newIterator()) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                each.accept(topicKey(iterator.key()), iterator.value());
                handed++;
            }
            // isValid() is false at the end and on an error alike: an error must not pass for the end.
            iterator.status();
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the flags back from the sorting store: " + e.getMessage(), e);
        }
        return handed;
    }

    private void flushBatch() throws RocksDBException {
        if (batched > 0) {
            db.write(writes, batch);
            batch.close();
            batch = new WriteBatch();
            batched = 0;
        }
    }

    static byte[] sortKey(String topicKey) {
        int bar = topicKey.indexOf('|');
        String raidId = bar < 0 ? topicKey : topicKey.substring(0, bar);
        String ruleId = bar < 0 ? "" : topicKey.substring(bar + 1);
        ByteBuffer key = ByteBuffer.allocate(2 * (raidId.length() + 1 + ruleId.length()));
        raidId.chars().forEach(c -> key.putChar((char) c));
        key.putChar('\0');
        ruleId.chars().forEach(c -> key.putChar((char) c));
        return key.array();
    }

    static String topicKey(byte[] sortKey) {
        StringBuilder key = new StringBuilder(sortKey.length / 2);
        ByteBuffer bytes = ByteBuffer.wrap(sortKey);
        boolean inRaidId = true;
        while (bytes.hasRemaining()) {
            char c = bytes.getChar();
            if (inRaidId && c == '\0') {
                key.append('|');
                inRaidId = false;
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    @Override
    public void close() {
        batch.close();
        writes.close();
        db.close();
        options.close();
    }
}
