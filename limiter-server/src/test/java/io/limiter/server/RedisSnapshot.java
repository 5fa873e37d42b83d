package io.limiter.server;

import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keys under one prefix, to prove a rejected request changed nothing: every persistent key, plus every key of
 * the one limit the test works on. (Other tests' volatile keys, such as a token bucket, expire on their own.) The
 * server's own {@code limiter-admin-*} limits are left out: they count every capped read, rejected or not, by design
 * (see SelfProtectionIT).
 */
final class RedisSnapshot {
    private RedisSnapshot() {
    }

    static Map<String, Object> of(RedisCommands<String, String> redis, String prefix, String limit) {
        Map<String, Object> out = new TreeMap<>();
        List<String> keys = redis.keys(prefix + ":*");
        for (String k : keys) {
            if (k.startsWith(prefix + ":{limiter-admin-")
                    || (!k.startsWith(prefix + ":{" + limit + "}:") && redis.pttl(k) != -1)) {
                continue;
            }
            String type = redis.type(k);
            switch (type) {
                case "hash":
                    out.put(k, new TreeMap<>(redis.hgetall(k)));
                    break;
                case "zset":
                    out.put(k, redis.zrangeWithScores(k, 0, -1).toString());
                    break;
                case "string":
                    out.put(k, redis.get(k));
                    break;
                default:
                    out.put(k, type);
            }
        }
        return out;
    }
}
