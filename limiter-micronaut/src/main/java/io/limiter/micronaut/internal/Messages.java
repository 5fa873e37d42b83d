package io.limiter.micronaut.internal;

import io.limiter.core.LimiterValidationException;
import io.limiter.micronaut.LimiterClientProperties;
import java.util.List;

/** Every message this module shows to users, in one place so tests can assert them exactly. */
final class Messages {
    static final String ROUTE_NEEDS_PATHS = "list at least one path pattern";
    static final String HEADERS_RULE = "be one of draft-10, draft-03, none";
    static final String DOWN_POLICY_RULE = "be one of fail-closed, fail-open, local-fallback";
    static final String WEIGHT_RULE = "be a whole number between 1 and 1000000";
    static final String ADDRESS_RULE = "be an IP address or a CIDR block like 10.0.0.0/8";
    static final String METHOD_RULE = "be an HTTP method like GET or POST";
    static final String REDIS_URI_REQUIRED = "be set (e.g. redis://127.0.0.1:6379)";
    static final String REDIS_URI_WITH_BACKEND = "be left unset when the application provides the connection"
            + " (a RedisBackend bean named '" + LimiterClientProperties.BACKEND_BEAN + "')";
    static final String ROUTE_KEY_RULE = "be one of header:<name>, principal, client-address, path-variable:<name>";
    static final String METHOD_KEY_RULE = "be one of arg:<parameter of the method>, header:<name>, principal";
    static final String NO_REQUEST = "no HTTP request is in progress";
    static final String MISSING_KEY_RULE = "be one of reject, shared";
    static final String DUPLICATE_LIMIT = "name each limit once per method";
    static final String NOT_NEGATIVE = "be zero or positive";
    static final String POSITIVE = "be positive";

    static final String TOO_MANY_TITLE = "Too Many Requests";
    static final String UNAVAILABLE_TITLE = "Service Unavailable";
    static final String PROBLEM_RATE_LIMITED = "urn:limiter:problem:rate-limited";
    static final String PROBLEM_UNAVAILABLE = "urn:limiter:problem:limiter-unavailable";
    static final String PROBLEM_BAD_KEY = "urn:limiter:problem:bad-key";
    static final String BAD_REQUEST_TITLE = "Bad Request";

    private Messages() {
    }

    /** {@code <setting> must <rule>, was <value>}, the format of every configuration error. */
    static String invalid(String setting, Object value, String rule) {
        return new LimiterValidationException(setting, value, rule).getMessage();
    }

    /** {@code e}'s message with its field replaced by the full setting name. */
    static String renamed(String setting, LimiterValidationException e) {
        return setting + " must " + e.rule() + ", was " + e.value();
    }

    /** The problem detail of a 429. */
    static String tooMany(String limit, long retryAfterSeconds) {
        return "limit '" + limit + "' has no capacity left; retry after " + retryAfterSeconds + " s";
    }

    /** The rule of an {@code arg:} key naming no parameter of the method. */
    static String unknownParameter(List<String> parameters) {
        return "name a parameter of the method (" + (parameters.isEmpty() ? "it has none"
                : String.join(", ", parameters)) + ")";
    }

    /** The rule broken by a call whose key has no value: {@code key must be the value of ..., was null}. */
    static String keyWithoutValue(String rule, String method, String why) {
        return "be the value of " + rule + " in a call to " + method + " (" + why + ")";
    }

    /** The problem detail of a 400 for a request without (a valid) key of a keyed route. */
    static String badKey(String route, String rule, String why) {
        return "route '" + route + "' limits each " + rule + " on its own: " + why;
    }

    /** Why a key value is refused. */
    static final String KEY_VALUE_RULE = "its value must be 1 to 256 bytes of UTF-8 without control characters";

    /** The problem detail of a 503 when Redis (or the limit) cannot be used. */
    static String unavailable() {
        return "the request limiter is unavailable; try again later";
    }

    /** The start of every configuration error about an annotated method. */
    static String onMethod(String beanType, String method, String limit) {
        return "@Limited(\"" + limit + "\") on " + beanType + "." + method + ": ";
    }
}
