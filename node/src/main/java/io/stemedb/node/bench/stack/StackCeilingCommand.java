package io.stemedb.node.bench.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb bench-stack}: the web stack the node is built on, without the node — a bare
 * Spring MVC write endpoint ({@link CeilingEndpoint}) and a bare Spring Cloud Gateway proxy in
 * front of it ({@link CeilingProxy}), two contexts in one JVM as in the embedded node. Measured
 * beside etcd and the node by {@code bin/bench-writes --variant ceiling=stack}, it says how far
 * this stack alone can go on the machine: the ceiling of what any change to StemeDB's own code
 * could reach on each path.
 */
@Command(name = "bench-stack", mixinStandardHelpOptions = true,
        description = "Serve a bare Spring MVC write endpoint and a bare Spring Cloud Gateway proxy in front of it (benchmarks only: no keys, no journal).")
public final class StackCeilingCommand implements Callable<Integer> {

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address both listen on. Default: ${DEFAULT-VALUE}")
    String bind;

    @Option(names = "--api-port", defaultValue = "28980", description = "The endpoint's port (0: any free one). Default: ${DEFAULT-VALUE}")
    int apiPort;

    @Option(names = "--gateway-port", defaultValue = "28981", description = "The proxy's port (0: any free one). Default: ${DEFAULT-VALUE}")
    int gatewayPort;

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bench-stack-shutdown"));
        System.out.println("bench-stack: endpoint http://" + bind + ":" + endpointPort() + "/v1/assert, proxy http://"
                + bind + ":" + proxyPort() + "/v1/assert (no keys, nothing stored)");
        new CountDownLatch(1).await();
        return 0;
    }

    /** Starts the endpoint, then the proxy pointed at it. */
    public void start() {
        contexts.add(startContext(CeilingEndpoint.class, apiPort, false));
        contexts.add(startContext(CeilingProxy.class, gatewayPort, true,
                "--stemedb.ceiling.endpoint=http://" + bind + ":" + endpointPort()));
    }

    public int endpointPort() {
        return port(0);
    }

    public int proxyPort() {
        return port(1);
    }

    private int port(int context) {
        return Integer.parseInt(contexts.get(context).getEnvironment().getProperty("local.server.port", "-1"));
    }

    public void close() {
        for (int i = contexts.size() - 1; i >= 0; i--) {
            contexts.get(i).close();
        }
        contexts.clear();
    }

    private ConfigurableApplicationContext startContext(Class<?> configuration, int port, boolean gateway,
            String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--server.address=" + bind,
                "--server.port=" + port,
                // No application.yml of the node's services applies here.
                "--spring.config.name=bench-stack",
                "--spring.autoconfigure.exclude=" + WebStackOnly.excluded(gateway),
                "--logging.level.root=WARN"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(configuration)
                .web(WebApplicationType.SERVLET)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .run(args.toArray(String[]::new));
    }
}
