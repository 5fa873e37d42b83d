package io.limiter.core.internal.redis;

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
 * PREFIX:{name}:queue     zset    waiting ticket -> arrival order (fair limits)
 * PREFIX:{name}:qexp      zset    waiting ticket -> expiry (ms)
 * PREFIX:{name}:qowner    hash    waiting ticket -> owner instance
 * PREFIX:{name}:quota     hash    start, end (ms, Redis time), used; expires after the window's end
 * PREFIX:{name}:override  hash    a key's override: its own policy in place of its keyed limit's
 * PREFIX:{name}:overrides zset    a keyed limit's overridden keys (key name -> 0)
 * PREFIX:{name}:hungry    hash    non-fair limits: instance -> when its waiting acquire was last denied (2 s)
 *
 * A key of a keyed limit has the keys of a limit of its own, PREFIX:{family/encoded-key}:*, where policy is the
 * key's copy of its family's policy (see LimitKeys and policies.lua); all of them expire with the key's state,
 * except an override.
 *
 * PREFIX:{~instances}:seen     zset  instance id -> last heartbeat (ms)
 * PREFIX:{~instances}:details  hash  instance id -> "host TAB pid TAB permits_held TAB started_ms"
 * </pre>
 *
 * Scripts receive these as {@code KEYS[]} in the order of {@link #ROLES}, named {@code K_<ROLE>} by the header
 * {@code ScriptProtocol} generates, and never build key names themselves.
 */
public final class KeySchema {
    /** The default key prefix. */
    public static final String DEFAULT_PREFIX = "limiter";

    /**
     * The key roles of a limit, in script order; each key is {@code PREFIX:{name}:<role>}, except the channel,
     * {@code PREFIX:{name}:released}. A part that needs a key adds its role at the end.
     */
    public static final List<String> ROLES = List.of("policy", "holders", "info", "used", "bucket", "stats",
            "channel", "queue", "qexp", "qowner", "quota", "override", "overrides", "hungry");

    private final String prefix;

    /** @throws io.limiter.core.LimiterValidationException if the prefix breaks {@link LimitNames#PREFIX_RULE} */
    public KeySchema(String prefix) {
        this.prefix = LimitNames.requireValidPrefix(prefix);
    }

    public String prefix() {
        return prefix;
    }

    /** The keys of {@code name}, in the order of {@link #ROLES}. The name must already be valid. */
    public List<String> keys(String name) {
        String base = prefix + ":{" + name + "}:";
        String[] keys = new String[ROLES.size()];
        for (int i = 0; i < keys.length; i++) {
            String role = ROLES.get(i);
            keys[i] = base + (role.equals("channel") ? "released" : role);
        }
        return List.of(keys);
    }

    /** The pub/sub channel notified when capacity of {@code name} comes free. */
    public String channel(String name) {
        return prefix + ":{" + name + "}:released";
    }

    /**
     * The two keys of the instance registry: {@code PREFIX:{~instances}:seen} (zset, id to last seen) and
     * {@code PREFIX:{~instances}:details} (hash). {@code ~} cannot occur in a limit name, so they never collide.
     */
    public List<String> instanceKeys() {
        return List.of(prefix + ":{~instances}:seen", prefix + ":{~instances}:details");
    }

    /** The glob that matches every limit's policy key, for listing limits. */
    public String policyPattern() {
        return prefix + ":{*}:policy";
    }

    /** The limit name in a policy key, or null if {@code key} is not one of this prefix's policy keys. */
    public String nameOfPolicyKey(String key) {
        String start = prefix + ":{";
        String end = "}:policy";
        if (!key.startsWith(start) || !key.endsWith(end) || key.length() <= start.length() + end.length()) {
            return null;
        }
        String name = key.substring(start.length(), key.length() - end.length());
        try {
            return LimitNames.requireValidName(name);
        } catch (RuntimeException notOurs) {
            return null;
        }
    }

    /** The policy key of {@code name}. */
    public String policyKey(String name) {
        return prefix + ":{" + name + "}:policy";
    }
}
