package io.limiter.server.config;

import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.PolicySchema;
import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.context.exceptions.ConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A limit declared in the configuration, applied at start and re-applied if it vanishes from Redis:
 *
 * <pre>
 * limiter:
 *   limits:
 *     payments:
 *       permits: 10
 *       lease: 30s
 *       rate: 100
 *       period: 1s
 *       burst: 20
 *       quota: 1000000  # and window: month, zone: Europe/Berlin
 *       enforce: false   # true: overwrite a different policy found in Redis
 * </pre>
 */
@EachProperty(DeclaredLimit.PREFIX)
public class DeclaredLimit {
    /** Where declared limits are configured. */
    public static final String PREFIX = "limiter.limits";
    /** The settings of a declared limit that are not policy fields. */
    private static final Set<String> OWN = Set.of("enforce");

    private final String name;
    private boolean enforce;

    public DeclaredLimit(@Parameter String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    /**
     * The declared policy, from the limit's settings (every field of {@link PolicySchema}; anything else but
     * {@code enforce} is refused by name).
     *
     * @param settings the settings under {@code limiter.limits.<name>}, keys as written
     * @throws ConfigurationException naming the setting, the rule and the value
     */
    public LimitPolicy policy(Map<String, Object> settings) {
        Map<String, Object> fields = new LinkedHashMap<>(settings);
        fields.keySet().removeAll(OWN);
        try {
            return PolicySchema.parse(fields, true);
        } catch (LimiterValidationException e) {
            throw new ConfigurationException(PREFIX + "." + name + "." + e.getMessage());
        }
    }

    public boolean isEnforce() {
        return enforce;
    }

    public void setEnforce(boolean enforce) {
        this.enforce = enforce;
    }
}
