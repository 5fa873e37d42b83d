package io.limiter.micronaut.internal;

import io.limiter.client.LimiterClient;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.micronaut.LimiterClientProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Defines the declared limits at startup: create-if-absent, or replace a different stored policy when the limit
 * is marked {@code enforce}. Limits that cannot be defined because Redis is unreachable are logged and tried again
 * every {@link #RETRY} in the background, so an application with a fail-open policy still starts; the first
 * unreachable answer ends a round, so the start waits for one timeout, not one per declared limit.
 */
@Singleton
@Requires(property = LimiterClientProperties.PREFIX + ".enabled", notEquals = "false")
class DeclaredLimits {
    private static final Logger log = LoggerFactory.getLogger(DeclaredLimits.class);
    static final Duration RETRY = Duration.ofSeconds(5);

    private final LimiterRuntime runtime;
    private final TaskScheduler scheduler;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    DeclaredLimits(LimiterRuntime runtime, @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
        this.runtime = runtime;
        this.scheduler = scheduler;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        pending.addAll(runtime.declared().keySet());
        applyPending();
    }

    /** Declared limits not yet defined (Redis was unreachable). */
    Set<String> pending() {
        return Set.copyOf(pending);
    }

    private void applyPending() {
        for (String name : pending) {
            try {
                apply(name, runtime.declared().get(name));
                pending.remove(name);
            } catch (LimiterUnavailableException e) {
                // Redis is not there (or refuses us): the others would fail the same way, each after its own wait.
                log.warn("declared limits {} could not be defined yet ({}); trying again in {}", pending,
                        e.getMessage(), RETRY);
                break;
            } catch (LimiterException | IllegalStateException e) {
                log.warn("declared limit '{}' could not be defined yet ({}); trying again in {}", name,
                        e.getMessage(), RETRY);
            }
        }
        if (!pending.isEmpty()) {
            scheduler.schedule(RETRY, this::applyPending);
        }
    }

    private void apply(String name, LimitPolicy wanted) {
        LimiterClient client = runtime.client();
        LimitPolicy stored = client.define(name, wanted);
        if (stored.equals(wanted)) {
            log.info("declared limit '{}' is defined: {}", name, wanted);
        } else if (runtime.enforced(name)) {
            Optional<LimitPolicy> previous = client.replace(name, wanted);
            log.info("declared limit '{}' replaced {} with {} (enforce: true)", name, previous.orElse(null), wanted);
        } else {
            log.warn("declared limit '{}' kept the policy found in Redis, {}, instead of the declared {}"
                    + " (set enforce: true to overwrite it)", name, stored, wanted);
        }
    }

    Map<String, LimitPolicy> declared() {
        return runtime.declared();
    }
}
