package io.limiter.server.demo;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated service instance: a few threads that run tasks of 0.3 to 1.5 s, each under a permit of one shared
 * limit, through the client library. Used by the server's demo mode (in-process) and by the compose file's
 * worker containers ({@code java -cp limiter-server.jar io.limiter.server.demo.DemoWorker}).
 */
public final class DemoWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoWorker.class);

    /** The limit the demo uses: 4 tasks at once cluster-wide, at most 5 starts per second (bursts of 5). */
    public static final String LIMIT = "demo";
    public static final LimitPolicy POLICY = LimitPolicy.builder().concurrency(4).lease(Duration.ofSeconds(10))
            .rate(5, Duration.ofSeconds(1)).burst(5).build();

    private final LimiterClient client;
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong done = new AtomicLong();
    private volatile boolean running = true;

    public DemoWorker(String redisUri, String keyPrefix, String instanceId, int threadCount) {
        this.client = LimiterClient.builder().redisUri(redisUri).keyPrefix(keyPrefix).instanceId(instanceId).build();
        DistributedLimiter limiter = client.limiter(LIMIT);
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(() -> loop(limiter), instanceId + "-task-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    /** Defines the demo limit (if absent) and starts the threads. */
    public DemoWorker start() {
        LimitPolicy stored = client.define(LIMIT, POLICY);
        log.info("demo worker {} started on limit '{}' {}", client.instanceId(), LIMIT, stored);
        threads.forEach(Thread::start);
        return this;
    }

    private void loop(DistributedLimiter limiter) {
        while (running) {
            try (Permit p = limiter.acquire(Duration.ofSeconds(30))) {
                Thread.sleep(ThreadLocalRandom.current().nextLong(300, 1500));
                if (done.incrementAndGet() % 50 == 0) {
                    log.info("demo worker {} finished {} tasks", client.instanceId(), done.get());
                }
            } catch (InterruptedException e) {
                return;
            } catch (LimiterException e) {
                log.debug("demo task did not run: {}", e.getMessage());
                sleepQuietly();
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the threads (a task in progress is interrupted and releases its permit), then closes the client. */
    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        client.close();
    }

    /** {@code DemoWorker [redisUri] [instanceId] [threads]}; defaults from LIMITER_REDIS_URI and HOSTNAME. */
    public static void main(String[] args) throws InterruptedException {
        String uri = args.length > 0 ? args[0] : System.getenv().getOrDefault("LIMITER_REDIS_URI",
                "redis://127.0.0.1:6379");
        String id = args.length > 1 ? args[1] : "demo-" + io.limiter.client.LimiterClientBuilder.defaultInstanceId();
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String prefix = System.getenv().getOrDefault("LIMITER_KEY_PREFIX", "limiter");
        DemoWorker w = new DemoWorker(uri, prefix, id, threads);
        Runtime.getRuntime().addShutdownHook(new Thread(w::close));
        w.start();
        Thread.currentThread().join();
    }
}
