package io.limiter.micronaut;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * {@code limiter.http.*}: the HTTP server filter. Routes are under {@code limiter.http.routes.<name>}
 * ({@link HttpRouteProperties}); the filter does nothing for requests no route matches.
 *
 * <pre>
 * limiter:
 *   http:
 *     headers: draft-10              # RateLimit / RateLimit-Policy syntax: draft-10, draft-03, or none
 *     exempt-paths: [/health/**]     # never limited
 *     exempt-addresses: [10.0.0.0/8] # client addresses never limited (IPv4/IPv6, CIDR)
 *     trusted-proxies: [127.0.0.1]   # X-Forwarded-For is believed only from these (exemptions, client-address)
 * </pre>
 */
@ConfigurationProperties(HttpLimitsProperties.PREFIX)
public class HttpLimitsProperties {
    /** The prefix of these properties. */
    public static final String PREFIX = "limiter.http";

    private boolean enabled = true;
    private String headers;
    private List<String> exemptPaths = List.of();
    private List<String> exemptAddresses = List.of();
    private List<String> trustedProxies = List.of();

    /** False turns the filter off. */
    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Which rate-limit fields answers carry: {@code draft-10} (default: {@code RateLimit-Policy} and
     * {@code RateLimit} as in draft-ietf-httpapi-ratelimit-headers-10), {@code draft-03} ({@code RateLimit-Limit},
     * {@code RateLimit-Remaining}, {@code RateLimit-Reset}) or {@code none} (reveal nothing; a 429 still carries
     * {@code Retry-After}).
     */
    @Nullable
    public String getHeaders() {
        return headers;
    }

    public void setHeaders(@Nullable String headers) {
        this.headers = headers;
    }

    /** Path patterns ({@code /health/**}, {@code /static/*.css}) no route applies to. */
    public List<String> getExemptPaths() {
        return exemptPaths;
    }

    public void setExemptPaths(List<String> exemptPaths) {
        this.exemptPaths = exemptPaths;
    }

    /** Client addresses or CIDR blocks ({@code 10.0.0.0/8}, {@code ::1}) no route applies to. */
    public List<String> getExemptAddresses() {
        return exemptAddresses;
    }

    public void setExemptAddresses(List<String> exemptAddresses) {
        this.exemptAddresses = exemptAddresses;
    }

    /**
     * Proxies (addresses or CIDR blocks) whose {@code X-Forwarded-For} is believed: the client address is the last
     * entry not itself a trusted proxy. From any other peer the header is ignored, so clients cannot claim an
     * exempt address or another client's {@code client-address} key.
     */
    public List<String> getTrustedProxies() {
        return trustedProxies;
    }

    public void setTrustedProxies(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }
}
