package io.limiter.core.redis;

import io.limiter.core.LimitNames;
import java.util.List;

/**
 * Builds the Redis keys of a limit. Every key of one limit shares the hash tag {@code {name}}, so a limit lives
 * in one Redis Cluster slot and every script touches one slot:
 *
 * <pre>
 * PREFIX:{name}:policy    hash    permits, lease_ms, rate, period_ms, burst
 * PREFIX:{name}:holders   zset    permit id -> lease expiry (ms, Redis time)
 * PREFIX:{name}:info      hash    permit id -> "weight:acquired_ms:owner"
 * PREFIX:{name}:used      string  sum of held weights
 * PREFIX:{name}:bucket    hash    tokens, ts (missing = full bucket)
 * PREFIX:{name}:stats     hash    grants, denials, released, forced, expired, lost_renewals
 * PREFIX:{name}:released  channel capacity came free (pub/sub)
 * </pre>
 *
 * Scripts receive these as {@code KEYS[1..7]} in this order and never build key names themselves.
 */
public final class KeySchema {
    /** The default key prefix. */
    public static final String DEFAULT_PREFIX = "limiter";

    private final String prefix;

    /** @throws io.limiter.core.LimiterValidationException if the prefix breaks {@link LimitNames#PREFIX_RULE} */
    public KeySchema(String prefix) {
        this.prefix = LimitNames.requireValidPrefix(prefix);
    }

    public String prefix() {
        return prefix;
    }

    /** The seven keys of {@code name}, in script order. The name must already be valid. */
    public List<String> keys(String name) {
        String base = prefix + ":{" + name + "}:";
        return List.of(base + "policy", base + "holders", base + "info", base + "used", base + "bucket",
                base + "stats", base + "released");
    }

    /** The pub/sub channel notified when capacity of {@code name} comes free. */
    public String channel(String name) {
        return prefix + ":{" + name + "}:released";
    }

    /** The policy key of {@code name}. */
    public String policyKey(String name) {
        return prefix + ":{" + name + "}:policy";
    }
}
