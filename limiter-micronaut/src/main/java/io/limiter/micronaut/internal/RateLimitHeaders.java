package io.limiter.micronaut.internal;

import io.limiter.core.LimitPolicy;

import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.MutableHttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Writes the rate-limit fields. {@link Syntax#DRAFT_10} (draft-ietf-httpapi-ratelimit-headers-10): both fields are
 * Structured Field Lists with one item per limit part, named after the limit:
 * <pre>
 * RateLimit-Policy: "search";q=20;w=1, "reports";q=4;qu="concurrent-requests"
 * RateLimit: "search";r=17;t=1, "reports";r=3
 * </pre>
 * A token bucket is described by {@code q} = its burst and {@code w} = the seconds it takes to refill from empty;
 * {@code r} is the tokens left and {@code t} the seconds until the bucket is full again. A concurrency cap is
 * {@code q} = its permits with {@code qu="concurrent-requests"}, and {@code r} the permits free. A limit with both
 * parts gets two items, the cap's named {@code <limit>.concurrent}. On a 429 the denied item carries {@code r=0}
 * and {@code t} equal to {@code Retry-After}. {@link Syntax#DRAFT_03} writes {@code RateLimit-Limit},
 * {@code RateLimit-Remaining} and {@code RateLimit-Reset} for the item with the least left.
 */
final class RateLimitHeaders {
    static final String POLICY = "RateLimit-Policy";
    static final String RATE_LIMIT = "RateLimit";
    static final String LIMIT_03 = "RateLimit-Limit";
    static final String REMAINING_03 = "RateLimit-Remaining";
    static final String RESET_03 = "RateLimit-Reset";

    /** The syntax of the fields, {@code limiter.http.headers}. */
    enum Syntax {
        DRAFT_10, DRAFT_03, NONE;

        static Syntax parse(String setting, String text) {
            if (text == null || text.isBlank()) {
                return DRAFT_10;
            }
            String t = text.trim().toLowerCase(Locale.ROOT);
            switch (t) {
                case "draft-10":
                    return DRAFT_10;
                case "draft-03":
                    return DRAFT_03;
                case "none":
                case "false":
                case "off":
                    return NONE;
                default:
                    throw new ConfigurationException(Messages.invalid(setting, text, Messages.HEADERS_RULE));
            }
        }
    }

    /**
     * One item: a limit part and what it has left.
     *
     * @param name the item's name
     * @param quota {@code q}
     * @param window {@code w} in seconds, or 0 for a concurrency cap
     * @param remaining {@code r}
     * @param reset {@code t} in seconds, or -1 to leave it out
     */
    record Item(String name, long quota, long window, long remaining, long reset) {
    }

    private RateLimitHeaders() {
    }

    /** The items of one limit; on a denial, {@code retryAfter} seconds (else -1) go into the short items. */
    static void items(Quota q, int weight, long retryAfter, List<Item> into) {
        LimitPolicy p = q.policy();
        boolean both = (p.hasRate() ? 1 : 0) + (p.hasConcurrency() ? 1 : 0) + (p.hasQuota() ? 1 : 0) > 1;
        if (q.policy().hasRate()) {
            boolean short_ = retryAfter >= 0 && !q.hasTokens(weight);
            into.add(new Item(q.limit(), q.policy().burst(), q.windowSeconds(), short_ ? 0 : q.tokensLeft(),
                    short_ ? retryAfter : q.secondsUntilFull()));
        }
        if (q.policy().hasConcurrency()) {
            boolean short_ = retryAfter >= 0 && (!q.hasPermits(weight) || q.hasTokens(weight));
            into.add(new Item(both ? q.limit() + ".concurrent" : q.limit(), q.policy().permits(), 0,
                    short_ ? 0 : q.permitsLeft(), short_ ? retryAfter : -1));
        }
        if (p.hasQuota()) {
            into.add(new Item(both ? q.limit() + ".quota" : q.limit(), p.quota(), q.quotaWindowSeconds(),
                    q.quotaRemaining(), q.quotaResetSeconds()));
        }
    }

    static void write(Syntax syntax, List<Item> items, MutableHttpResponse<?> response) {
        if (syntax == Syntax.NONE || items.isEmpty()) {
            return;
        }
        if (syntax == Syntax.DRAFT_03) {
            Item least = items.get(0);
            for (Item i : items) {
                if (i.remaining() < least.remaining()) {
                    least = i;
                }
            }
            response.header(LIMIT_03, least.window() > 0 ? least.quota() + ", " + least.quota() + ";w=" + least.window()
                    : Long.toString(least.quota()));
            response.header(REMAINING_03, Long.toString(least.remaining()));
            if (least.reset() >= 0) {
                response.header(RESET_03, Long.toString(least.reset()));
            }
            return;
        }
        StringJoiner policy = new StringJoiner(", ");
        StringJoiner state = new StringJoiner(", ");
        for (Item i : items) {
            String name = "\"" + i.name() + "\""; // limit names need no escaping in an sf-string
            policy.add(name + ";q=" + i.quota() + (i.window() > 0 ? ";w=" + i.window()
                    : ";qu=\"concurrent-requests\""));
            state.add(name + ";r=" + i.remaining() + (i.reset() >= 0 ? ";t=" + i.reset() : ""));
        }
        response.header(POLICY, policy.toString());
        response.header(RATE_LIMIT, state.toString());
    }
}
