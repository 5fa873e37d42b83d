package io.limiter.micronaut;

import io.limiter.core.LimitKeys;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.LimitState;
import io.limiter.testing.RedisExtension;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Shared bits of the module's tests: a key prefix per test class, Redis reads, HTTP answers of any status. */
final class TestSupport {
    private TestSupport() {
    }

    static String uniquePrefix(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The properties every test application needs: the test Redis and its own key prefix. */
    static Map<String, Object> clientProperties(String prefix) {
        Map<String, Object> p = new HashMap<>();
        p.put("limiter.client.redis-uri", RedisExtension.shared().uri());
        p.put("limiter.client.key-prefix", prefix);
        p.put("micronaut.server.port", -1);
        return p;
    }

    /** Reads a limit's state straight from Redis, bypassing the application. */
    static LimitState state(String prefix, String limit) {
        try (LettuceBackend backend = LettuceBackend.create(RedisExtension.shared().uri())) {
            return new LimitStore(backend, new KeySchema(prefix)).state(limit, 100).get(5, TimeUnit.SECONDS)
                    .orElseThrow();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Reads the state of one key of a keyed limit straight from Redis. */
    static LimitState keyState(String prefix, String limit, String key) {
        return state(prefix, LimitKeys.nameOf(limit, key));
    }

    /** The answer, whatever its status. */
    static HttpResponse<String> fetch(BlockingHttpClient client, String path) {
        try {
            return client.exchange(HttpRequest.GET(path), String.class);
        } catch (HttpClientResponseException e) {
            @SuppressWarnings("unchecked")
            HttpResponse<String> r = (HttpResponse<String>) e.getResponse();
            return r;
        }
    }

    static String body(HttpResponse<?> r) {
        return r.getBody(String.class).orElse("");
    }
}
