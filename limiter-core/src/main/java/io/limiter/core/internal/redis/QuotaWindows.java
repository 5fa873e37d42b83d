package io.limiter.core.internal.redis;

import io.limiter.core.CalendarWindow;
import io.limiter.core.LimitPolicy;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The calendar window a quota's exchange sends with the call ({@code start:end:window:zone}, see
 * {@code part_quota.lua}): computed from the zone's rules for the caller's estimate of Redis time, learned from the
 * replies (the policy's window and zone per limit, and the offset of Redis time from the local clock). The script
 * decides which window is live; a wrong estimate only costs one more call. Thread-safe.
 */
final class QuotaWindows {
    private record Known(CalendarWindow window, ZoneId zone, String arg, long endMs) {
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final LongSupplier wallClockMs;
    private volatile long redisOffsetMs;

    QuotaWindows(LongSupplier wallClockMs) {
        this.wallClockMs = wallClockMs;
    }

    /** The window to send for {@code name}, or '' when it is not known to have a quota. */
    String argFor(String name) {
        Known k = known.get(name);
        if (k == null) {
            return "";
        }
        long now = wallClockMs.getAsLong() + redisOffsetMs;
        if (now < k.endMs()) {
            return k.arg();
        }
        Known next = of(k.window(), k.zone(), now);
        known.put(name, next);
        return next.arg();
    }

    /** Learns from a reply: the policy it read (null if none) and Redis time then. */
    void learn(String name, LimitPolicy policy, long redisNowMs) {
        redisOffsetMs = redisNowMs - wallClockMs.getAsLong();
        if (policy == null || !policy.hasQuota()) {
            if (known.containsKey(name)) {
                known.remove(name);
            }
            return;
        }
        Known k = known.get(name);
        if (k == null || k.window() != policy.window() || !k.zone().equals(policy.zone())
                || redisNowMs >= k.endMs()) {
            if (known.size() > 100_000) {
                known.clear();
            }
            known.put(name, of(policy.window(), policy.zone(), redisNowMs));
        }
    }

    /** The window of {@code policy} that contains Redis time {@code redisNowMs}, as the script's argument. */
    static String argAt(LimitPolicy policy, long redisNowMs) {
        return of(policy.window(), policy.zone(), redisNowMs).arg();
    }

    private static Known of(CalendarWindow window, ZoneId zone, long nowMs) {
        CalendarWindow.Span span = window.spanAt(Instant.ofEpochMilli(nowMs), zone);
        long end = span.end().toEpochMilli();
        return new Known(window, zone, span.start().toEpochMilli() + ":" + end + ":" + window.id() + ":" + zone.getId(),
                end);
    }
}
