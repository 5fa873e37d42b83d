package io.limiter.micronaut.internal;

import io.micronaut.core.util.PathMatcher;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One checked {@code limiter.http.routes.<name>} entry.
 *
 * @param name the route's name
 * @param limit the limit it takes permits from
 * @param paths Ant-style path patterns it applies to
 * @param excludePaths patterns it does not apply to
 * @param methods upper-case HTTP methods, empty for all
 * @param weight permits per request
 * @param timeout how long a request may wait for its permit
 * @param retryAfter Retry-After of a 429 from the concurrency cap
 * @param shadow count and log, never deny
 * @param key where a keyed limit's key comes from; empty for a limit taken by name
 * @param sharedWhenMissing a request without a key value counts against {@link #SHARED_KEY} instead of getting 400
 */
record HttpRoute(String name, String limit, List<String> paths, List<String> excludePaths, Set<String> methods,
        int weight, Duration timeout, Duration retryAfter, boolean shadow, Optional<KeyRule> key,
        boolean sharedWhenMissing) {

    /** The key of requests without one, with {@code missing-key: shared} (and on shadow routes). */
    static final String SHARED_KEY = "-";

    /** Default Retry-After of a 429 caused by a concurrency cap. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    boolean matches(String method, String path) {
        if (!methods.isEmpty() && !methods.contains(method)) {
            return false;
        }
        return anyMatch(paths, path) && !anyMatch(excludePaths, path);
    }

    static boolean anyMatch(List<String> patterns, String path) {
        for (String p : patterns) {
            if (PathMatcher.ANT.matches(p, path)) {
                return true;
            }
        }
        return false;
    }
}
