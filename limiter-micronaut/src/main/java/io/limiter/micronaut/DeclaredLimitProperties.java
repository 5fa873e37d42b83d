package io.limiter.micronaut;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code limiter.client.limits.<name>.*}: a limit this application declares. With policy fields (any of
 * {@link io.limiter.core.PolicySchema#FIELDS}) it is defined at
 * start, create-if-absent (a different policy an operator stored is kept and logged), or overwritten when it differs
 * if {@code enforce: true}; either way the client defines it again if Redis loses it. {@code redis-down-policy} alone
 * (no policy fields) only sets what acquiring does while Redis is down.
 *
 * <pre>
 * limiter:
 *   client:
 *     limits:
 *       payments: { permits: 10, lease: 30s, rate: 100, period: 1s, burst: 20, redis-down-policy: fail-open }
 *       reports: { quota: 10000, window: day, zone: Europe/Berlin }
 * </pre>
 */
@EachProperty(DeclaredLimitProperties.PREFIX)
public class DeclaredLimitProperties {
    /** The prefix of these properties. */
    public static final String PREFIX = LimiterClientProperties.PREFIX + ".limits";

    /** The settings of a declared limit that are not policy fields. */
    private static final Set<String> OWN = Set.of("enforce", "redis-down-policy", "redisDownPolicy");

    private final String name;
    private String redisDownPolicy;
    private boolean enforce;

    public DeclaredLimitProperties(@Parameter String name) {
        this.name = name;
    }

    /** The limit's name (the key under {@code limits}). */
    public String getName() {
        return name;
    }

    /**
     * The policy fields among this limit's settings (every other key but {@code enforce} and
     * {@code redis-down-policy}, so a misspelt field is refused by name when parsed; see
     * {@link io.limiter.core.PolicySchema}).
     *
     * @param settings the settings under {@code limiter.client.limits.<name>}, keys as written
     */
    public static Map<String, Object> policyFields(Map<String, Object> settings) {
        Map<String, Object> fields = new LinkedHashMap<>(settings);
        fields.keySet().removeAll(OWN);
        return fields;
    }

    @Nullable
    public String getRedisDownPolicy() {
        return redisDownPolicy;
    }

    public void setRedisDownPolicy(@Nullable String redisDownPolicy) {
        this.redisDownPolicy = redisDownPolicy;
    }

    public boolean isEnforce() {
        return enforce;
    }

    public void setEnforce(boolean enforce) {
        this.enforce = enforce;
    }
}
