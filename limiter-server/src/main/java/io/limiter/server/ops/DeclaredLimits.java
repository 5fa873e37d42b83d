package io.limiter.server.ops;

import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.internal.Exceptions;
import io.limiter.core.internal.redis.DefineResult;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.server.config.DeclaredLimit;
import io.micronaut.core.naming.conventions.StringConvention;
import io.micronaut.core.value.PropertyResolver;
import io.limiter.server.config.LimiterServerConfig;
import io.limiter.server.redis.RedisConnection;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the limits declared under {@code limiter.limits.*} at start: create-if-absent, or overwrite a different
 * stored policy for those marked {@code enforce: true}. A declared limit that later vanishes from Redis (a
 * restart that lost data) is defined again by the sampler; one an operator deleted stays deleted until the next
 * start of the server (Redis keeps a tombstone). Invalid declarations stop the server with a message naming the
 * setting.
 */
@Singleton
public class DeclaredLimits {
    private static final Logger log = LoggerFactory.getLogger(DeclaredLimits.class);

    private final LimitStore store;
    private final long timeoutMs;
    private final Map<String, DeclaredLimit> declared = new LinkedHashMap<>();
    private final Map<String, LimitPolicy> policies = new LinkedHashMap<>();

    public DeclaredLimits(RedisConnection redis, LimiterServerConfig config, List<DeclaredLimit> limits,
            PropertyResolver settings) {
        this.store = redis.store();
        this.timeoutMs = config.getCommandTimeout().toMillis() * 2;
        for (DeclaredLimit d : limits) {
            io.limiter.core.LimitNames.requireValidName(d.getName());
            declared.put(d.getName(), d);
            policies.put(d.getName(), d.policy(settings.getProperties(DeclaredLimit.PREFIX + "." + d.getName(),
                    StringConvention.RAW)));
        }
    }

    @EventListener
    void onStartup(StartupEvent event) {
        for (String name : policies.keySet()) {
            try {
                apply(name, false);
            } catch (Exception e) {
                Throwable cause = Exceptions.unwrap(e);
                if (cause instanceof LimiterUnavailableException || cause instanceof TimeoutException) {
                    // Redis is not there (or refuses us): don't hold the start up waiting for it once per limit.
                    log.warn("declared limits not applied yet ({}); they are applied once Redis is reachable",
                            cause instanceof TimeoutException ? "Redis did not answer" : cause.getMessage());
                    return;
                }
                log.warn("declared limit '{}' could not be applied yet ({}); retrying while the server runs", name,
                        cause.getMessage());
            }
        }
    }

    /** The declared policies, by name. */
    public Map<String, LimitPolicy> policies() {
        return Map.copyOf(policies);
    }

    void reapplyMissing(Set<String> present) {
        for (String name : policies.keySet()) {
            if (!present.contains(name)) {
                try {
                    apply(name, true);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof io.limiter.core.UnknownLimitException) {
                        log.debug("declared limit '{}' was deleted by an operator; not defining it again", name);
                    } else {
                        log.debug("re-applying declared limit '{}' failed: {}", name, e.getMessage());
                    }
                } catch (Exception e) {
                    log.debug("re-applying declared limit '{}' failed: {}", name, e.getMessage());
                }
            }
        }
    }

    /** @param recovery the limit vanished: define it again unless an operator deleted it */
    private void apply(String name, boolean recovery) throws Exception {
        LimitPolicy wanted = policies.get(name);
        DefineResult r = (recovery ? store.recover(name, wanted) : store.define(name, wanted))
                .get(timeoutMs, TimeUnit.MILLISECONDS);
        if (r.created() && recovery) {
            log.info("declared limit '{}' was not in Redis (its data was lost); defined it again", name);
        } else if (r.created()) {
            log.info("declared limit '{}' created: {}", name, wanted);
        } else if (r.stored().equals(wanted)) {
            log.info("declared limit '{}' already in Redis as declared", name);
        } else if (declared.get(name).isEnforce()) {
            store.replace(name, wanted).get(timeoutMs, TimeUnit.MILLISECONDS);
            log.warn("declared limit '{}' enforced: replaced {} with {}", name, r.stored(), wanted);
        } else {
            log.info("declared limit '{}' kept as found in Redis ({}); declared {} (set enforce: true to overwrite)",
                    name, r.stored(), wanted);
        }
    }
}
