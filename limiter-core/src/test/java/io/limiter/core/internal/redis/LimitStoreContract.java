package io.limiter.core.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.limiter.core.CalendarWindow;
import io.limiter.core.LimitKeys;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.redis.Holder;
import io.limiter.core.redis.LimitState;
import io.limiter.core.redis.RedisBackend;
import io.limiter.core.redis.Script;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.RedisProcess;
import io.limiter.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract every {@link RedisBackend} must pass: the scripts' semantics, one call at a time, against a real
 * Redis. Shipped in limiter-core's test-jar; each backend runs it by extending this class.
 */
@ExtendWith(RedisExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LimitStoreContract {
    private RedisBackend backend;
    private LimitStore store;
    private AbstractRedisClient raw;
    private RedisClusterCommands<String, String> redis;
    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

    /** A new backend of the kind under test, connected to {@code redisUri}. */
    protected abstract RedisBackend newBackend(String redisUri);

    /** Closes what {@link #newBackend} created. */
    protected abstract void closeBackend(RedisBackend backend);

    /** The Redis under test: by default the one {@link RedisExtension} provides. */
    protected String redisUri(TestRedis testRedis) {
        return testRedis.uri();
    }

    @BeforeAll
    void connect(TestRedis testRedis) {
        String uri = redisUri(testRedis);
        backend = newBackend(uri);
        store = new LimitStore(backend, new KeySchema(prefix));
        if (uri.startsWith("redis-cluster://")) {
            List<RedisURI> seeds = Arrays.stream(uri.substring("redis-cluster://".length()).split(","))
                    .map(h -> RedisURI.create("redis://" + h)).toList();
            RedisClusterClient c = RedisClusterClient.create(seeds);
            raw = c;
            redis = c.connect().sync();
        } else {
            RedisClient c = RedisClient.create(uri);
            raw = c;
            redis = c.connect().sync();
        }
    }

    /** The store under test (for subclasses' own tests). */
    protected LimitStore store() {
        return store;
    }

    /** A raw connection to the Redis under test (cluster-aware on a cluster). */
    protected RedisClusterCommands<String, String> redis() {
        return redis;
    }

    /** The key prefix this suite's limits use. */
    protected String prefix() {
        return prefix;
    }

    @AfterAll
    void close() {
        closeBackend(backend);
        raw.shutdown();
        stopRedis();
    }

    /** Called last, after every connection to the Redis under test is closed. */
    protected void stopRedis() {
    }

    private String name() {
        return "l" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** One exchange with positional parts, for brevity here. */
    private java.util.concurrent.CompletableFuture<ExchangeResult> exchange(String n, String owner,
            Duration ttl, List<String> releases, boolean forced, List<AcquireRequest> acquires) {
        return store.exchange(new ExchangeRequest(n, owner, ttl, releases, forced, acquires, false));
    }

    private <T> T join(java.util.concurrent.CompletableFuture<T> f) {
        return f.join();
    }

    /** The exception {@code f} failed with (unwrapped); fails the test if it succeeded. */
    private static Throwable failure(java.util.concurrent.CompletableFuture<?> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure, got " + f.join());
    }

    @Test
    void defineIsCreateIfAbsentAndReturnsTheStoredPolicy() {
        String n = name();
        LimitPolicy first = LimitPolicy.builder().concurrency(3).build();
        LimitPolicy other = LimitPolicy.builder().concurrency(9).build();
        DefineResult created = join(store.define(n, first));
        assertThat(created.created()).isTrue();
        assertThat(created.stored()).isEqualTo(first);
        DefineResult again = join(store.define(n, other));
        assertThat(again.created()).isFalse();
        assertThat(again.stored()).isEqualTo(first);
        assertThat(redis.hgetall(prefix + ":{" + n + "}:policy")).containsEntry("permits", "3")
                .containsEntry("lease_ms", "30000").doesNotContainKey("rate");
    }

    @Test
    void replaceOverwritesAndReturnsThePrevious() {
        String n = name();
        LimitPolicy a = LimitPolicy.builder().concurrency(3).build();
        LimitPolicy b = LimitPolicy.builder().rate(5, Duration.ofSeconds(1)).build();
        assertThat(join(store.replace(n, a))).isEmpty();
        assertThat(join(store.replace(n, b))).contains(a);
        assertThat(join(store.state(n, 10)).orElseThrow().policy()).isEqualTo(b);
    }

    @Test
    void unknownLimitIsAClearError() {
        assertThatThrownBy(() -> join(store.acquire(name(), "id", 1, "me")))
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(UnknownLimitException.class)
                .hasMessageContaining("is not defined");
        assertThat(join(store.state(name(), 10))).isEmpty();
    }

    @Test
    void weightLargerThanThePolicyAllowsIsRejected() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(4).build()));
        assertThatThrownBy(() -> join(store.acquire(n, "id", 5, "me")))
                .hasCauseInstanceOf(LimiterValidationException.class)
                .cause().hasMessage("weight must be at most 4 (what limit '" + n + "' allows at once), was 5");
    }

    @Test
    void weightedPermitsAreCountedAndReleasedIdempotently() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(5).build()));
        AcquireResult a = join(store.acquire(n, "a", 3, "me"));
        assertThat(a.granted()).isTrue();
        assertThat(a.permitsLeft()).isEqualTo(2);
        assertThat(a.roomLeft()).isTrue();
        assertThat(join(store.acquire(n, "b", 3, "me")).granted()).isFalse();
        AcquireResult c = join(store.acquire(n, "c", 2, "me"));
        assertThat(c.granted()).isTrue();
        assertThat(c.roomLeft()).isFalse();
        assertThat(c.retryAfter()).isPositive();

        assertThat(join(store.release(n, "a", false))).isTrue();
        assertThat(join(store.release(n, "a", false))).isFalse();
        assertThat(join(store.release(n, "never-granted", false))).isFalse();
        assertThat(join(store.state(n, 10)).orElseThrow().permitsInUse()).isEqualTo(2);
        assertThat(redis.get(prefix + ":{" + n + "}:used")).isEqualTo("2");
        // Exactly 3 free now: a second release of "a" added nothing.
        assertThat(join(store.acquire(n, "d", 3, "me")).granted()).isTrue();
        assertThat(join(store.acquire(n, "e", 1, "me")).granted()).isFalse();
    }

    @Test
    void theSameIdTwiceIsOneGrant() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(2).build()));
        assertThat(join(store.acquire(n, "x", 1, "me")).granted()).isTrue();
        assertThat(join(store.acquire(n, "x", 1, "me")).granted()).isTrue();
        assertThat(join(store.state(n, 10)).orElseThrow().permitsInUse()).isEqualTo(1);
        // Also when the retry finds the limit full (its own grant fills it): reported granted, nothing taken twice.
        assertThat(join(store.acquire(n, "y", 1, "me")).granted()).isTrue();
        assertThat(join(store.acquire(n, "y", 1, "me")).granted()).isTrue();
        assertThat(join(store.state(n, 10)).orElseThrow().permitsInUse()).isEqualTo(2);
        assertThat(join(store.acquire(n, "z", 1, "me")).granted()).isFalse();
    }

    @Test
    void idleStateLeavesNoGarbage() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(2).rate(10, Duration.ofSeconds(1)).build()));
        join(store.acquire(n, "a", 1, "me"));
        String base = prefix + ":{" + n + "}:";
        // At least the lease + 1 s; refreshed once per lease, so at most twice the lease + 1 s.
        for (String key : List.of("holders", "info", "used")) {
            assertThat(redis.pttl(base + key)).as(key).isBetween(31_000L - 100, 61_000L);
        }
        assertThat(redis.pttl(base + "bucket")).isBetween(1L, 1_200L);
        join(store.release(n, "a", false));
        assertThat(redis.exists(base + "holders", base + "info", base + "used")).isZero();
    }

    @Test
    void stateListsHoldersWithOwnerWeightAndTimes() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(5).lease(Duration.ofSeconds(10)).build()));
        join(store.acquire(n, "p1", 2, "host-a:1"));
        join(store.acquire(n, "p2", 1, "host-b:2"));
        LimitState s = join(store.state(n, 10)).orElseThrow();
        assertThat(s.permitsInUse()).isEqualTo(3);
        assertThat(s.holders()).extracting(Holder::permitId).containsExactlyInAnyOrder("p1", "p2");
        Holder h = s.holders().stream().filter(x -> x.permitId().equals("p1")).findFirst().orElseThrow();
        assertThat(h.owner()).isEqualTo("host-a:1");
        assertThat(h.weight()).isEqualTo(2);
        assertThat(Duration.between(h.acquiredAt(), h.leaseExpiresAt())).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.counters()).containsEntry("grants", 2L);
        assertThat(join(store.state(n, 1)).orElseThrow().holders()).hasSize(1);
    }

    @Test
    void renewExtendsHeldLeasesAndReportsLostOnes() throws Exception {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(5).lease(Duration.ofSeconds(1)).build()));
        AcquireResult a = join(store.acquire(n, "a", 1, "me"));
        join(store.acquire(n, "b", 1, "me"));
        join(store.release(n, "b", true));
        Thread.sleep(20);
        RenewResult r = join(store.renew(n, List.of("a", "b", "ghost")));
        assertThat(r.lost()).containsExactlyInAnyOrder("b", "ghost");
        assertThat(r.leaseExpiresAtMs()).isGreaterThan(a.leaseExpiresAtMs());
        assertThat(r.lease()).isEqualTo(Duration.ofSeconds(1));
        assertThat(join(store.state(n, 10)).orElseThrow().counters()).containsEntry("forced", 1L);
    }

    @Test
    void renewingThousandsOfPermitsExtendsEveryHeldOneAndReportsExactlyTheLostOnes() throws Exception {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(10_000).lease(Duration.ofSeconds(5)).build()));
        List<String> ids = new ArrayList<>();
        for (int batch = 0; batch < 14; batch++) {
            List<AcquireRequest> requests = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String id = "p" + (batch * 500 + i);
                ids.add(id);
                requests.add(new AcquireRequest(id, 1, ""));
            }
            join(exchange(n, "me", Duration.ZERO, List.of(), false, requests));
        }
        // Gone on either side of the script's 3,000-id chunks, plus ids that were never held.
        List<String> released = List.of("p0", "p2999", "p3000", "p6999");
        join(exchange(n, "", Duration.ZERO, released, true, List.of()));
        List<String> renew = new ArrayList<>(ids);
        renew.add(3000, "ghost-1");
        renew.add("ghost-2");
        Thread.sleep(20);
        RenewResult r = join(store.renew(n, renew));
        assertThat(r.lost()).containsExactlyInAnyOrder("p0", "p2999", "p3000", "p6999", "ghost-1", "ghost-2");
        LimitState s = join(store.state(n, 10_000)).orElseThrow();
        assertThat(s.permitsInUse()).isEqualTo(7_000 - 4);
        assertThat(s.holders()).hasSize(7_000 - 4)
                .allSatisfy(h -> assertThat(h.leaseExpiresAt().toEpochMilli()).isEqualTo(r.leaseExpiresAtMs()));
    }

    @Test
    void anExpiredLeaseIsReapedAndItsLateReleaseAddsNothing() throws Exception {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(1)).build()));
        assertThat(join(store.acquire(n, "old", 1, "me")).granted()).isTrue();
        Thread.sleep(1100);
        assertThat(join(store.acquire(n, "new", 1, "me")).granted()).isTrue();
        assertThat(join(store.release(n, "old", false))).isFalse();
        assertThat(join(store.acquire(n, "third", 1, "me")).granted()).isFalse();
        assertThat(join(store.renew(n, List.of("old"))).lost()).containsExactly("old");
    }

    @Test
    void tokenBucketDeniesWithARetryHintAndRefills() throws Exception {
        String n = name();
        join(store.define(n, LimitPolicy.builder().rate(10, Duration.ofSeconds(1)).burst(3).build()));
        for (int i = 0; i < 3; i++) {
            assertThat(join(store.acquire(n, "t" + i, 1, "me")).granted()).isTrue();
        }
        AcquireResult denied = join(store.acquire(n, "t3", 1, "me"));
        assertThat(denied.granted()).isFalse();
        assertThat(denied.reason()).isEqualTo("tokens");
        assertThat(denied.retryAfter()).isBetween(Duration.ofMillis(1), Duration.ofMillis(100));
        Thread.sleep(denied.retryAfter().toMillis() + 5);
        assertThat(join(store.acquire(n, "t4", 1, "me")).granted()).isTrue();
    }

    @Test
    void combinedPolicyTakesBothOrNeither() {
        String n = name();
        // Tokens run out first: the permit must not be taken.
        join(store.define(n, LimitPolicy.builder().concurrency(5).rate(1, Duration.ofHours(1)).burst(2).build()));
        assertThat(join(store.acquire(n, "a", 1, "me")).granted()).isTrue();
        assertThat(join(store.acquire(n, "b", 1, "me")).granted()).isTrue();
        AcquireResult c = join(store.acquire(n, "c", 1, "me"));
        assertThat(c.granted()).isFalse();
        assertThat(c.reason()).isEqualTo("tokens");
        assertThat(join(store.state(n, 10)).orElseThrow().permitsInUse()).isEqualTo(2);

        // Permits run out first: no token may be taken.
        String m = name();
        join(store.define(m, LimitPolicy.builder().concurrency(1).rate(1, Duration.ofHours(1)).burst(5).build()));
        assertThat(join(store.acquire(m, "a", 1, "me")).granted()).isTrue();
        AcquireResult d = join(store.acquire(m, "b", 1, "me"));
        assertThat(d.granted()).isFalse();
        assertThat(d.reason()).isEqualTo("permits");
        assertThat(join(store.state(m, 10)).orElseThrow().tokens()).isBetween(4.0, 4.01);
    }

    @Test
    void aRateChangeKeepsTheCurrentTokenLevel() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().rate(100, Duration.ofHours(1)).build()));
        for (int i = 0; i < 60; i++) {
            join(store.acquire(n, "t" + i, 1, "me"));
        }
        join(store.replace(n, LimitPolicy.builder().rate(1, Duration.ofHours(1)).burst(1000).build()));
        assertThat(join(store.state(n, 0)).orElseThrow().tokens()).isBetween(40.0, 40.2);
        // A smaller burst caps the level.
        join(store.replace(n, LimitPolicy.builder().rate(1, Duration.ofHours(1)).burst(10).build()));
        assertThat(join(store.state(n, 0)).orElseThrow().tokens()).isBetween(10.0, 10.01);
    }

    @Test
    void aShrinkLetsHoldersFinishAndAdmitsNoOneUntilUnderTheNewCap() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(4).build()));
        for (String id : List.of("a", "b", "c", "d")) {
            assertThat(join(store.acquire(n, id, 1, "me")).granted()).isTrue();
        }
        join(store.replace(n, LimitPolicy.builder().concurrency(2).build()));
        assertThat(join(store.state(n, 10)).orElseThrow().holders()).hasSize(4);
        assertThat(join(store.renew(n, List.of("a", "b", "c", "d"))).lost()).isEmpty();
        join(store.release(n, "a", false));
        join(store.release(n, "b", false));
        assertThat(join(store.acquire(n, "e", 1, "me")).granted()).isFalse();
        join(store.release(n, "c", false));
        assertThat(join(store.acquire(n, "e", 1, "me")).granted()).isTrue();
        assertThat(join(store.acquire(n, "f", 1, "me")).granted()).isFalse();
    }

    @Test
    void deleteRemovesEverythingButATombstoneThatExpires() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(2).rate(5, Duration.ofSeconds(1)).build()));
        join(store.acquire(n, "a", 1, "me"));
        assertThat(join(store.delete(n))).isTrue();
        assertThat(join(store.delete(n))).isFalse();
        String tombstone = prefix + ":{" + n + "}:stats";
        assertThat(redis.keys(prefix + ":{" + n + "}:*")).containsExactly(tombstone);
        assertThat(redis.hgetall(tombstone)).containsOnlyKeys("deleted");
        assertThat(redis.pttl(tombstone)).isBetween(29L * 24 * 3600 * 1000, 30L * 24 * 3600 * 1000);
        RenewResult r = join(store.renew(n, List.of("a")));
        assertThat(r.lost()).containsExactly("a");
        assertThat(r.limitDeleted()).isTrue();
        assertThat(join(store.state(n, 10))).isEmpty();
        assertThat(join(store.list())).doesNotContain(n);
    }

    @Test
    void aDeletedLimitIsToldApartFromALostOne() {
        String deleted = name();
        String lost = name();
        LimitPolicy policy = LimitPolicy.builder().concurrency(1).build();
        join(store.define(deleted, policy));
        join(store.define(lost, policy));
        join(store.delete(deleted));
        redis.del(prefix + ":{" + lost + "}:policy"); // what a restart that lost the data leaves

        assertThat(failure(store.acquire(deleted, "x", 1, "me")))
                .isInstanceOfSatisfying(UnknownLimitException.class, e -> assertThat(e.wasDeleted()).isTrue())
                .hasMessage("limit '" + deleted + "' was deleted; define it again to use it");
        assertThat(failure(store.acquire(lost, "x", 1, "me")))
                .isInstanceOfSatisfying(UnknownLimitException.class, e -> assertThat(e.wasDeleted()).isFalse());
        assertThat(join(store.renew(deleted, List.of("x"))).limitDeleted()).isTrue();
        assertThat(join(store.renew(lost, List.of("x"))).limitDeleted()).isFalse();

        // A recovery (a client defining again what vanished) is refused for the deleted one only.
        assertThat(failure(store.recover(deleted, policy)))
                .isInstanceOfSatisfying(UnknownLimitException.class, e -> assertThat(e.wasDeleted()).isTrue());
        assertThat(join(store.recover(lost, policy)).created()).isTrue();
        // An explicit define brings the deleted one back.
        assertThat(join(store.define(deleted, policy)).created()).isTrue();
        assertThat(join(store.acquire(deleted, "y", 1, "me")).granted()).isTrue();
        assertThat(redis.hgetall(prefix + ":{" + deleted + "}:stats")).doesNotContainKey("deleted");
        assertThat(redis.pttl(prefix + ":{" + deleted + "}:stats")).isEqualTo(-1L);
    }

    @Test
    void permitsOfADeletedLimitAreNeverReassertedAfterItIsDefinedAgain() {
        String n = name();
        LimitPolicy policy = LimitPolicy.builder().concurrency(2).build();
        join(store.define(n, policy));
        AcquireResult held = join(store.acquire(n, "old", 1, "me"));
        String oldEpoch = held.policy().epoch();
        join(store.delete(n));
        join(store.define(n, policy));
        RenewResult r = join(store.renew(n, "me", List.of(new RenewRequest("old", 1, oldEpoch))));
        assertThat(r.lost()).containsExactly("old");
        assertThat(r.reasserted()).isZero();
        assertThat(join(store.state(n, 10)).orElseThrow().permitsInUse()).isZero();
        // A replace keeps that floor.
        join(store.replace(n, LimitPolicy.builder().concurrency(3).build()));
        assertThat(join(store.renew(n, "me", List.of(new RenewRequest("old", 1, oldEpoch)))).lost())
                .containsExactly("old");
    }

    @Test
    void aPermitReassertedAfterLostDataBelongsToTheNewEpochSoALaterForceReleaseSticks() {
        String n = name();
        LimitPolicy policy = LimitPolicy.builder().concurrency(2).build();
        join(store.define(n, policy));
        String oldEpoch = join(store.acquire(n, "p", 1, "me")).policy().epoch();
        for (String k : redis.keys(prefix + ":{" + n + "}:*")) {
            redis.del(k); // the data is lost
        }
        join(store.recover(n, policy));
        RenewResult r = join(store.renew(n, "me", List.of(new RenewRequest("p", 1, oldEpoch))));
        assertThat(r.lost()).isEmpty();
        assertThat(r.reasserted()).isEqualTo(1);
        assertThat(r.epoch()).isNotEqualTo(oldEpoch);
        assertThat(join(store.release(n, "p", true))).isTrue(); // an operator's force release
        // Renewed with the epoch it now belongs to, it is lost, not re-asserted again.
        RenewResult after = join(store.renew(n, "me", List.of(new RenewRequest("p", 1, r.epoch()))));
        assertThat(after.lost()).containsExactly("p");
        assertThat(after.reasserted()).isZero();
    }

    @Test
    void aReleaseRepeatedInOneCallOrInLaterCallsFreesItsWeightOnce() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(3).build()));
        join(store.acquire(n, "a", 2, "me"));
        join(store.acquire(n, "b", 1, "me"));
        ExchangeResult r = join(exchange(n, "me", Duration.ZERO, List.of("a", "a", "ghost"), false,
                List.of()));
        assertThat(r.released()).containsExactly(true, false, false);
        assertThat(join(store.release(n, "a", false))).isFalse();
        assertThat(join(store.state(n, 10)).orElseThrow().permitsInUse()).isEqualTo(1);
        assertThat(redis.hgetall(prefix + ":{" + n + "}:stats")).containsEntry("released", "1");
    }

    @Test
    void eachInstanceEntryExpiresAfterItsOwnMaxAge() throws Exception {
        String a = "fast-" + name();
        String b = "slow-" + name();
        java.time.Instant t0 = java.time.Instant.ofEpochMilli(1000);
        join(store.heartbeat(new InstanceInfo(b, "h", 2, 0, t0, java.time.Instant.EPOCH), Duration.ofSeconds(30),
                false));
        // An instance with a short max age beats often; it must not drop the one with the long max age.
        for (int i = 0; i < 3; i++) {
            join(store.heartbeat(new InstanceInfo(a, "h", 1, 0, t0, java.time.Instant.EPOCH),
                    Duration.ofMillis(300), false));
            Thread.sleep(400);
        }
        assertThat(join(store.instances())).extracting(InstanceInfo::id).contains(b);
        Thread.sleep(400);
        join(store.heartbeat(new InstanceInfo(b, "h", 2, 0, t0, java.time.Instant.EPOCH), Duration.ofSeconds(30),
                false));
        assertThat(join(store.instances())).extracting(InstanceInfo::id).contains(b).doesNotContain(a);
    }

    @Test
    void aScriptFlushNeverBreaksTheNextCall() {
        try (RedisProcess own = RedisProcess.start()) {
            RedisBackend b = newBackend(own.uri());
            LimitStore s = new LimitStore(b, new KeySchema("flush"));
            join(s.define("f", LimitPolicy.builder().concurrency(2).build()));
            assertThat(join(s.acquire("f", "a", 1, "me")).granted()).isTrue();
            assertThat(own.command("SCRIPT", "FLUSH")).isEqualTo("+OK");
            assertThat(join(s.acquire("f", "b", 1, "me")).granted()).isTrue();
            assertThat(join(s.acquire("f", "c", 1, "me")).granted()).isFalse();
            assertThat(own.command("SCRIPT", "EXISTS", Script.EXCHANGE.sha1())).isEqualTo("*1");
            closeBackend(b);
        }
    }

    @Test
    void listFindsDefinedLimitsAndInstancesComeAndGo() {
        String a = name();
        String b = name();
        join(store.define(a, LimitPolicy.builder().concurrency(1).build()));
        join(store.define(b, LimitPolicy.builder().rate(1, Duration.ofSeconds(1)).build()));
        assertThat(join(store.list())).contains(a, b).isSorted();
        InstanceInfo me = new InstanceInfo("inst-" + a, "host-x", 42, 3, java.time.Instant.ofEpochMilli(1000),
                java.time.Instant.EPOCH);
        join(store.heartbeat(me, Duration.ofSeconds(30), false));
        assertThat(join(store.instances())).anySatisfy(i -> {
            assertThat(i.id()).isEqualTo("inst-" + a);
            assertThat(i.host()).isEqualTo("host-x");
            assertThat(i.pid()).isEqualTo(42);
            assertThat(i.permitsHeld()).isEqualTo(3);
        });
        join(store.heartbeat(me, Duration.ofSeconds(30), true));
        assertThat(join(store.instances())).noneSatisfy(
                i -> assertThat(i.id()).isEqualTo("inst-" + a));
        assertThat(join(store.ping())).isAfter(java.time.Instant.parse("2020-01-01T00:00:00Z"));
    }

    @Test
    void releaseNotificationsReachSubscribers() throws Exception {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(1).build()));
        java.util.concurrent.LinkedBlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        RedisBackend.Subscription sub = join(backend.subscribe(new KeySchema(prefix).channel(n), got::add));
        join(store.acquire(n, "a", 1, "me"));
        join(store.release(n, "a", false));
        assertThat(got.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("1");
        sub.close();
    }

    @Test
    void countedGroupsOnARateOnlyLimitGrantExactlyWhatTheBucketHoldsInOrder() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().rate(1, Duration.ofHours(1)).burst(5).build()));
        List<AcquireRequest> requests = new ArrayList<>();
        int[] weights = {1, 1, 2, 2, 1, 1, 1};
        for (int i = 0; i < weights.length; i++) {
            requests.add(new AcquireRequest("r" + i, weights[i], ""));
        }
        ExchangeResult r = join(store.exchange(new ExchangeRequest(n, "me", Duration.ZERO,
                List.of(), false, requests, true)));
        // 5 tokens, in order: 1 + 1 + 2 fit, then 2 does not, then 1 fits, then none is left.
        List<Boolean> granted = new java.util.ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            granted.add(r.acquired(i).granted());
        }
        assertThat(granted).containsExactly(true, true, true, false, true, false, false);
        assertThat(r.acquired(3).retryAfter()).isPositive();
        assertThat(r.acquired(6).retryAfter()).isPositive();
        assertThat(r.acquired(4).roomLeft()).isFalse();
        assertThat(redis.hgetall(prefix + ":{" + n + "}:stats")).containsEntry("grants", "4")
                .containsEntry("denials", "3");
        // The same, one by one, agrees with the counted decision: nothing is left.
        assertThat(join(store.acquire(n, "one-more", 1, "me")).granted()).isFalse();
    }

    @Test
    void countedGroupsOnALimitWithPermitsAreSentBackUndecided() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(3).build()));
        ExchangeResult r = join(store.exchange(new ExchangeRequest(n, "me", Duration.ZERO,
                List.of(), false,
                List.of(new AcquireRequest("x", 1, ""), new AcquireRequest("y", 1, "")), true)));
        assertThatThrownBy(() -> r.acquired(0)).isInstanceOf(NotCounted.class);
        assertThatThrownBy(() -> r.acquired(1)).isInstanceOf(NotCounted.class);
        assertThat(r.policy().policy().orElseThrow().permits()).isEqualTo(3);
        assertThat(join(store.state(n, 10)).orElseThrow().permitsInUse()).isZero();
    }

    @Test
    void oneExchangeReleasesThenGrantsInOrderAndAnnouncesOnlyFreeCapacity() throws Exception {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(2).build()));
        java.util.concurrent.LinkedBlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        RedisBackend.Subscription sub = join(backend.subscribe(new KeySchema(prefix).channel(n), got::add));
        join(store.acquire(n, "a", 1, "me"));
        join(store.acquire(n, "b", 1, "me"));
        // Release a, then three acquires: only the first fits (the hand-off); nothing is announced.
        ExchangeResult r = join(exchange(n, "me", Duration.ZERO, List.of("a", "ghost"), false,
                List.of(new AcquireRequest("c", 1, ""), new AcquireRequest("d", 1, ""),
                        new AcquireRequest("e", 5, ""))));
        assertThat(r.released()).containsExactly(true, false);
        assertThat(r.acquired(0).granted()).isTrue();
        assertThat(r.acquired(0).roomLeft()).isFalse();
        assertThat(r.acquired(1).granted()).isFalse();
        assertThatThrownBy(() -> r.acquired(2)).isInstanceOf(LimiterValidationException.class);
        assertThat(join(store.state(n, 10)).orElseThrow().permitsInUse()).isEqualTo(2);
        assertThat(got.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
        // Released and not taken again: announced.
        join(exchange(n, "me", Duration.ZERO, List.of("b", "c"), false, List.of()));
        assertThat(got.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("2");
        assertThat(redis.exists(prefix + ":{" + n + "}:used")).isZero();
        sub.close();
    }

    @Test
    void everyKeyOfALimitSharesOneHashTag() {
        List<String> keys = new KeySchema("limiter").keys("payments");
        assertThat(keys).hasSize(KeySchema.ROLES.size()).contains("limiter:{payments}:quota").allSatisfy(k -> assertThat(k).startsWith("limiter:{payments}:"));
    }

    // --- the quota part ---------------------------------------------------------------------------------------

    private AcquireResult acquireQuota(String n, String id, int weight) {
        return join(store.acquire(n, id, weight, "me"));
    }

    private long redisNowMs() {
        return join(store.ping()).toEpochMilli();
    }

    @Test
    void aQuotaGrantsItsUnitsPerWindowWeightedAndTellsWhenItResets() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().quota(5, CalendarWindow.DAY).zone(ZoneId.of("Europe/Berlin"))
                .build()));
        assertThat(acquireQuota(n, "a", 3).granted()).isTrue();
        assertThat(acquireQuota(n, "b", 3).granted()).isFalse();
        AcquireResult last = acquireQuota(n, "c", 2);
        assertThat(last.granted()).isTrue();
        AcquireResult denied = acquireQuota(n, "d", 1);
        assertThat(denied.granted()).isFalse();
        assertThat(denied.reason()).isEqualTo("quota");
        long now = redisNowMs();
        Instant end = CalendarWindow.DAY.spanAt(Instant.ofEpochMilli(now), ZoneId.of("Europe/Berlin")).end();
        assertThat(denied.retryAfter().toMillis()).isBetween(end.toEpochMilli() - now - 2_000,
                end.toEpochMilli() - now + 2_000);
        LimitState s = join(store.state(n, 0)).orElseThrow();
        assertThat(s.quotaUsed()).isEqualTo(5);
        assertThat(s.quotaRemaining()).isZero();
        assertThat(s.quotaResetAt()).isEqualTo(end);
        assertThat(failure(store.acquire(n, "e", 6, "me"))).isInstanceOf(LimiterValidationException.class)
                .hasMessageContaining("weight must be at most 5");
        // The key lives until the window's end (+1 s), not longer: an idle quota costs nothing after it.
        long ttl = redis.pttl(prefix + ":{" + n + "}:quota");
        assertThat(ttl).isBetween(end.toEpochMilli() - now - 2_000, end.toEpochMilli() - now + 2_000);
    }

    @Test
    void aQuotaResetsExactlyWhenItsStoredWindowEndsOnRedisTime() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().quota(2, CalendarWindow.MINUTE).build()));
        long now = redisNowMs();
        // A window about to end (as the script stores one), fully used.
        long end = now + 400;
        String key = prefix + ":{" + n + "}:quota";
        redis.hset(key, Map.of("start", Long.toString(end - 60_000), "end", Long.toString(end), "used", "2"));
        redis.pexpireat(key, end + 1000);
        AcquireResult denied = acquireQuota(n, "a", 1);
        assertThat(denied.granted()).isFalse();
        assertThat(denied.retryAfter().toMillis()).isBetween(1L, 400L);
        await().atMost(Duration.ofSeconds(5)).until(() -> redisNowMs() >= end);
        AcquireResult granted = acquireQuota(n, "b", 1);
        assertThat(granted.granted()).isTrue();
        assertThat(redis.hget(key, "used")).isEqualTo("1");
        assertThat(Long.parseLong(redis.hget(key, "start")) % 60_000).isZero();
        assertThat(Long.parseLong(redis.hget(key, "end"))).isGreaterThan(end);
    }

    @Test
    void aQuotaDeniesTheWholeAcquireSoNoOtherPartIsTaken() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(10).rate(100, Duration.ofSeconds(1)).burst(100)
                .quota(1, CalendarWindow.MONTH).zone(ZoneId.of("America/New_York")).build()));
        assertThat(acquireQuota(n, "a", 1).granted()).isTrue();
        AcquireResult denied = acquireQuota(n, "b", 1);
        assertThat(denied.granted()).isFalse();
        assertThat(denied.reason()).isEqualTo("quota");
        LimitState s = join(store.state(n, 10)).orElseThrow();
        assertThat(s.permitsInUse()).isEqualTo(1);
        assertThat(s.tokens()).isGreaterThan(98.0);
        assertThat(s.holders()).extracting(Holder::permitId).containsExactly("a");
    }

    @Test
    void replacingAQuotaKeepsItsCountUnlessTheWindowOrZoneChanges() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().quota(10, CalendarWindow.DAY).build()));
        for (int i = 0; i < 4; i++) {
            assertThat(acquireQuota(n, "a" + i, 1).granted()).isTrue();
        }
        join(store.replace(n, LimitPolicy.builder().quota(5, CalendarWindow.DAY).build()));
        assertThat(join(store.state(n, 0)).orElseThrow().quotaUsed()).isEqualTo(4);
        assertThat(acquireQuota(n, "b", 1).granted()).isTrue();
        assertThat(acquireQuota(n, "c", 1).granted()).isFalse();
        join(store.replace(n, LimitPolicy.builder().quota(5, CalendarWindow.DAY).zone(ZoneId.of("Asia/Tokyo"))
                .build()));
        assertThat(join(store.state(n, 0)).orElseThrow().quotaUsed()).isZero();
        assertThat(acquireQuota(n, "d", 5).granted()).isTrue();
    }

    @Test
    void aWindowThatDoesNotFitThePolicyIsRefusedAndNothingIsTaken() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().quota(3, CalendarWindow.DAY).build()));
        List<String> keys = new KeySchema(prefix).keys(n);
        long now = redisNowMs();
        // A caller sending an hour-long "day", or a day of another zone: the script answers S_WINDOW, takes nothing.
        for (String window : List.of(now - 10 + ":" + (now + 3_600_000) + ":day:UTC",
                now - 10 + ":" + (now + 86_400_000) + ":day:Europe/Paris",
                now + 1000 + ":" + (now + 86_401_000) + ":day:UTC", "")) {
            List<?> r = (List<?>) join(backend.eval(Script.EXCHANGE, keys,
                    List.of("me", "0", "released", window, "0", "1", "x", "1", "")));
            List<?> result = (List<?>) ((List<?>) r.get(ScriptProtocol.X_RESULTS)).get(0);
            assertThat(((Number) result.get(0)).intValue()).as(window).isEqualTo(ScriptProtocol.S_WINDOW);
        }
        assertThat(redis.exists(keys.get(KeySchema.ROLES.indexOf("quota")))).isZero();
        // Through the store the window is computed and the acquire decided.
        assertThat(acquireQuota(n, "y", 3).granted()).isTrue();
    }

    // Keyed limits: a cap per key, state only while in use, the family's policy sent and versioned by Redis.

    private String family(LimitPolicy.Builder policy) {
        String f = name();
        join(store.define(f, policy.keyed(true).build()));
        return f;
    }

    private AcquireResult acquireKey(String family, String key, String id, int weight) {
        return join(exchange(LimitKeys.nameOf(family, key), "me", Duration.ZERO, List.of(), false,
                List.of(new AcquireRequest(id, weight, "")))).acquired(0);
    }

    private void releaseKey(String family, String key, String id) {
        join(exchange(LimitKeys.nameOf(family, key), "me", Duration.ZERO, List.of(id), false, List.of()));
    }

    /** How many of the Redis keys of {@code name} (a limit's or a key's) exist. */
    private long keysOf(String name) {
        return redis.exists(new KeySchema(prefix).keys(name).stream()
                .filter(k -> !k.endsWith(":released")).toArray(String[]::new));
    }

    @Test
    void eachKeyOfAKeyedLimitHasTheCapOfItsOwn() {
        String f = family(LimitPolicy.builder().concurrency(2));
        assertThat(acquireKey(f, "tenant-1", "a", 1).granted()).isTrue();
        assertThat(acquireKey(f, "tenant-1", "b", 1).granted()).isTrue();
        AcquireResult full = acquireKey(f, "tenant-1", "c", 1);
        assertThat(full.granted()).isFalse();
        assertThat(full.reason()).isEqualTo("permits");
        assertThat(acquireKey(f, "tenant-2", "d", 2).granted()).as("another key").isTrue();
        assertThat(join(store.state(LimitKeys.nameOf(f, "tenant-1"), 10)).orElseThrow().holders()).hasSize(2);
        // The family's own state is untouched: its keys hold the permits.
        assertThat(join(store.state(f, 10)).orElseThrow().holders()).isEmpty();
    }

    @Test
    void anIdleKeyHasNoRedisKeysAtAll() {
        String f = family(LimitPolicy.builder().concurrency(3).quota(100, CalendarWindow.DAY));
        String k = LimitKeys.nameOf(f, "idle");
        assertThat(acquireKey(f, "idle", "a", 1).granted()).isTrue();
        assertThat(keysOf(k)).as("keys while held").isPositive();
        releaseKey(f, "idle", "a");
        // The quota was used: its count (and the key's copy of the policy) live until the day ends, no longer.
        String policyKey = new KeySchema(prefix).policyKey(k);
        String quotaKey = new KeySchema(prefix).keys(k).get(KeySchema.ROLES.indexOf("quota"));
        assertThat(redis.pttl(policyKey)).isGreaterThanOrEqualTo(redis.pttl(quotaKey)).isLessThan(86_402_000L);

        String g = family(LimitPolicy.builder().concurrency(3));
        String k2 = LimitKeys.nameOf(g, "idle");
        assertThat(acquireKey(g, "idle", "a", 1).granted()).isTrue();
        assertThat(acquireKey(g, "idle", "b", 2).granted()).isTrue();
        assertThat(acquireKey(g, "idle", "c", 1).granted()).isFalse();
        releaseKey(g, "idle", "a");
        releaseKey(g, "idle", "b");
        assertThat(keysOf(k2)).as("keys of an idle key").isZero();

        String h = family(LimitPolicy.builder().rate(1000, Duration.ofSeconds(1)).burst(5));
        String k3 = LimitKeys.nameOf(h, "idle");
        assertThat(acquireKey(h, "idle", "a", 5).granted()).isTrue();
        String bucketKey = new KeySchema(prefix).keys(k3).get(KeySchema.ROLES.indexOf("bucket"));
        // The bucket is full again 5 ms later and expires 1 s after; the copy 1 s after that.
        assertThat(redis.pttl(bucketKey)).isBetween(1L, 1_100L);
        assertThat(redis.pttl(new KeySchema(prefix).policyKey(k3))).isBetween(1L, 2_100L);
        await().atMost(Duration.ofSeconds(5)).until(() -> keysOf(k3) == 0);
    }

    @Test
    void aKeyKeepsTheNewestFamilyPolicyItWasSentAndCorrectsAStaleCaller() {
        String f = family(LimitPolicy.builder().concurrency(5));
        String k = LimitKeys.nameOf(f, "t");
        List<String> keys = new KeySchema(prefix).keys(k);
        List<String> v1 = flatPolicy(f);
        join(store.replace(f, LimitPolicy.builder().concurrency(1).keyed(true).build()));
        List<String> v2 = flatPolicy(f);
        assertThat(version(v2)).isGreaterThan(version(v1));
        // A caller that read the new version first: the key takes it (cap 1).
        assertThat(status(rawKeyed(keys, "a", v2))).isEqualTo(ScriptProtocol.S_GRANTED);
        // A caller still holding the old version (cap 5) is decided by the key's copy, and told the newer policy.
        List<?> stale = rawKeyed(keys, "b", v1);
        assertThat(status(stale)).isEqualTo(ScriptProtocol.S_DENIED);
        assertThat(version(((List<?>) stale.get(ScriptProtocol.X_POLICY)).stream().map(String::valueOf).toList()))
                .isEqualTo(version(v2));
        // Through the store (which changed the family itself) the new policy is sent at once.
        assertThat(acquireKey(f, "t", "c", 1).granted()).isFalse();
        releaseKey(f, "t", "a");
        assertThat(acquireKey(f, "t", "c", 1).granted()).isTrue();
    }

    @Test
    void aRateChangeOfTheFamilyKeepsEachKeysTokenLevel() {
        String f = family(LimitPolicy.builder().rate(10, Duration.ofSeconds(100)).burst(10));
        assertThat(acquireKey(f, "t", "a", 10).granted()).isTrue();
        join(store.replace(f, LimitPolicy.builder().rate(10, Duration.ofSeconds(100)).burst(100).keyed(true).build()));
        AcquireResult after = acquireKey(f, "t", "b", 1);
        assertThat(after.granted()).as("the key's bucket was not refilled by the change").isFalse();
        assertThat(after.reason()).isEqualTo("tokens");
        assertThat(acquireKey(f, "other", "c", 50).granted()).as("a fresh key gets the new burst").isTrue();
    }

    @Test
    void aKeyedLimitIsOnlyUsedThroughKeysAndOnlyAKeyedOneHasKeys() {
        String f = family(LimitPolicy.builder().concurrency(1));
        assertThatThrownBy(() -> join(store.acquire(f, "a", 1, "me")))
                .hasCauseInstanceOf(LimiterValidationException.class)
                .hasMessageContaining("key").hasMessageContaining("is keyed");
        String plain = name();
        join(store.define(plain, LimitPolicy.builder().concurrency(1).build()));
        assertThatThrownBy(() -> acquireKey(plain, "t", "a", 1)).isInstanceOf(LimiterValidationException.class)
                .hasMessageContaining("'" + plain + "' is not keyed");
        String missing = name();
        assertThatThrownBy(() -> acquireKey(missing, "t", "a", 1)).isInstanceOf(UnknownLimitException.class)
                .hasMessageContaining("'" + missing + "'");
        assertThat(keysOf(LimitKeys.nameOf(missing, "t"))).isZero();
    }

    @Test
    void anyKeyTextWorksAndStaysInItsOwnHashTag() {
        String f = family(LimitPolicy.builder().concurrency(1));
        for (String key : List.of("a}b{c", "{x}", "p/q%r", "テナント-42", "e\u0301 spaced key", "😀".repeat(64))) {
            String k = LimitKeys.nameOf(f, key);
            assertThat(k.substring(f.length() + 1)).doesNotContain("{", "}", "/");
            assertThat(LimitKeys.keyOf(k)).isEqualTo(key);
            assertThat(acquireKey(f, key, "a", 1).granted()).as(key).isTrue();
            assertThat(acquireKey(f, key, "b", 1).granted()).as(key + " is full").isFalse();
        }
    }

    @Test
    void aDeletedFamilyIsToldToItsKeysCallers() {
        String f = family(LimitPolicy.builder().concurrency(1));
        assertThat(acquireKey(f, "t", "a", 1).granted()).isTrue();
        join(store.delete(f));
        UnknownLimitException gone = (UnknownLimitException) failureOf(() -> acquireKey(f, "t", "b", 1));
        assertThat(gone.wasDeleted()).isTrue();
        // Its holders can still release.
        releaseKey(f, "t", "a");
        assertThat(keysOf(LimitKeys.nameOf(f, "t"))).isZero();
    }

    private static Throwable failureOf(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    private List<String> flatPolicy(String family) {
        return ((List<?>) ((List<?>) join(backend.eval(Script.POLICY, new KeySchema(prefix).keys(family), List.of())))
                .get(0)).stream().map(String::valueOf).toList();
    }

    private static long version(List<String> flat) {
        return Long.parseLong(flat.get(flat.indexOf("ver") + 1));
    }

    private List<?> rawKeyed(List<String> keys, String id, List<String> familyPolicy) {
        List<String> args = new ArrayList<>(List.of("me", "0", "released", "", "0", "1", id, "1", "", "k"));
        args.addAll(familyPolicy);
        return (List<?>) join(backend.eval(Script.EXCHANGE, keys, args));
    }

    private static int status(List<?> reply) {
        return ((Number) ((List<?>) ((List<?>) reply.get(ScriptProtocol.X_RESULTS)).get(0)).get(0)).intValue();
    }

    @Test
    void anOverrideGivesOneKeyItsOwnPolicyFromItsNextCall() {
        String f = family(LimitPolicy.builder().concurrency(1));
        KeyOverrides overrides = store.overrides();
        assertThat(acquireKey(f, "premium", "a", 1).granted()).isTrue();
        assertThat(acquireKey(f, "premium", "b", 1).granted()).isFalse();
        assertThat(join(overrides.set(f, "premium", LimitPolicy.builder().concurrency(5).build()))).isFalse();
        assertThat(acquireKey(f, "premium", "b", 1).granted()).as("the override's cap").isTrue();
        assertThat(acquireKey(f, "basic", "c", 1).granted()).isTrue();
        assertThat(acquireKey(f, "basic", "d", 1).granted()).as("other keys keep the family's cap").isFalse();
        // A family change leaves the overridden key alone.
        join(store.replace(f, LimitPolicy.builder().concurrency(2).keyed(true).build()));
        assertThat(acquireKey(f, "basic", "d", 1).granted()).isTrue();
        assertThat(acquireKey(f, "premium", "e", 3).granted()).as("still the override's 5").isTrue();
        assertThat(join(store.state(LimitKeys.nameOf(f, "premium"), 0)).orElseThrow().policy().permits())
                .isEqualTo(5);
        KeyOverrides.Page page = join(overrides.page(f, null, 10));
        assertThat(page.total()).isEqualTo(1);
        assertThat(page.overrides()).singleElement().satisfies(o -> {
            assertThat(o.key()).isEqualTo("premium");
            assertThat(o.policy().permits()).isEqualTo(5);
        });
        // Removed: the key is back under the family's cap of 2 and, holding 5, drains before anyone new gets in.
        assertThat(join(overrides.remove(f, "premium"))).isTrue();
        assertThat(acquireKey(f, "premium", "g", 1).granted()).isFalse();
        for (String id : List.of("a", "b", "e")) {
            releaseKey(f, "premium", id);
        }
        assertThat(acquireKey(f, "premium", "g", 1).granted()).isTrue();
        assertThat(join(overrides.page(f, null, 10)).overrides()).isEmpty();
        assertThat(join(overrides.get(f, "premium"))).isEmpty();
    }

    @Test
    void overridesArePagedInKeyOrderBoundedAndGoWithTheirLimit() {
        String f = family(LimitPolicy.builder().rate(10, Duration.ofSeconds(1)));
        for (String key : List.of("c", "a", "e", "b", "d")) {
            join(store.overrides().set(f, key, LimitPolicy.builder().rate(50, Duration.ofSeconds(1)).build()));
        }
        KeyOverrides.Page first = join(store.overrides().page(f, null, 2));
        assertThat(first.overrides()).extracting(KeyOverrides.Override::key).containsExactly("a", "b");
        assertThat(first.total()).isEqualTo(5);
        KeyOverrides.Page second = join(store.overrides().page(f, first.next().orElseThrow(), 2));
        assertThat(second.overrides()).extracting(KeyOverrides.Override::key).containsExactly("c", "d");
        assertThat(join(store.overrides().page(f, second.next().orElseThrow(), 2)).overrides())
                .extracting(KeyOverrides.Override::key).containsExactly("e");
        // The index refuses a key beyond the bound (checked with a bound of 5 here; the store's is MAX_PER_LIMIT).
        List<?> refused = (List<?>) join(backend.eval(Script.OVERRIDES, new KeySchema(prefix).keys(f),
                List.of("add", LimitKeys.nameOf(f, "f"), "5")));
        assertThat(((Number) refused.get(0)).intValue()).isZero();
        join(store.delete(f));
        for (String key : List.of("a", "b", "c", "d", "e")) {
            assertThat(redis.exists(new KeySchema(prefix).keys(LimitKeys.nameOf(f, key))
                    .get(KeySchema.ROLES.indexOf("override")))).as(key).isZero();
        }
        assertThat(redis.exists(new KeySchema(prefix).keys(f).get(KeySchema.ROLES.indexOf("overrides")))).isZero();
    }

    @Test
    void aProcessMayNotRetakeWhatItReleasedWhileAnotherInstanceStarves() {
        String n = name();
        join(store.define(n, LimitPolicy.builder().concurrency(1).build()));
        Duration ttl = Duration.ofSeconds(10);
        String hungry = new KeySchema(prefix).keys(n).get(KeySchema.ROLES.indexOf("hungry"));
        assertThat(join(exchange(n, "A", ttl, List.of(), false, List.of(new AcquireRequest("a1", 1, "ta"))))
                .acquired(0).granted()).isTrue();
        // B's waiter is denied: B is hungry. Just now, A may still hand its permit to its own waiter.
        assertThat(join(exchange(n, "B", ttl, List.of(), false, List.of(new AcquireRequest("b1", 1, "tb"))))
                .acquired(0).granted()).isFalse();
        assertThat(redis.hget(hungry, "B")).matches("\\d+:\\d+");
        ExchangeResult handOff = join(exchange(n, "A", ttl, List.of("a1"), false,
                List.of(new AcquireRequest("a2", 1, "ta2"))));
        assertThat(handOff.acquired(0).granted()).as("B has not starved yet").isTrue();
        // B has gone without a grant for a while (written as Redis would after 200 ms): A may not retake.
        long now = redisNowMs();
        redis.hset(hungry, "B", (now - 200) + ":" + now);
        ExchangeResult retake = join(exchange(n, "A", ttl, List.of("a2"), false,
                List.of(new AcquireRequest("a3", 1, "ta3"))));
        assertThat(retake.released()).containsExactly(true);
        assertThat(retake.acquired(0).granted()).as("released weight kept for the starving instance").isFalse();
        assertThat(redis.hget(hungry, "A")).as("A's refused waiter makes A hungry").isNotNull();
        assertThat(join(exchange(n, "B", ttl, List.of(), false, List.of(new AcquireRequest("b1", 1, "tb"))))
                .acquired(0).granted()).isTrue();
        assertThat(redis.hget(hungry, "B")).as("fed").isNull();
        // An operator's forced release is nobody's own: the same call may take it.
        redis.hset(hungry, "A", (now - 200) + ":" + redisNowMs());
        assertThat(join(exchange(n, "B", ttl, List.of("b1"), true, List.of(new AcquireRequest("b2", 1, "tb2"))))
                .acquired(0).granted()).isTrue();
        // A try (no ticket) never makes an instance hungry.
        String m = name();
        join(store.define(m, LimitPolicy.builder().concurrency(1).build()));
        assertThat(join(exchange(m, "A", ttl, List.of(), false, List.of(new AcquireRequest("x1", 1, ""))))
                .acquired(0).granted()).isTrue();
        assertThat(join(exchange(m, "B", ttl, List.of(), false, List.of(new AcquireRequest("y1", 1, ""))))
                .acquired(0).granted()).isFalse();
        assertThat(redis.exists(new KeySchema(prefix).keys(m).get(KeySchema.ROLES.indexOf("hungry")))).isZero();
    }
}
