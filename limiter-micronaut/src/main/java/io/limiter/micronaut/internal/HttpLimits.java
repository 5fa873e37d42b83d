package io.limiter.micronaut.internal;

import io.limiter.core.LimitKeys;
import io.limiter.core.LimitNames;
import io.limiter.core.LimiterValidationException;
import io.limiter.micronaut.HttpLimitsProperties;
import io.limiter.micronaut.HttpRouteProperties;
import io.limiter.micronaut.LimiterClientProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The checked {@code limiter.http.*} settings: routes in acquire order (by limit name), exemptions, header syntax.
 * Created at startup so a bad setting stops the application with a message naming it.
 */
@Context
@Requires(property = LimiterClientProperties.PREFIX + ".enabled", notEquals = "false")
@Requires(property = HttpLimitsProperties.PREFIX + ".enabled", notEquals = "false")
final class HttpLimits {
    private final List<HttpRoute> routes;
    private final RateLimitHeaders.Syntax syntax;
    private final List<String> exemptPaths;
    private final AddressMatcher exemptAddresses;
    private final AddressMatcher trustedProxies;

    HttpLimits(HttpLimitsProperties p, List<HttpRouteProperties> routes) {
        String at = HttpLimitsProperties.PREFIX + ".";
        this.syntax = RateLimitHeaders.Syntax.parse(at + "headers", p.getHeaders());
        this.exemptPaths = List.copyOf(p.getExemptPaths());
        this.exemptAddresses = AddressMatcher.of(at + "exempt-addresses", p.getExemptAddresses());
        this.trustedProxies = AddressMatcher.of(at + "trusted-proxies", p.getTrustedProxies());
        List<HttpRoute> list = new ArrayList<>();
        for (HttpRouteProperties r : routes) {
            list.add(route(r));
        }
        list.sort(Comparator.comparing(HttpRoute::limit).thenComparing(HttpRoute::name));
        this.routes = List.copyOf(list);
    }

    private static HttpRoute route(HttpRouteProperties r) {
        String at = HttpRouteProperties.PREFIX + "." + r.getName() + ".";
        String limit = r.getLimit() != null ? r.getLimit() : r.getName();
        Settings.check(at + "limit", () -> LimitNames.requireValidName(limit));
        if (r.getPaths().isEmpty()) {
            throw new ConfigurationException(Messages.invalid(at + "paths", "[]", Messages.ROUTE_NEEDS_PATHS));
        }
        Set<String> methods = new LinkedHashSet<>();
        for (String m : r.getMethods()) {
            String upper = m.trim().toUpperCase(Locale.ROOT);
            if (HttpMethod.parse(upper) == HttpMethod.CUSTOM) {
                throw new ConfigurationException(Messages.invalid(at + "methods", m, Messages.METHOD_RULE));
            }
            methods.add(upper);
        }
        Optional<KeyRule> key = Optional.empty();
        if (r.getKey() != null && !r.getKey().isBlank()) {
            String text = r.getKey().trim();
            key = Optional.of(KeyRule.forRoute(text).orElseThrow(() -> new ConfigurationException(
                    Messages.invalid(at + "key", r.getKey(), Messages.ROUTE_KEY_RULE))));
        }
        return new HttpRoute(r.getName(), limit, List.copyOf(r.getPaths()), List.copyOf(r.getExcludePaths()),
                Set.copyOf(methods), Settings.weight(at + "weight", r.getWeight()),
                Settings.duration(at + "timeout", r.getTimeout(), Duration.ZERO, true),
                Settings.duration(at + "retry-after", r.getRetryAfter(), HttpRoute.DEFAULT_RETRY_AFTER, false),
                r.isShadow(), key, sharedWhenMissing(at + "missing-key", r.getMissingKey()));
    }

    private static boolean sharedWhenMissing(String setting, String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "reject":
                return false;
            case "shared":
                return true;
            default:
                throw new ConfigurationException(Messages.invalid(setting, text, Messages.MISSING_KEY_RULE));
        }
    }

    /**
     * The key of {@code route} for {@code request}: empty for a route taken by name.
     *
     * @throws BadKey when the request has no value and the route rejects such requests, or the value is not a
     *         valid key (never for a shadow route: it uses the shared key)
     */
    Optional<String> keyOf(HttpRoute route, HttpRequest<?> request) {
        if (route.key().isEmpty()) {
            return Optional.empty();
        }
        KeyRule rule = route.key().get();
        Optional<String> value = rule.read(request, r -> {
            InetAddress a = clientAddress(r);
            return a == null ? null : a.getHostAddress();
        });
        if (value.isEmpty()) {
            if (route.sharedWhenMissing() || route.shadow()) {
                return Optional.of(HttpRoute.SHARED_KEY);
            }
            throw new BadKey(route.name(), Messages.badKey(route.name(), rule.text(), rule.absence()));
        }
        try {
            return Optional.of(LimitKeys.requireValidKey(value.get()));
        } catch (LimiterValidationException e) {
            if (route.shadow()) {
                return Optional.of(HttpRoute.SHARED_KEY);
            }
            throw new BadKey(route.name(), Messages.badKey(route.name(), rule.text(), Messages.KEY_VALUE_RULE));
        }
    }

    /** A request without a usable key for a keyed route: answered 400 with the message as the detail. */
    static final class BadKey extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String route;

        BadKey(String route, String detail) {
            super(detail, null, false, false);
            this.route = route;
        }

        String route() {
            return route;
        }
    }

    RateLimitHeaders.Syntax syntax() {
        return syntax;
    }

    /** The routes that apply to {@code request}, in acquire order; empty when exempt or none matches. */
    List<HttpRoute> match(HttpRequest<?> request) {
        if (routes.isEmpty()) {
            return List.of();
        }
        String path = request.getPath();
        if (HttpRoute.anyMatch(exemptPaths, path)) {
            return List.of();
        }
        String method = request.getMethodName().toUpperCase(Locale.ROOT);
        List<HttpRoute> matched = new ArrayList<>(2);
        for (HttpRoute r : routes) {
            if (r.matches(method, path)) {
                matched.add(r);
            }
        }
        if (!matched.isEmpty() && !exemptAddresses.isEmpty() && exemptAddresses.matches(clientAddress(request))) {
            return List.of();
        }
        return matched;
    }

    /**
     * The client's address: the peer's, or, when the peer is a trusted proxy, the last {@code X-Forwarded-For}
     * entry that is not itself a trusted proxy.
     */
    InetAddress clientAddress(HttpRequest<?> request) {
        InetSocketAddress remote = request.getRemoteAddress();
        InetAddress peer = remote == null ? null : remote.getAddress();
        if (peer == null || trustedProxies.isEmpty() || !trustedProxies.matches(peer)) {
            return peer;
        }
        List<String> forwarded = request.getHeaders().getAll("X-Forwarded-For");
        InetAddress client = peer;
        for (int i = forwarded.size() - 1; i >= 0; i--) {
            String[] hops = forwarded.get(i).split(",");
            for (int j = hops.length - 1; j >= 0; j--) {
                InetAddress hop = AddressMatcher.parse(hops[j]);
                if (hop == null) {
                    return client; // garbage: stop believing the header here
                }
                client = hop;
                if (!trustedProxies.matches(hop)) {
                    return hop;
                }
            }
        }
        return client;
    }
}
