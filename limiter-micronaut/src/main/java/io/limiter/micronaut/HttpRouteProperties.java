package io.limiter.micronaut;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * {@code limiter.http.routes.<name>.*}: requests matching {@code paths} (and {@code methods}) take a permit of
 * {@code limit} before they run and give it back when the response is complete (for streamed bodies, when the
 * stream ends, fails or the client goes away). Every route a request matches applies, in the order of their limit
 * names, all or none.
 *
 * <pre>
 * limiter:
 *   http:
 *     routes:
 *       search:
 *         paths: [/api/search/**]
 *         methods: [GET]            # default: every method
 *         exclude-paths: [/api/search/health]
 *         limit: search             # default: the route's name
 *         weight: 1
 *         timeout: 0                # wait this long for a permit before answering 429; 0 = never wait
 *         retry-after: 1s           # Retry-After of a 429 from a concurrency cap (a token bucket knows its own)
 *         shadow: false             # true: count and log what would be denied, never deny
 *         key: header:X-Api-Key     # a keyed limit: a cap per header value, principal, client-address or
 *                                   # path-variable:<name>; default none (one cap for every request)
 *         missing-key: reject       # a request without a key value: reject (400) or shared (one key, "-")
 * </pre>
 */
@EachProperty(HttpRouteProperties.PREFIX)
public class HttpRouteProperties {
    /** The prefix of these properties. */
    public static final String PREFIX = HttpLimitsProperties.PREFIX + ".routes";

    private final String name;
    private List<String> paths = List.of();
    private List<String> methods = List.of();
    private List<String> excludePaths = List.of();
    private String limit;
    private String weight;
    private String timeout;
    private String retryAfter;
    private boolean shadow;
    private String key;
    private String missingKey;

    public HttpRouteProperties(@Parameter String name) {
        this.name = name;
    }

    /** The route's name (the key under {@code routes}). */
    public String getName() {
        return name;
    }

    /** Path patterns, Ant style: {@code /api/**}, {@code /orders/*}; at least one. */
    public List<String> getPaths() {
        return paths;
    }

    public void setPaths(List<String> paths) {
        this.paths = paths;
    }

    /** HTTP methods; empty means every method. */
    public List<String> getMethods() {
        return methods;
    }

    public void setMethods(List<String> methods) {
        this.methods = methods;
    }

    /** Path patterns this route does not apply to. */
    public List<String> getExcludePaths() {
        return excludePaths;
    }

    public void setExcludePaths(List<String> excludePaths) {
        this.excludePaths = excludePaths;
    }

    /** The limit to take permits from; default the route's name. */
    @Nullable
    public String getLimit() {
        return limit;
    }

    public void setLimit(@Nullable String limit) {
        this.limit = limit;
    }

    /** Permits (and tokens) one request counts for; default 1. */
    @Nullable
    public String getWeight() {
        return weight;
    }

    public void setWeight(@Nullable String weight) {
        this.weight = weight;
    }

    /** How long a request may wait for its permit before it is answered 429; default 0 (never wait). */
    @Nullable
    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(@Nullable String timeout) {
        this.timeout = timeout;
    }

    /** {@code Retry-After} of a 429 caused by the concurrency cap; default 1 s. */
    @Nullable
    public String getRetryAfter() {
        return retryAfter;
    }

    public void setRetryAfter(@Nullable String retryAfter) {
        this.retryAfter = retryAfter;
    }

    /** True: take permits and count, but never deny; denials that would have happened are logged and counted. */
    public boolean isShadow() {
        return shadow;
    }

    public void setShadow(boolean shadow) {
        this.shadow = shadow;
    }

    /**
     * Where the key of a keyed limit (one cap per key) comes from: {@code header:<name>} (the header's first value),
     * {@code principal} (the authenticated user's name), {@code client-address} (the peer's address, or behind
     * {@code trusted-proxies} the last {@code X-Forwarded-For} hop that is not one) or {@code path-variable:<name>}
     * (a variable of the matched controller route, e.g. {@code {tenant}} of {@code /tenants/{tenant}/orders}).
     * The limit must be keyed; default none (the limit is taken by name).
     */
    @Nullable
    public String getKey() {
        return key;
    }

    public void setKey(@Nullable String key) {
        this.key = key;
    }

    /**
     * What a request without a key value (no such header, no principal, ...) gets: {@code reject} (default: 400
     * problem+json, so leaving the header out is no way around the cap) or {@code shared} (all such requests
     * count against one key, {@code -}). A value that is not a valid key (over 256 bytes of UTF-8, control
     * characters) is always answered 400. A shadow route never rejects: such requests use the key {@code -}.
     */
    @Nullable
    public String getMissingKey() {
        return missingKey;
    }

    public void setMissingKey(@Nullable String missingKey) {
        this.missingKey = missingKey;
    }
}
