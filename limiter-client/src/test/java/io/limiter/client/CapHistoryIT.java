package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.Holder;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.LimitState;
import io.limiter.testing.RedisProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A history checker: several JVMs × threads acquire, hold and release on a few limits while a seeded fault injector
 * force-releases holders, shrinks and grows caps, deletes and re-defines limits, pauses Redis, flushes its scripts
 * and restarts it empty. Every grant is logged with the Redis time it was decided, when its holder stopped and when
 * (if ever) it was reported lost. The checker proves:
 * <ul>
 *   <li>every grant was decided by Redis: no permit id is ever granted twice (a local hand-over would reuse it);
 *   <li>at the instant of every grant, the weight of the permits Redis held then (the new one included) was within
 *       the cap in force: the grace the README states is exactly that holders from before a shrink, a force
 *       release, a delete or lost data may finish, but no one new is admitted over the cap;
 *   <li>nothing leaked beyond a lease: once the workers are gone, every limit is empty within lease + 1 s;
 *   <li>every call completed: each worker's attempts equal its completed calls and it exited by itself.
 * </ul>
 * Seeded and reproducible in its faults (the seed is printed and shown on failure); {@code -Dhistory.seconds=N} runs a
 * longer soak, {@code -Dhistory.seed=S} replays a seed.
 */
class CapHistoryIT {
    private static final String PREFIX = "history";
    private static final List<String> LIMITS = List.of("h0", "h1", "h2");
    private static final int CHILDREN = 2;
    private static final int THREADS = 4;
    /** Slack for the millisecond resolution of Redis times and the window of a policy change in flight. */
    private static final long SLACK_MS = 5;

    /** A cap change: in force from {@code replyMs} on; between {@code sendMs} and then, the larger one counts. */
    private record CapChange(String limit, long sendMs, long replyMs, int permits) {
    }

    /** The end of a permit's counting in Redis forced by a fault (force release, delete, lost data). */
    private record Cut(long atMs, Set<String> ids) {
    }

    private record Grant(String limit, String id, int weight, long decidedMs, long endMs) {
    }

