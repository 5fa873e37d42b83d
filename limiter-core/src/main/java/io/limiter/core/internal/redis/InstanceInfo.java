package io.limiter.core.internal.redis;

import java.time.Instant;

/**
 * A client instance as it last reported itself.
 *
 * @param id instance id (owner of its permits)
 * @param host host name
 * @param pid process id (0 if unknown)
 * @param permitsHeld permits it held at its last heartbeat
 * @param startedAt when its client was created
 * @param lastSeen its last heartbeat (Redis time)
 */
public record InstanceInfo(String id, String host, long pid, long permitsHeld, Instant startedAt, Instant lastSeen) {

    /** The details string stored in Redis. */
    String encode() {
        return host.replace('\t', ' ') + "\t" + pid + "\t" + permitsHeld + "\t" + startedAt.toEpochMilli();
    }

    static InstanceInfo decode(String id, long lastSeenMs, String details) {
        String[] f = details.split("\t", -1);
        return new InstanceInfo(id, f.length > 0 ? f[0] : "", f.length > 1 ? parse(f[1]) : 0,
                f.length > 2 ? parse(f[2]) : 0, Instant.ofEpochMilli(f.length > 3 ? parse(f[3]) : 0),
                Instant.ofEpochMilli(lastSeenMs));
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
