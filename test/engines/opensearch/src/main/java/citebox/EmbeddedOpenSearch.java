package citebox;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.opensearch.action.admin.cluster.health.ClusterHealthResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts a real, single-node OpenSearch 2.19 node inside this JVM, for Citebox's real-engine tests.
 *
 * <p>The modules that a normal distribution loads from {@code modules/} (netty4 HTTP, analysis-common,
 * reindex) are loaded from the classpath instead, through Node's protected constructor that accepts
 * plugin classes. No security plugin, no bootstrap checks, no security manager.
 *
 * <p>Protocol: everything the node logs goes to stderr. Exactly one line is written to stdout once
 * HTTP is bound and the cluster has a cluster-manager: {@code OPENSEARCH_READY http://127.0.0.1:PORT}.
 * The process then runs until stdin reaches EOF (unless {@code --no-stdin}) or it gets SIGTERM/SIGINT,
 * and closes the node cleanly.
 *
 * <pre>
 * Options:
 *   --home DIR            path.home (created if missing). Default: a fresh temp dir, deleted on exit.
 *   --delete-home-on-exit delete the --home DIR (and so the default data dir in it) on shutdown.
 *   --data DIR            path.data. Default: HOME/data.
 *   --http-port PORT      0 (default) = any free port; a range like 9200-9300 also works.
 *   --transport-port P    0 (default) = any free port.
 *   --cluster-name NAME   default citebox-test.
 *   --no-stdin            do not stop on stdin EOF (for running by hand with stdin at /dev/null).
 *   -E key=value          any extra node setting (repeatable).
 * </pre>
 */
public final class EmbeddedOpenSearch {

    /** Node subclass whose only purpose is to reach the protected constructor taking classpath plugins. */
    static final class ClasspathPluginsNode extends Node {
        ClasspathPluginsNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    /** Modules a stock distribution ships that Citebox needs; add e.g. lang-painless here if ever needed. */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        ReindexPlugin.class
    );

    private static final String DEFAULT_REPLICAS = "cluster.default_number_of_replicas";

    private EmbeddedOpenSearch() {}

    public static void main(String[] args) {
        // Keep stdout for the protocol line only: anything else that prints to System.out goes to stderr.
        final PrintStream protocolOut = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        setJvmDefaults();

        final Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("EmbeddedOpenSearch: " + e.getMessage());
            System.exit(2);
            return;
        }

        final long startNanos = System.nanoTime();
        final AtomicBoolean stopped = new AtomicBoolean(false);
        final Node[] holder = new Node[1];
        final Path[] tempHome = new Path[1];

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stopped.compareAndSet(false, true)) {
                shutdown(holder[0], tempHome[0]);
            }
        }, "citebox-opensearch-shutdown"));

        try {
            final Path home;
            if (options.home != null) {
                home = options.home.toAbsolutePath();
                Files.createDirectories(home);
                if (options.deleteHomeOnExit) {
                    tempHome[0] = home;
                }
            } else {
                home = Files.createTempDirectory("citebox-opensearch-");
                tempHome[0] = home;
            }
            final Path config = Files.createDirectories(home.resolve("config"));
            final Path data = options.data != null ? options.data.toAbsolutePath() : home.resolve("data");
            Files.createDirectories(data);

            final Settings.Builder builder = Settings.builder()
                .put("cluster.name", options.clusterName)
                .put("node.name", "citebox-node")
                .put("path.home", home.toString())
                .put("path.data", data.toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", options.httpPort)
                .put("transport.port", options.transportPort)
                // Test machines' disks can be fuller than the default watermarks allow; never block allocation.
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                // With a 512 MB heap the real-memory parent breaker trips on GC lag, not on real pressure.
                .put("indices.breaker.total.use_real_memory", false)
                .put("bootstrap.memory_lock", false)
                .put("node.max_local_storage_nodes", 1)
                .put("action.auto_create_index", true);
            // One node: replicas can never be assigned, so new indices default to 0 replicas (green, not
            // yellow). OpenSearch reads this default from the cluster state, not from node settings.
            final String defaultReplicas = options.extra.getOrDefault(DEFAULT_REPLICAS, "0");
            for (Map.Entry<String, String> e : options.extra.entrySet()) {
                if (!e.getKey().equals(DEFAULT_REPLICAS)) {
                    builder.put(e.getKey(), e.getValue());
                }
            }

            final Environment environment = InternalSettingsPreparer.prepareEnvironment(
                builder.build(), Map.of(), config, () -> "citebox-node");
            final Node node = new ClasspathPluginsNode(environment, PLUGINS);
            holder[0] = node;
            node.start();

            // Node.start() returns before the single node has elected itself; wait until it has.
            final ClusterHealthResponse health = node.client().admin().cluster().prepareHealth()
                .setWaitForYellowStatus()
                .setTimeout(TimeValue.timeValueSeconds(120))
                .get();
            if (health.isTimedOut()) {
                throw new IllegalStateException("cluster did not reach yellow: " + health.getStatus());
            }
            node.client().admin().cluster().prepareUpdateSettings()
                .setPersistentSettings(Settings.builder().put(DEFAULT_REPLICAS, defaultReplicas))
                .get();

            final TransportAddress http = node.injector().getInstance(HttpServerTransport.class)
                .boundAddress().publishAddress();
            final String url = "http://" + http.getAddress() + ":" + http.getPort();
            final double seconds = (System.nanoTime() - startNanos) / 1e9;
            System.err.printf("EmbeddedOpenSearch: OpenSearch %s up in %.1f s at %s (home %s)%n",
                org.opensearch.Version.CURRENT, seconds, url, home);
            protocolOut.println("OPENSEARCH_READY " + url);
            protocolOut.flush();
        } catch (Throwable t) {
            System.err.println("EmbeddedOpenSearch: failed to start OpenSearch");
            t.printStackTrace(System.err);
            System.exit(1);
            return;
        }

        if (options.watchStdin) {
            // Parent went away (or closed our stdin on purpose): stop.
            try (InputStream in = System.in) {
                final byte[] buf = new byte[256];
                while (in.read(buf) >= 0) {
                    // ignore input
                }
            } catch (IOException ignored) {
                // treat as EOF
            }
            System.err.println("EmbeddedOpenSearch: stdin closed, shutting down");
            System.exit(0);
        } else {
            try {
                Thread.currentThread().join();
            } catch (InterruptedException ignored) {
                System.exit(0);
            }
        }
    }

    private static void shutdown(Node node, Path tempHome) {
        if (node != null) {
            try {
                node.close();
                if (!node.awaitClose(10, TimeUnit.SECONDS)) {
                    System.err.println("EmbeddedOpenSearch: node did not close within 10 s");
                }
            } catch (Throwable t) {
                System.err.println("EmbeddedOpenSearch: error while closing node: " + t);
            }
        }
        if (tempHome != null) {
            deleteRecursively(tempHome);
        }
        System.err.println("EmbeddedOpenSearch: stopped");
        try {
            org.apache.logging.log4j.LogManager.shutdown();
        } catch (Throwable ignored) {
            // best effort
        }
    }

    /** JVM-wide defaults a stock OpenSearch sets in jvm.options; an explicit -D on the command line wins. */
    private static void setJvmDefaults() {
        setDefault("log4j2.disable.jmx", "true");
        // We close the node in our own shutdown hook and still want its log lines.
        setDefault("log4j.shutdownHookEnabled", "false");
        setDefault("java.awt.headless", "true");
        setDefault("file.encoding", "UTF-8");
        setDefault("io.netty.noUnsafe", "true");
        setDefault("io.netty.noKeySetOptimization", "true");
        setDefault("io.netty.recycler.maxCapacityPerThread", "0");
        setDefault("io.netty.allocator.numDirectArenas", "0");
        setDefault("opensearch.set.netty.runtime.available.processors", "false");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("EmbeddedOpenSearch: could not delete " + root + ": " + e);
        }
    }

    static final class Options {
        Path home;
        Path data;
        String httpPort = "0";
        String transportPort = "0";
        String clusterName = "citebox-test";
        boolean watchStdin = true;
        boolean deleteHomeOnExit = false;
        final Map<String, String> extra = new LinkedHashMap<>();

        static Options parse(String[] args) {
            final Options o = new Options();
            final List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                final String a = rest.remove(0);
                switch (a) {
                    case "--home":
                        o.home = Paths.get(value(a, rest));
                        break;
                    case "--data":
                        o.data = Paths.get(value(a, rest));
                        break;
                    case "--http-port":
                        o.httpPort = value(a, rest);
                        break;
                    case "--transport-port":
                        o.transportPort = value(a, rest);
                        break;
                    case "--cluster-name":
                        o.clusterName = value(a, rest);
                        break;
                    case "--delete-home-on-exit":
                        o.deleteHomeOnExit = true;
                        break;
                    case "--no-stdin":
                        o.watchStdin = false;
                        break;
                    case "-E": {
                        final String kv = value(a, rest);
                        final int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("-E expects key=value, got: " + kv);
                        }
                        o.extra.put(kv.substring(0, eq), kv.substring(eq + 1));
                        break;
                    }
                    default:
                        throw new IllegalArgumentException("unknown argument: " + a);
                }
            }
            return o;
        }

        private static String value(String flag, List<String> rest) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return rest.remove(0);
        }
    }
}
