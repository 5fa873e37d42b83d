package io.limiter.core.internal.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies of keyed limits as this process last read them: a call about a key sends its family's policy (the
 * key's slot may be on another Redis Cluster shard than the family's, so the script cannot read it), and Redis keeps
 * the newest version per key (see {@code policies.lua}). A family is read on first use and again by the first call
 * {@link #MAX_AGE} after the last read; that call does not wait for it (it sends the policy in hand, and Redis
 * decides by the key's copy if that is newer). A key's reply with a newer version replaces ours at once. After this
 * process changed the family itself (define, replace, delete), the next call waits for a fresh read. So a change
 * made elsewhere reaches this process's calls within about {@code MAX_AGE}, and at once on every key a caller with
 * the new version has touched. Thread-safe.
 */
final class FamilyPolicies {
    private static final Logger log = LoggerFactory.getLogger(FamilyPolicies.class);

    /** How old a read may get before the next call starts another (a missed change notice costs at most this). */
    static final Duration MAX_AGE = Duration.ofSeconds(1);

    /**
     * A family's policy as read: {@code flat} is the stored hash (empty when not defined), {@code version} its
     * {@code ver} field, {@code deleted} true when an operator deleted it (its tombstone).
     */
    record Family(String name, List<String> flat, long version, boolean keyed, boolean deleted) {
        boolean defined() {
            return !flat.isEmpty();
        }

        static Family of(String name, List<?> flat, boolean deleted) {
            List<String> f = flat.stream().map(String::valueOf).toList();
            long version = 0;
            boolean keyed = false;
            for (int i = 0; i + 1 < f.size(); i += 2) {
                switch (f.get(i)) {
                    case "ver" -> version = parse(f.get(i + 1));
                    case "keyed" -> keyed = "1".equals(f.get(i + 1));
                    default -> { }
                }
            }
            return new Family(name, f, version, keyed, deleted);
        }

        private static long parse(String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    private final Function<String, CompletableFuture<Family>> read;
    private final LongSupplier nanoTime;
    private final Map<String, Entry> families = new ConcurrentHashMap<>();

    /** @param read reads a family's policy from Redis */
    FamilyPolicies(Function<String, CompletableFuture<Family>> read, LongSupplier nanoTime) {
        this.read = read;
        this.nanoTime = nanoTime;
    }

    /** The family's policy to send now: the last read, or the first read's answer; a stale one starts a re-read. */
    CompletableFuture<Family> current(String family) {
        return families.computeIfAbsent(family, Entry::new).current();
    }

    /** A reply about one of the family's keys carried {@code flat} (the key's copy): newer than ours replaces it. */
    void learn(String family, List<?> flat) {
        Entry e = families.get(family);
        if (e != null && !flat.isEmpty()) {
            e.offer(flat);
        }
    }

    /** This process changed the family (define, replace, delete): the next call reads it first. */
    void changed(String family) {
        Entry e = families.get(family);
        if (e != null) {
            e.reread();
        }
    }

    private final class Entry {
        private final String name;
        // Guarded by "this".
        private Family value;
        private long readAt;
        private CompletableFuture<Family> reading;

        Entry(String name) {
            this.name = name;
        }

        synchronized CompletableFuture<Family> current() {
            if (value == null) {
                return reading != null ? reading : start();
            }
            if (reading == null && nanoTime.getAsLong() - readAt > MAX_AGE.toNanos()) {
                start();
            }
            return CompletableFuture.completedFuture(value);
        }

        synchronized void reread() {
            value = null; // the next call waits for the read
            start();
        }

        // Guarded by "this".
        private CompletableFuture<Family> start() {
            long started = nanoTime.getAsLong();
            CompletableFuture<Family> r = read.apply(name);
            reading = r;
            r.whenComplete((f, e) -> {
                synchronized (this) {
                    if (reading != r) {
                        return; // a later read was started (this process changed the family meanwhile)
                    }
                    reading = null;
                    if (e == null) {
                        if (value == null || !f.defined() || f.version() >= value.version()) {
                            value = f;
                        }
                        readAt = started;
                    } else {
                        log.debug("reading the policy of keyed limit '{}' failed: {}", name, e.toString());
                    }
                }
            });
            return r;
        }

        synchronized void offer(List<?> flat) {
            if (value == null || value.flat().equals(flat)) {
                return; // the common case: the key's copy is the version in hand
            }
            Family f = Family.of(name, flat, false);
            if (f.version() > value.version()) {
                value = f;
            }
        }
    }
}
