package io.limiter.core.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.limiter.core.CorruptLimitException;
import io.limiter.core.LimitPolicy;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.LimitState;
import io.limiter.core.redis.RedisBackend;
import io.limiter.core.redis.RedissonBackend;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.TestRedis;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Data of one limit damaged by something other than the limiter (a policy written by hand, a key of the wrong type):
 * that limit is reported as {@link CorruptLimitException} with a message free of script internals, the others are
 * still listed, and a replace repairs it. On both backends.
 */
@ExtendWith(RedisExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorruptLimitIT {
    private String uri;
    private RedisClient raw;
    private RedisCommands<String, String> redis;
    private RedissonClient redisson;

    @BeforeAll
    void connect(TestRedis testRedis) {
        uri = testRedis.uri();
        raw = RedisClient.create(uri);
        redis = raw.connect().sync();
        Config config = new Config();
        config.useSingleServer().setAddress(uri).setConnectionMinimumIdleSize(1).setConnectionPoolSize(2)
                .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(1);
        redisson = Redisson.create(config);
    }

    @AfterAll
    void close() {
        raw.shutdown();
        redisson.shutdown();
    }

    Stream<Arguments> backends() {
        Function<CorruptLimitIT, RedisBackend> lettuce = t -> LettuceBackend.create(t.uri);
        Function<CorruptLimitIT, RedisBackend> viaRedisson = t -> RedissonBackend.wrap(t.redisson);
        return Stream.of(Arguments.of("lettuce", lettuce), Arguments.of("redisson", viaRedisson));
    }

    private static Throwable failure(java.util.concurrent.CompletableFuture<?> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aDamagedLimitIsReportedOnItsOwnAndAReplaceRepairsIt(String kind, Function<CorruptLimitIT, RedisBackend> make) {
        String prefix = "c" + UUID.randomUUID().toString().substring(0, 8);
        try (RedisBackend backend = make.apply(this)) {
            LimitStore store = new LimitStore(backend, new KeySchema(prefix));
            store.define("good", LimitPolicy.builder().concurrency(2).build()).join();
            redis.hset(prefix + ":{neg}:policy", java.util.Map.of("permits", "-5", "lease_ms", "-1"));
            redis.set(prefix + ":{str}:policy", "foo");
            redis.hset(prefix + ":{zset}:policy", java.util.Map.of("permits", "3", "lease_ms", "30000"));
            redis.set(prefix + ":{zset}:holders", "x");

            assertThat(failure(store.state("neg", 0))).isInstanceOf(CorruptLimitException.class).hasMessage(
                    "limit 'neg' cannot be read from Redis (its stored policy {lease_ms=-1, permits=-5} breaks a "
                            + "rule: permits must be between 1 and 1000000, was -5); replace its policy or delete it");
            assertThat(failure(store.state("str", 0))).isInstanceOf(CorruptLimitException.class).hasMessage(
                    "limit 'str' cannot be read from Redis (a key of it holds the wrong type of value); replace its "
                            + "policy or delete it");
            assertThat(failure(store.state("zset", 5))).isInstanceOf(CorruptLimitException.class)
                    .hasMessageContaining("wrong type");
            assertThat(failure(store.define("neg", LimitPolicy.builder().concurrency(1).build())))
                    .isInstanceOf(CorruptLimitException.class);
            // The client's hot path too: an acquire is told which limit and which rule, and takes nothing.
            assertThat(failure(store.acquire("neg", "p1", 1, "me"))).isInstanceOf(CorruptLimitException.class)
                    .hasMessage("limit 'neg' cannot be read from Redis (its stored policy {lease_ms=-1, permits=-5} "
                            + "breaks a rule: permits must be between 1 and 1000000, was -5); replace its policy or "
                            + "delete it");
            assertThat(redis.exists(prefix + ":{neg}:holders")).isZero();

            Listing listing = store.listing(0).join();
            assertThat(listing.states()).extracting(LimitState::name).containsExactly("good");
            assertThat(listing.unreadable()).extracting(CorruptLimitException::limit)
                    .containsExactlyInAnyOrder("neg", "str", "zset");
            assertThat(store.states(0).join()).extracting(LimitState::name).containsExactly("good");

            LimitPolicy fixed = LimitPolicy.builder().concurrency(4).build();
            for (String n : List.of("neg", "str", "zset")) {
                Replaced r = store.replacePolicy(n, fixed).join();
                assertThat(r.existed()).as(n).isTrue();
                if (n.equals("zset")) { // its policy was fine, only the holders key was damaged
                    assertThat(r.previous()).contains(LimitPolicy.builder().concurrency(3).build());
                } else {
                    assertThat(r.previous()).as(n).isEmpty();
                }
                assertThat(store.state(n, 5).join().orElseThrow().policy()).isEqualTo(fixed);
            }
            assertThat(store.listing(0).join().unreadable()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void scriptErrorsNameNeitherTheScriptHashNorItsLine(String kind, Function<CorruptLimitIT, RedisBackend> make) {
        assertThat(ScriptErrors.clean("WRONGTYPE Operation against a key holding the wrong kind of value script: "
                + "ca576513fd7ea85252e25da2562e04053f4a2aed, on @user_script:30."))
                .isEqualTo("WRONGTYPE Operation against a key holding the wrong kind of value");
        assertThat(ScriptErrors.clean("ERR user_script:45: attempt to compare nil with number script: "
                + "ca576513fd7ea85252e25da2562e04053f4a2aed, on @user_script:45."))
                .isEqualTo("ERR attempt to compare nil with number");
        String prefix = "c" + UUID.randomUUID().toString().substring(0, 8);
        redis.set(prefix + ":{str}:policy", "foo");
        try (RedisBackend backend = make.apply(this)) {
            LimitStore store = new LimitStore(backend, new KeySchema(prefix));
            Throwable e = failure(store.define("str", LimitPolicy.builder().concurrency(1).build()));
            assertThat(e).isInstanceOf(CorruptLimitException.class).hasMessage("limit 'str' cannot be read from "
                    + "Redis (a key of it holds the wrong type of value); replace its policy or delete it");
            // Every script on the limit's keys says so, the hot path too; the cause keeps Redis's reply, clean.
            Throwable x = failure(store.acquire("str", "p1", 1, "me"));
            assertThat(x).isInstanceOf(CorruptLimitException.class).hasMessageContaining("limit 'str'");
            assertThat(x.getCause().getMessage()).contains("WRONGTYPE").doesNotContain("user_script")
                    .doesNotMatch("(?s).*[0-9a-f]{40}.*");
        }
    }
}
