package org.raidwatch.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro records of one generated class in the Confluent wire format: byte 0, the writer schema's
 * 4-byte big-endian registry id, then the Avro binary body. Subjects follow the topic name strategy
 * ({@code <topic>-value}, {@code <topic>-key}). The reader fetches the writer's schema by id (once)
 * and resolves it to the generated class, so records written with older or newer compatible
 * schemas decode. Anything that is not such a record fails with a {@link SerializationException};
 * a writer schema must pass {@link WriterSchemaVetting} first. A writer schema id the registry does
 * not know (error_code 40403) is asked for again a few times within a budget, then remembered for a
 * minute, as is a refused schema, so a flood of bogus ids costs one registry call each. A registry
 * that cannot be reached is not the record's fault: that failure
 * stays a {@link SchemaRegistryUnavailableException}, so the stream retries instead of
 * dead-lettering a good record.
 */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_LENGTH = 5;

    private final SchemaRegistryClient registry;
    private final Class<T> type;
    private final Schema readerSchema;
    private final boolean forKeys;
    private final boolean autoRegister;
    private final boolean useLatestVersion;
    private final SpecificDatumWriter<T> writer;
    private final Map<String, WriterSchema> writerSchemasBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    /**
     * Writer ids the registry answered "not found" for, with that answer; bounded, oldest forgotten
     * first, and asked again after a while (a registry follower may not have seen a new schema yet).
     */
    private final Map<Integer, Unknown> unknownWriterIds = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, Unknown> eldest) {
                    return size() > MAX_REMEMBERED_UNKNOWN_IDS;
                }
            });
    private static final int MAX_REMEMBERED_UNKNOWN_IDS = 10_000;
    /** How long an unknown or refused writer id is answered from memory. */
    static final java.time.Duration REMEMBER_UNKNOWN_IDS = java.time.Duration.ofMinutes(1);
    /** Writer schemas refused (unparsable, unresolvable, unbounded to decode), remembered as unknown ids are. */
    private final Map<Integer, Unknown> badWriterIds = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, Unknown> eldest) {
                    return size() > MAX_REMEMBERED_UNKNOWN_IDS;
                }
            });
    /** Readers kept at most, one per writer id; past that they are made again as needed. */
    static final int MAX_READERS = 1_000;
    /** Pauses before asking again for an id the registry does not know: 350 ms per id at most. */
    static final long[] UNKNOWN_ID_PAUSES_MS = {50, 100, 200};
    /**
     * The stream thread's time all unknown ids may take: 250 ms a second, up to 500 ms saved up, so one
     * new id after a quiet spell gets its whole budget and a flood of bogus ids is soon final at once.
     */
    static final long UNKNOWN_ID_WAIT_PER_SECOND_MS = 250;
    private final org.raidwatch.contract.TokenBucket unknownIdTime = new org.raidwatch.contract.TokenBucket(UNKNOWN_ID_WAIT_PER_SECOND_MS,
            2 * UNKNOWN_ID_WAIT_PER_SECOND_MS);

    private record Unknown(String answer, long sinceNanos) {
    }

    /**
     * The schema records are written with under a subject, and its id. With {@code use.latest.version}
     * a subject's latest schema can differ from the class's: then {@code resolver} reads the class's
     * encoding as that schema, and {@code writer} writes it.
     */
    private record WriterSchema(int id, GenericDatumReader<Object> resolver, GenericDatumWriter<Object> writer) {
    }

    /**
     * @param autoRegister register the class's schema on first write (true), or only look up an
     *                     already registered one (false, for registries where producers may not register)
     */
    public ConfluentAvroSerde(SchemaRegistryClient registry, Class<T> type, boolean forKeys, boolean autoRegister) {
        this(registry, type, forKeys, autoRegister, false);
    }

    /**
     * @param useLatestVersion write with the subject's latest registered schema and its id (Confluent's
     *                         {@code use.latest.version}), provided that schema can represent this
     *                         class's records; only with {@code autoRegister} false, as in Confluent's serializers
     */
    public ConfluentAvroSerde(SchemaRegistryClient registry, Class<T> type, boolean forKeys, boolean autoRegister,
                              boolean useLatestVersion) {
        if (autoRegister && useLatestVersion) {
            throw new IllegalArgumentException("use.latest.version needs auto.register.schemas=false");
        }
        AvroClassTrust.install();
        this.registry = registry;
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.forKeys = forKeys;
        this.autoRegister = autoRegister;
        this.useLatestVersion = useLatestVersion;
        this.writer = new SpecificDatumWriter<>(readerSchema);
    }

    /** A value serde that registers its schema on first write. */
    public static <T extends SpecificRecord> ConfluentAvroSerde<T> forValues(SchemaRegistryClient registry, Class<T> type) {
        return new ConfluentAvroSerde<>(registry, type, false, true);
    }

    public Schema schema() {
        return readerSchema;
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        String subject = subject(topic);
        WriterSchema writerSchema;
        try {
            writerSchema = writerSchemasBySubject.computeIfAbsent(subject, this::writerSchema);
        } catch (SchemaRegistryUnavailableException e) {
            throw e;
        } catch (SchemaRegistryException e) {
            if (e.isUnavailable()) {
                throw new SchemaRegistryUnavailableException("cannot get a schema id for subject " + subject + ": " + e.getMessage(), e);
            }
            throw new SerializationException("cannot get a schema id for subject " + subject + ": " + e.getMessage(), e);
        }
        Output output = OUTPUT.get();
        ReusableBuffer out = output.buffer;
        out.reset();
        out.write(MAGIC_BYTE);
        int id = writerSchema.id();
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = output.encoder = EncoderFactory.get().binaryEncoder(out, output.encoder);
            if (writerSchema.resolver() == null) {
                writer.write(record, encoder);
            } else {
                // Written as the class's schema, read back as the latest one (defaults fill its extra fields), written as that.
                ByteArrayOutputStream own = new ByteArrayOutputStream(128);
                BinaryEncoder ownEncoder = EncoderFactory.get().directBinaryEncoder(own, null);
                writer.write(record, ownEncoder);
                ownEncoder.flush();
                Object resolved = writerSchema.resolver().read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
                writerSchema.writer().write(resolved, encoder);
            }
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            output.encoder = null; // it may hold half a record
            throw new SerializationException("cannot write " + type.getSimpleName() + " for topic " + topic + ": " + e, e);
        }
        byte[] bytes = out.toByteArray();
        if (out.capacity() > MAX_KEPT_BUFFER) {
            OUTPUT.remove(); // one huge record does not pin its buffer to the thread
        }
        return bytes;
    }

    /** A growable buffer reused by one thread for every record it writes: only the finished bytes are copied out. */
    private static final class ReusableBuffer extends ByteArrayOutputStream {

        ReusableBuffer() {
            super(1024);
        }

        int capacity() {
            return buf.length;
        }
    }

    /** What one thread writes records with: its buffer and a buffered encoder over it, both reused. */
    private static final class Output {
        final ReusableBuffer buffer = new ReusableBuffer();
        BinaryEncoder encoder;
    }

    /** Each thread's decoder, pointed at each record's bytes in turn. */
    private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();
    private static final ThreadLocal<Output> OUTPUT = ThreadLocal.withInitial(Output::new);
    private static final int MAX_KEPT_BUFFER = 1 << 20;

    private WriterSchema writerSchema(String subject) {
        if (autoRegister) {
            return new WriterSchema(registry.register(subject, readerSchema), null, null);
        }
        if (!useLatestVersion) {
            return new WriterSchema(registry.lookup(subject, readerSchema), null, null);
        }
        SchemaRegistryClient.RegisteredSchema latest;
        try {
            latest = registry.latest(subject);
        } catch (SchemaRegistryException e) {
            if (e.isUnknownSubject()) {
                throw new SerializationException("use.latest.version is set but subject " + subject + " has no registered version;"
                        + " register its schema first", e);
            }
            throw e;
        }
        if (latest.schema().equals(readerSchema)) {
            return new WriterSchema(latest.id(), null, null);
        }
        SchemaCompatibility.SchemaPairCompatibility check = SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), readerSchema);
        if (check.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerializationException("use.latest.version: the latest version " + latest.version() + " (id " + latest.id()
                    + ") of subject " + subject + " cannot represent raidwatch's " + readerSchema.getFullName() + " records"
                    + " (its own schema, " + ownSchemaId(subject) + "fingerprint "
                    + Long.toHexString(SchemaNormalization.parsingFingerprint64(readerSchema))
                    + "): " + check.getResult().getIncompatibilities().stream()
                            .map(i -> i.getType() + " at " + i.getLocation() + " " + i.getMessage()).toList());
        }
        // Plain generic data on both sides: logical types stay in their underlying form, exactly as encoded.
        GenericData plain = new GenericData();
        return new WriterSchema(latest.id(), new GenericDatumReader<>(readerSchema, latest.schema(), plain),
                new GenericDatumWriter<>(latest.schema(), plain));
    }

    /** "id N under the subject, " when raidwatch's own schema is registered there; empty otherwise, or when the registry cannot say. */
    private String ownSchemaId(String subject) {
        try {
            return "id " + registry.lookup(subject, readerSchema) + " under the subject, ";
        } catch (SchemaRegistryException notThere) {
            return "not registered under the subject, ";
        }
    }

    T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HEADER_LENGTH) {
            throw new SerializationException("not a Confluent Avro record on topic " + topic + ": " + data.length
                    + " bytes, fewer than the 5-byte header");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException("not a Confluent Avro record on topic " + topic + ": unknown magic byte "
                    + data[0] + " (expected 0)");
        }
        int writerId = ByteBuffer.wrap(data, 1, 4).getInt();
        DatumReader<T> reader = reader(writerId, topic);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, HEADER_LENGTH, data.length - HEADER_LENGTH, DECODER.get());
            DECODER.set(decoder);
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("corrupt Avro " + type.getSimpleName() + " on topic " + topic
                        + ": bytes left over after the record");
            }
            return record;
        } catch (SerializationException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("corrupt Avro " + type.getSimpleName() + " on topic " + topic
                    + " (writer schema " + writerId + "): " + e, e);
        }
    }

    /**
     * The reader for records written with this writer id: made once per id (at most
     * {@value #MAX_READERS} kept), from a writer schema that passed {@link WriterSchemaVetting}. An id
     * the registry does not know, or whose schema is refused, is remembered for a while, so a flood of
     * such records costs one registry call per id. An unknown id is asked again a few times first (a
     * registry follower may not have seen a schema just registered), within a budget per id and a cap
     * on the stream thread's time all unknown ids may take each second.
     */
    private DatumReader<T> reader(int writerId, String topic) {
        DatumReader<T> known = readersByWriterId.get(writerId);
        if (known != null) {
            return known;
        }
        Unknown refused = remembered(badWriterIds, writerId);
        if (refused == null) {
            refused = remembered(unknownWriterIds, writerId);
        }
        if (refused != null) {
            throw new SerializationException("cannot use writer schema " + writerId + " for a record on topic " + topic + ": " + refused.answer());
        }
        Schema writer = null;
        for (int attempt = 0; writer == null; attempt++) {
            try {
                writer = registry.schemaById(writerId);
            } catch (SchemaRegistryUnavailableException e) {
                throw e;
            } catch (SchemaRegistryException e) {
                if (!e.isUnknownSchema()) {
                    // No answer, a 5xx, a refused credential, a wrong address: the registry's trouble, never the record's.
                    throw new SchemaRegistryUnavailableException("cannot get writer schema " + writerId + ": " + e.getMessage(), e);
                }
                if (attempt >= UNKNOWN_ID_PAUSES_MS.length || !unknownIdTime.take(UNKNOWN_ID_PAUSES_MS[attempt])) {
                    unknownWriterIds.put(writerId, new Unknown(e.getMessage(), System.nanoTime()));
                    throw new SerializationException("cannot get writer schema " + writerId + " for a record on topic " + topic
                            + " (asked " + (attempt + 1) + (attempt == 0 ? " time" : " times") + "): " + e.getMessage(), e);
                }
                pause(UNKNOWN_ID_PAUSES_MS[attempt], e);
            } catch (RuntimeException e) {
                // The registry's answer is not a schema Avro can parse: the id is as bad as the record.
                badWriterIds.put(writerId, new Unknown("its schema cannot be parsed: " + e.getMessage(), System.nanoTime()));
                throw new SerializationException("writer schema " + writerId + " for a record on topic " + topic + " cannot be parsed: "
                        + e.getMessage(), e);
            }
        }
        String problem = WriterSchemaVetting.problem(writer, readerSchema);
        if (problem != null) {
            badWriterIds.put(writerId, new Unknown("refused: " + problem, System.nanoTime()));
            throw new SerializationException("writer schema " + writerId + " of a record on topic " + topic + " is refused: " + problem);
        }
        if (readersByWriterId.size() >= MAX_READERS) {
            readersByWriterId.clear();
        }
        DatumReader<T> made = new SpecificDatumReader<>(writer, readerSchema);
        readersByWriterId.putIfAbsent(writerId, made);
        return made;
    }

    /** How many readers it keeps now (one per writer id met). */
    int readersKept() {
        return readersByWriterId.size();
    }

    /** A remembered answer for an id, while it is fresh; a stale one is forgotten. */
    private static Unknown remembered(Map<Integer, Unknown> answers, int writerId) {
        Unknown answer = answers.get(writerId);
        if (answer == null) {
            return null;
        }
        if (System.nanoTime() - answer.sinceNanos() < REMEMBER_UNKNOWN_IDS.toNanos()) {
            return answer;
        }
        answers.remove(writerId);
        return null;
    }

    private static void pause(long millis, SchemaRegistryException cause) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryUnavailableException("interrupted while asking the schema registry again for a schema", cause);
        }
    }

    private String subject(String topic) {
        return topic + (forKeys ? "-key" : "-value");
    }
}
