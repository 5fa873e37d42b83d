package io.limiter.server.demo;

import io.limiter.server.config.LimiterServerConfig;
import io.limiter.server.redis.RedisConnection;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo mode ({@code --demo} or {@code limiter.demo.enabled=true}): three simulated worker instances in this process,
 * each with three threads, share the limit {@code demo} through the client library, so the API and the dashboard
 * show a cap at work.
 */
@Singleton
@Requires(property = "limiter.demo.enabled", value = "true")
public class DemoMode {
    private static final Logger log = LoggerFactory.getLogger(DemoMode.class);

    private final RedisConnection redis;
    private final LimiterServerConfig config;
    private final List<DemoWorker> workers = new ArrayList<>();

    public DemoMode(RedisConnection redis, LimiterServerConfig config) {
        this.redis = redis;
        this.config = config;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        log.info("demo mode: starting 3 worker instances (3 threads each) on limit '{}' {}", DemoWorker.LIMIT,
                DemoWorker.POLICY);
        for (int i = 1; i <= 3; i++) {
            workers.add(new DemoWorker(redis.uri(), config.getKeyPrefix(), "demo-worker-" + i, 3).start());
        }
    }

    /** Stops the workers, all at once (each waits for its threads, then its queued releases), before Redis stops. */
    @PreDestroy
    void stop() {
        workers.parallelStream().forEach(DemoWorker::close);
        log.info("demo mode: {} worker instances stopped", workers.size());
    }
}
