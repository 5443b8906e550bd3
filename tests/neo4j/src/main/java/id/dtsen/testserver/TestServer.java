package id.dtsen.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * A real Neo4j server for the graph contract tests, without Docker.
 *
 * <p>Neo4j's own test harness runs the Community server in this JVM: Bolt on a loopback
 * port chosen by the caller, HTTP and HTTPS off, authentication off (the harness default,
 * stated explicitly here), so a driver connects with any basic-auth credentials. When the
 * server accepts connections, one line {@code READY bolt://127.0.0.1:PORT} goes to stdout.
 * The process then blocks until it is killed or, with {@code --exit-on-stdin-eof}, until its
 * standard input closes, so a test runner that dies never leaves a server behind.
 *
 * <p>Usage: {@code java [flags] -cp 'lib/*:target/classes' id.dtsen.testserver.TestServer
 * PORT WORK_DIR [--exit-on-stdin-eof]}
 */
public final class TestServer {
    /** Page cache size in MiB; small by default (the test machine is shared), larger for benchmarks. */
    private static final String PAGE_CACHE_ENV = "NEO4J_TEST_PAGECACHE_MB";

    private TestServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TestServer PORT WORK_DIR [--exit-on-stdin-eof]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path workDir = Paths.get(args[1]).toAbsolutePath();
        boolean exitOnEof = args.length > 2 && "--exit-on-stdin-eof".equals(args[2]);
        Files.createDirectories(workDir);
        String pageCacheMb = System.getenv().getOrDefault(PAGE_CACHE_ENV, "128");
        long pageCacheBytes = Long.parseLong(pageCacheMb.trim()) * 1024L * 1024L;

        Neo4j server = Neo4jBuilders.newInProcessBuilder(workDir)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .withConfig(HttpConnector.enabled, false)
                .withConfig(HttpsConnector.enabled, false)
                .withConfig(GraphDatabaseSettings.auth_enabled, false)
                .withConfig(GraphDatabaseSettings.pagecache_memory, pageCacheBytes)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "neo4j-test-server-shutdown"));

        System.out.println("READY bolt://127.0.0.1:" + server.boltURI().getPort());
        System.out.flush();

        if (exitOnEof) {
            drain(System.in);
            System.exit(0);
        }
        stopped.await();
    }

    /** Reads standard input until it closes: the parent process is gone or wants us gone. */
    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // keep reading; only end-of-file matters
            }
        } catch (IOException ignored) {
            // a broken pipe means the parent is gone, the same as end-of-file
        }
    }
}