    @Test
    void theCapHoldsAtEveryGrantUnderInjectedFaults(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("history.seed", System.nanoTime() % 100_000);
        long seconds = Long.getLong("history.seconds", 25);
        System.out.printf("CapHistoryIT seed %d (replay: -Dhistory.seed=%d), %d s%n", seed, seed, seconds);
        Random rnd = new Random(seed);
        List<CapChange> changes = new ArrayList<>();
        List<Cut> cuts = new ArrayList<>();
        Map<String, Integer> faults = new TreeMap<>();
        Map<String, Integer> cap = new HashMap<>();
        try (RedisProcess redis = RedisProcess.start("--enable-debug-command", "local");
                LettuceBackend backend = LettuceBackend.create(redis.uri(), Duration.ofSeconds(2),
                        Duration.ofSeconds(2))) {
            LimitStore admin = new LimitStore(backend, new KeySchema(PREFIX));
            for (String l : LIMITS) {
                cap.put(l, HistoryWorker.INITIAL_PERMITS);
            }
            List<Process> children = new ArrayList<>();
            for (int i = 0; i < CHILDREN; i++) {
                children.add(spawn(redis.uri(), i, seed, seconds, dir.resolve("child" + i)));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            Thread.sleep(1_500); // the children define the limits and start
            while (System.nanoTime() < until) {
                Thread.sleep(250 + rnd.nextInt(400));
                String limit = LIMITS.get(rnd.nextInt(LIMITS.size()));
                int kind = rnd.nextInt(100);
                String fault;
                try {
                    if (kind < 30) {
                        fault = "force-release";
                        Optional<LimitState> s = admin.state(limit, 50).get(2, TimeUnit.SECONDS);
                        List<Holder> holders = s.map(LimitState::holders).orElse(List.of());
                        if (holders.isEmpty()) {
                            continue;
                        }
                        Holder h = holders.get(rnd.nextInt(holders.size()));
                        long at = System.currentTimeMillis();
                        admin.release(limit, h.permitId(), true).get(2, TimeUnit.SECONDS);
                        cuts.add(new Cut(at, Set.of(h.permitId())));
                    } else if (kind < 55) {
                        int permits = 1 + rnd.nextInt(4);
                        fault = permits < cap.get(limit) ? "shrink" : "grow";
                        long send = System.currentTimeMillis();
                        admin.replace(limit, HistoryWorker.policy(permits)).get(2, TimeUnit.SECONDS);
                        changes.add(new CapChange(limit, send, System.currentTimeMillis(), permits));
                        cap.put(limit, permits);
                    } else if (kind < 67) {
                        fault = "delete+define";
                        long send = System.currentTimeMillis();
                        Set<String> held = heldIds(admin, limit);
                        admin.delete(limit).get(2, TimeUnit.SECONDS);
                        cuts.add(new Cut(send, held));
                        Thread.sleep(100 + rnd.nextInt(300));
                        int permits = cap.get(limit);
                        admin.define(limit, HistoryWorker.policy(permits)).get(2, TimeUnit.SECONDS);
                    } else if (kind < 80) {
                        fault = "client-pause";
                        redis.command("CLIENT", "PAUSE", Integer.toString(100 + rnd.nextInt(600)), "ALL");
                    } else if (kind < 92) {
                        fault = "script-flush";
                        redis.command("SCRIPT", "FLUSH");
                    } else {
                        fault = "restart-empty";
                        Set<String> held = new HashSet<>();
                        for (String l : LIMITS) {
                            held.addAll(heldIds(admin, l));
                        }
                        long send = System.currentTimeMillis();
                        redis.restart();
                        cuts.add(new Cut(send, held));
                        // The clients define the limits again as they defined them; until then nothing is granted.
                        for (String l : LIMITS) {
                            changes.add(new CapChange(l, send, System.currentTimeMillis(),
                                    HistoryWorker.INITIAL_PERMITS));
                            cap.put(l, HistoryWorker.INITIAL_PERMITS);
                        }
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    fault = "admin-call-failed"; // e.g. during a pause; the history stays checkable
                }
                faults.merge(fault, 1, Integer::sum);
            }
            for (int i = 0; i < CHILDREN; i++) {
                Process p = children.get(i);
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("child %d exited by itself (seed %d)", i, seed)
                        .isTrue();
                assertThat(p.exitValue()).as("child %d exit code (seed %d)", i, seed).isZero();
            }
            List<Grant> grants = new ArrayList<>();
            long attempts = 0;
            long completed = 0;
            long failures = 0;
            for (int i = 0; i < CHILDREN; i++) {
                for (String line : Files.readAllLines(dir.resolve("child" + i))) {
                    String[] f = line.split(" ");
                    if (f[0].equals("G")) {
                        long end = Long.parseLong(f[5]);
                        long lost = Long.parseLong(f[6]);
                        grants.add(new Grant(f[1], f[2], Integer.parseInt(f[3]), Long.parseLong(f[4]),
                                lost >= 0 ? Math.min(end, lost) : end));
                    } else if (f[0].equals("DONE")) {
                        attempts += Long.parseLong(f[1]);
                        completed += Long.parseLong(f[2]);
                        failures += Long.parseLong(f[3]);
                        System.out.println("child " + i + " failed calls by kind: " + line.substring(
                                line.indexOf('{')));
                    }
                }
            }
            System.out.printf("history: %d grants, %d attempts, %d failed calls (timeouts, Redis down, deleted), "
                    + "faults %s%n", grants.size(), attempts, failures, faults);
            assertThat(completed).as("calls that completed (seed %d)", seed).isEqualTo(attempts);
            assertThat(grants.size()).as("grants (seed %d)", seed).isGreaterThan(200);

            List<String> reused = reusedIds(grants);
            List<String> violations = overCap(grants, changes, cuts);
            System.out.printf("history check: %d permit ids granted more than once, %d grants over the cap%n",
                    reused.size(), violations.size());
            assertThat(reused).as("permits granted twice: not decided by Redis (seed %d)", seed).isEmpty();
            assertThat(violations).as("grants over the cap in force (seed %d)", seed).isEmpty();

            // Nothing leaks beyond a lease once the workers are gone.
            await().atMost(HistoryWorker.LEASE.plusSeconds(2)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        for (String l : LIMITS) {
                            long inUse = admin.state(l, 0).get(2, TimeUnit.SECONDS).map(LimitState::permitsInUse)
                                    .orElse(0L);
                            assertThat(inUse).as("%s in use after the run (seed %d)", l, seed).isZero();
                        }
                    });
        }
    }

    /** The checker itself can fail: a made-up history with one grant too many is reported. */
    @Test
    void theCheckerReportsAGrantOverTheCapAndAReusedPermit() {
        List<Grant> grants = List.of(new Grant("h0", "a", 2, 1_000, 1_100), new Grant("h0", "b", 1, 1_050, 1_200),
                new Grant("h0", "c", 1, 1_150, 1_300), new Grant("h1", "a", 3, 1_000, 1_100),
                new Grant("h0", "c", 1, 1_250, 1_260));
        // h0 cap 3: a(2) + b(1) fit; c at 1,150 after a stopped fits. Then a shrink to 1 at 1,200: c again is over.
        List<CapChange> changes = List.of(new CapChange("h0", 1_195, 1_198, 1));
        assertThat(overCap(grants, changes, List.of())).singleElement().asString().contains("id=c")
                .contains("2 held at once, cap 1");
        assertThat(reusedIds(grants)).containsExactly("h0/c");
        // Cut by a force release at 1,240, c's first grant no longer counts.
        assertThat(overCap(grants, changes, List.of(new Cut(1_240, Set.of("c"))))).isEmpty();
    }

    private static List<String> reusedIds(List<Grant> grants) {
        Set<String> ids = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (Grant g : grants) {
            if (!ids.add(g.limit() + "/" + g.id())) {
                out.add(g.limit() + "/" + g.id());
            }
        }
        return out;
    }

    /**
     * At each grant's decision time, the weight held in Redis (grants decided earlier whose holders had not stopped,
     * been reported lost, or been cut by a fault) plus its own must be within the cap in force.
     */
    private static List<String> overCap(List<Grant> grants, List<CapChange> changes, List<Cut> cuts) {
        Map<String, Long> cutAt = new HashMap<>();
        for (Cut c : cuts) {
            for (String id : c.ids()) {
                cutAt.merge(id, c.atMs(), Math::min);
            }
        }
        List<String> out = new ArrayList<>();
        for (Grant g : grants) {
            long t = g.decidedMs();
            int held = 0;
            List<String> who = new ArrayList<>();
            for (Grant o : grants) {
                if (!o.limit().equals(g.limit())) {
                    continue;
                }
                long end = Math.min(o.endMs(), cutAt.getOrDefault(o.id(), Long.MAX_VALUE));
                if (o.decidedMs() <= t && end > t + SLACK_MS) {
                    held += o.weight();
                    who.add(o.id().substring(0, Math.min(6, o.id().length())) + "(w" + o.weight() + " " + o.decidedMs() + ".." + end + ")");
                }
            }
            int allowed = allowed(g.limit(), t, changes);
            if (held > allowed) {
                out.add(g + ": " + held + " held at once, cap " + allowed + ": " + who);
            }
        }
        return out;
    }

    /** The cap in force at {@code t}: the last change answered by then; during a change in flight the larger. */
    private static int allowed(String limit, long t, List<CapChange> changes) {
        int current = HistoryWorker.INITIAL_PERMITS;
        int inFlight = 0;
        for (CapChange c : changes) { // in the order they were made, one at a time
            if (!c.limit().equals(limit)) {
                continue;
            }
            if (t >= c.replyMs() + SLACK_MS) {
                current = c.permits();
            } else if (t >= c.sendMs() - SLACK_MS) {
                inFlight = Math.max(inFlight, c.permits());
            }
        }
        return Math.max(current, inFlight);
    }

    private static Set<String> heldIds(LimitStore admin, String limit) throws Exception {
        Set<String> ids = new HashSet<>();
        admin.state(limit, 10_000).get(2, TimeUnit.SECONDS)
                .ifPresent(s -> s.holders().forEach(h -> ids.add(h.permitId())));
        return ids;
    }

    private static Process spawn(String uri, int i, long seed, long seconds, Path out) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dinstance=history-" + i);
        cmd.add("-Xmx128m");
        cmd.add("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(HistoryWorker.class.getName());
        cmd.add(uri);
        cmd.add(PREFIX);
        cmd.add(String.join(",", LIMITS));
        cmd.add(Integer.toString(THREADS));
        cmd.add(Long.toString(TimeUnit.SECONDS.toMillis(seconds)));
        cmd.add(Long.toString(seed + i));
        cmd.add(out.toString());
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
