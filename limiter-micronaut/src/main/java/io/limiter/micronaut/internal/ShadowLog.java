package io.limiter.micronaut.internal;

import io.micronaut.http.HttpRequest;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what shadow-mode routes would have denied: the first denial of a limit at once, then at most one line per
 * limit and second with the number of denials since the last line.
 */
final class ShadowLog {
    private static final Logger log = LoggerFactory.getLogger(ShadowLog.class);
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(1);

    private record Counter(AtomicLong count, AtomicLong lastNanos) {
    }

    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    void wouldDeny(List<HttpRoute> routes, String limit, HttpRequest<?> request) {
        Counter c = counters.computeIfAbsent(limit,
                l -> new Counter(new AtomicLong(), new AtomicLong(System.nanoTime() - INTERVAL)));
        long n = c.count.incrementAndGet();
        long now = System.nanoTime();
        long last = c.lastNanos.get();
        if (now - last >= INTERVAL && c.lastNanos.compareAndSet(last, now)) {
            c.count.addAndGet(-n);
            String route = routes.stream().filter(r -> r.limit().equals(limit)).map(HttpRoute::name).findFirst()
                    .orElse(limit);
            log.info("shadow route '{}': limit '{}' would have denied {} request(s), the last {} {}", route, limit, n,
                    request.getMethodName(), request.getPath());
        }
    }

    /** Denials not yet logged per limit (for tests). */
    long pending(String limit) {
        Counter c = counters.get(limit);
        return c == null ? 0 : c.count.get();
    }
}
