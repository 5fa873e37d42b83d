package io.limiter.micronaut.app;

import io.limiter.core.LimiterException;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;

/** Endpoints the filter tests limit through {@code limiter.http.routes}. */
@Controller("/api")
public class TestApi {
    /** Requests inside {@link #slow} right now, over every application in this JVM. */
    public static final AtomicInteger IN_SLOW = new AtomicInteger();
    /** The most seen at once. */
    public static final AtomicInteger MAX_IN_SLOW = new AtomicInteger();

    private final KeyedService keyed;

    public TestApi(KeyedService keyed) {
        this.keyed = keyed;
    }

    @Get(value = "/{name}", produces = MediaType.TEXT_PLAIN)
    public String plain(String name) {
        return "ok " + name;
    }

    @Get(value = "/tenants/{tenant}/items", produces = MediaType.TEXT_PLAIN)
    public String tenantItems(String tenant) {
        return "items of " + tenant;
    }

    /** Calls a {@code @Limited} method keyed by a request header; a refusal is shown, not thrown. */
    @Get(value = "/keyed-method", produces = MediaType.TEXT_PLAIN)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public String keyedMethod() {
        try {
            return keyed.byHeader();
        } catch (LimiterException e) {
            return "refused " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    @Get(value = "/open/{name}", produces = MediaType.TEXT_PLAIN)
    public String open(String name) {
        return "open " + name;
    }

    @Get(value = "/slow/{name}", produces = MediaType.TEXT_PLAIN)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public String slow(String name, @QueryValue(defaultValue = "300") long ms) throws InterruptedException {
        int now = IN_SLOW.incrementAndGet();
        MAX_IN_SLOW.accumulateAndGet(now, Math::max);
        try {
            Thread.sleep(ms);
            return "slow " + name;
        } finally {
            IN_SLOW.decrementAndGet();
        }
    }

    @Get(value = "/stream/{name}", produces = MediaType.TEXT_PLAIN)
    public Flux<String> stream(String name, @QueryValue(defaultValue = "3") int items,
            @QueryValue(defaultValue = "300") long ms) {
        return Flux.interval(Duration.ofMillis(ms)).take(items).map(i -> name + i + "\n");
    }
}
