package org.raidwatch.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) inside this JVM, listening on
 * loopback only, for the demo, replays and tests. Its storage lives in a folder it deletes on close
 * when it created that folder. It can be stopped and started again on the same storage and ports.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final int NODE_ID = 1;

    private final Path logDir;
    private final boolean ownsLogDir;
    private final int brokerPort;
    private final int controllerPort;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path logDir, boolean ownsLogDir, int brokerPort, int controllerPort) {
        this.logDir = logDir;
        this.ownsLogDir = ownsLogDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /** Starts a broker on the given folder (formatting it if new); {@code deleteOnClose} removes the folder on close. */
    public static EmbeddedKafka start(Path logDir, boolean deleteOnClose) {
        for (int attempt = 1; ; attempt++) {
            int[] ports = freePorts(2);
            EmbeddedKafka kafka = new EmbeddedKafka(logDir.toAbsolutePath(), deleteOnClose, ports[0], ports[1]);
            try {
                kafka.startServer();
                return kafka;
            } catch (RuntimeException e) {
                // Another process can take a free port between finding it and binding it: try other ports,
                // on the same storage (stop keeps the folder; close would delete it).
                if (attempt < 3 && isPortProblem(e)) {
                    kafka.stop();
                    continue;
                }
                kafka.close();
                throw e;
            }
        }
    }

    private static boolean isPortProblem(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof java.net.BindException || message.contains("same port") || message.contains("bind")
                    || message.contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    /** The broker's storage folder. */
    public Path logDir() {
        return logDir;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Stops the broker and keeps its storage, as a broker crash or restart would. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts the broker again on the same storage and ports. */
    public synchronized void restart() {
        stop();
        startServer();
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            if (ownsLogDir) {
                TemporaryFolders.delete(logDir);
            }
        }
    }

    private synchronized void startServer() {
        Properties config = brokerConfig();
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format();
        }
        server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
    }

    private Properties brokerConfig() {
        Properties p = new Properties();
        p.setProperty("node.id", String.valueOf(NODE_ID));
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("auto.create.topics.enable", "false");
        // One node: every internal topic has one replica, and exactly-once works.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Compaction of the output topics needs no 128 MB buffer here.
        p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return p;
    }

    private void format() {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setHasDynamicQuorum(false)
                    .setPrintStream(quiet)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format storage for the embedded Kafka broker in " + logDir + ": " + e, e);
        }
    }

    /** Distinct free loopback ports: all held open together while they are chosen, so none is chosen twice. */
    private static int[] freePorts(int count) {
        List<ServerSocket> held = new java.util.ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for the embedded Kafka broker", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a probe socket cannot fail in a way that matters
                }
            }
        }
    }
}
