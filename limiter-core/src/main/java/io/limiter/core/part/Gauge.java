package io.limiter.core.part;

import java.time.Instant;

/**
 * How full one part of a limit is, as dashboards and metrics show it.
 *
 * @param part the part ({@code concurrency})
 * @param label what is counted ({@code permits})
 * @param used how much is in use (permits held, tokens taken from a full bucket, quota units used)
 * @param max the part's capacity
 * @param resetAt when the count starts again from zero (a quota's next window), or {@code null}
 */
public record Gauge(String part, String label, double used, double max, Instant resetAt) {
}
