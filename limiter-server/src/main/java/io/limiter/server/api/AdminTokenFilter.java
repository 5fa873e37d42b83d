package io.limiter.server.api;

import io.limiter.server.config.LimiterServerConfig;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.http.annotation.ServerFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer-token check on {@code /api/**}: every write needs {@code Authorization: Bearer <token>}; reads too when
 * {@code limiter.protect-reads} is true. The token comes from {@code limiter.admin-token}
 * ({@code LIMITER_ADMIN_TOKEN}); without one, a random token is generated at start and printed once. Tokens are
 * compared in constant time. Missing token: 401; wrong token: 403.
 *
 * <p>The dashboard stream ({@code GET /api/limits/stream}) also takes the token as the query parameter
 * {@code access_token}, because a browser's {@code EventSource} cannot send headers; no other path does.
 *
 * <p>{@code /prometheus} is a read like any other. {@code /health} is always open (its status), but shows its
 * details (Redis URI, latency, errors) only to a caller that sends the admin token. A request with more than one
 * {@code Authorization} header is refused (400) whatever it asks for.
 */
@Context
@ServerFilter({"/api/**", "/prometheus", "/health", "/health/**"})
public class AdminTokenFilter {
    private static final Logger log = LoggerFactory.getLogger(AdminTokenFilter.class);
    private static final String STREAM_PATH = "/api/limits/stream";
    private static final String STREAM_TOKEN_PARAMETER = "access_token";
    private static final String HEALTH_PATH = "/health";
    /** Request attribute: the caller sent the admin token (health details are shown only then). */
    private static final String ADMIN_ATTRIBUTE = "limiter.admin";

    private final byte[] tokenDigest;
    private final boolean protectReads;

    public AdminTokenFilter(LimiterServerConfig config) {
        String token = config.getAdminToken();
        if (token == null) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            log.warn("No admin token configured (limiter.admin-token / LIMITER_ADMIN_TOKEN). Generated one for this "
                    + "run; writes need the header  Authorization: Bearer {}", token);
        }
        this.tokenDigest = sha256(token);
        this.protectReads = config.isProtectReads();
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        List<String> authorizations = request.getHeaders().getAll(HttpHeaders.AUTHORIZATION);
        if (authorizations.size() > 1) {
            return HttpResponse.status(HttpStatus.BAD_REQUEST).contentType(Problem.CONTENT_TYPE)
                    .body(Problem.of("bad-request", 400, HttpStatus.BAD_REQUEST.getReason(),
                            Messages.ONE_AUTHORIZATION, request.getPath()));
        }
        String header = authorizations.isEmpty() ? null : authorizations.get(0);
        String path = request.getPath();
        if (path.equals(HEALTH_PATH) || path.startsWith(HEALTH_PATH + "/")) {
            if (isAdmin(header)) {
                request.setAttribute(ADMIN_ATTRIBUTE, Boolean.TRUE);
            }
            return null;
        }
        HttpMethod m = request.getMethod();
        boolean read = m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS;
        if (read && !protectReads) {
            return null;
        }
        if (header == null && read && STREAM_PATH.equals(request.getPath())) {
            String token = request.getParameters().get(STREAM_TOKEN_PARAMETER);
            header = token == null ? null : "Bearer " + token;
        }
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return deny(request, HttpStatus.UNAUTHORIZED, "unauthorized",
                    Messages.UNAUTHORIZED);
        }
        if (!isAdmin(header)) {
            return deny(request, HttpStatus.FORBIDDEN, "forbidden", Messages.FORBIDDEN);
        }
        return null;
    }

    /**
     * Cuts {@code /health} down to its status for a caller without the admin token. (Micronaut's own
     * {@code details-visible: AUTHENTICATED} needs Micronaut Security to know who is authenticated.)
     */
    @ResponseFilter
    @SuppressWarnings("unchecked")
    public void hideHealthDetails(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String path = request.getPath();
        if ((path.equals(HEALTH_PATH) || path.startsWith(HEALTH_PATH + "/"))
                && request.getAttribute(ADMIN_ATTRIBUTE).isEmpty()
                && response.getBody().orElse(null) instanceof HealthResult result) {
            ((MutableHttpResponse<Object>) response).body(Map.of("status", result.getStatus().getName()));
        }
    }

    private boolean isAdmin(@Nullable String header) {
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7
                && MessageDigest.isEqual(tokenDigest, sha256(header.substring(7).trim()));
    }

    private static HttpResponse<?> deny(HttpRequest<?> request, HttpStatus status, String kind, String detail) {
        return HttpResponse.status(status).contentType(Problem.CONTENT_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"limiter\"")
                .body(Problem.of(kind, status.getCode(), status.getReason(), detail, request.getPath()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
