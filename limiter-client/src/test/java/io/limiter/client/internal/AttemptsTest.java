package io.limiter.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterTimeoutException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.internal.redis.AcquireRequest;
import io.limiter.core.internal.redis.AcquireResult;
import io.limiter.core.internal.redis.ExchangeRequest;
import io.limiter.core.internal.redis.ExchangeResult;
import io.limiter.core.internal.redis.RenewRequest;
import io.limiter.core.internal.redis.RenewResult;
import io.limiter.core.redis.RedisBackend;
import io.limiter.core.redis.Script;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an attempt's answer does to its waiter, on fake time, with the test playing Redis's answers to each exchange:
 * a grant becomes a permit whose lease is renewed, a denied single shot answers at once, a vanished limit is tried
 * once more after it is defined again, a single shot without an answer fails at its bound, and a failed subscription
 * fails the waiters queued before it (FAIL_CLOSED). The limiter it names in events belongs to a client whose Redis is
 * never reached: every exchange here goes to the test.
 */
class AttemptsTest {
    private static final LimitPolicy POLICY_VALUE = LimitPolicy.builder().concurrency(3).build();
    private static final AcquireResult.PolicyRead POLICY = new AcquireResult.PolicyRead(Optional.of(POLICY_VALUE), "1");

    /** A backend whose Redis is never there: the client's own heartbeat fails quietly, nothing else uses it. */
    private static final RedisBackend UNREACHABLE = new RedisBackend() {
        @Override
        public CompletableFuture<Object> eval(Script script, List<String> keys, List<String> args) {
            return CompletableFuture.failedFuture(new LimiterUnavailableException("no Redis in this test", null));
        }

        @Override
        public CompletableFuture<Subscription> subscribe(String channel, Consumer<String> listener) {
            return CompletableFuture.failedFuture(new LimiterUnavailableException("no Redis in this test", null));
        }

        @Override
        public CompletableFuture<List<String>> scan(String pattern) {
            return CompletableFuture.failedFuture(new LimiterUnavailableException("no Redis in this test", null));
        }

        @Override
        public void close() {
        }
    };

    private final FakeClock clock = new FakeClock();
    private final DefaultLimiterClient client = (DefaultLimiterClient) LimiterClient.builder().backend(UNREACHABLE)
            .instanceId("me").build();
    private final DefaultLimiter limiter = (DefaultLimiter) client.limiter("l");

    /** Every exchange the attempts sent, in order, each answered by the test. */
    private final List<Call> calls = new ArrayList<>();
    private LimitPolicy defined = POLICY_VALUE;
    private final List<LimitPolicy> definedAgain = new ArrayList<>();
    private Attempts attempts;

    private record Call(ExchangeRequest request, CompletableFuture<ExchangeResult> answer) {
        AcquireRequest acquire() {
            assertThat(request.acquires()).hasSize(1);
            return request.acquires().get(0);
        }

        void answer(Object result) {
            answer.complete(new ExchangeResult(List.of(), List.of(result), POLICY));
        }
    }

    private final WaiterQueue queue = new WaiterQueue("l", clock, new WaiterQueue.Host() {
        @Override
        public boolean offer(Waiter w) {
            return attempts.offer(w);
        }

        @Override
        public void send() {
            attempts.send();
        }

        @Override
        public void attempt(Waiter w) {
            attempts.attempt(w);
        }

        @Override
        public boolean fair() {
            return false;
        }

        @Override
        public void ticketQueued() {
        }

        @Override
        public void ticketLeft(String ticket) {
        }

        @Override
        public void timedOut(Waiter w) {
        }
    });

    private final Dispatcher dispatcher = new Dispatcher("l", "me", request -> {
        CompletableFuture<ExchangeResult> f = new CompletableFuture<>();
        calls.add(new Call(request, f));
        return f;
    }, FairTickets.TTL, new Dispatcher.Host() {
        @Override
        public boolean countable() {
            return false;
        }

        @Override
        public List<Dispatcher.Acquire> handOffTo(int n) {
            return attempts.handOffTo(n);
        }

        @Override
        public void learn(AcquireResult.PolicyRead policy) {
        }
    }, clock);

    private final LimitRecovery recovery = new LimitRecovery("l", new LimitRecovery.Host() {
        @Override
        public Optional<LimitPolicy> definedPolicy() {
            return Optional.ofNullable(defined);
        }

        @Override
        public CompletableFuture<?> defineAgain(LimitPolicy policy) {
            definedAgain.add(policy);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean forget() {
            boolean had = defined != null;
            defined = null;
            return had;
        }
    });

    private final LeaseRenewer renewer = new LeaseRenewer(new LeaseRenewer.Host() {
        @Override
        public String name() {
            return "l";
        }

        @Override
        public CompletableFuture<RenewResult> renew(List<RenewRequest> permits) {
            return new CompletableFuture<>(); // never answers: no renewal is due within these tests
        }

        @Override
        public CompletableFuture<Optional<UnknownLimitException>> recover(UnknownLimitException missing) {
            return CompletableFuture.completedFuture(Optional.of(missing));
        }

        @Override
        public void deleted() {
        }

        @Override
        public void lost(DefaultPermit permit) {
        }
    }, clock);

    private final RedisHealth health = client.newHealth("l");

    {
        attempts = new Attempts(limiter, queue, dispatcher, recovery, renewer, new LocalFallback(limiter), health,
                clock);
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static AcquireResult granted() {
        return new AcquireResult(true, "ok", Duration.ZERO, 1_000_000, Duration.ofSeconds(30), 1, Double.NaN, POLICY);
    }

    private static AcquireResult denied() {
        return new AcquireResult(false, "concurrency", Duration.ofMillis(50), 0, Duration.ZERO, 0, Double.NaN, POLICY);
    }

    /** A waiter queued and admitted, as once the limit's subscription is up: its attempt is sent. */
    private Waiter waiting(int weight) {
        Waiter w = new Waiter(weight, Duration.ofSeconds(10), false, false, clock.nanoTime());
        assertThat(queue.enqueue(w)).isTrue();
        queue.admitPending();
        return w;
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void aGrantBecomesAPermitOfTheWaitersWeightUnderTheRequestsIdWithItsLeaseRenewed() {
        Waiter w = waiting(2);
        assertThat(calls).hasSize(1);
        AcquireRequest sent = calls.get(0).acquire();
        assertThat(sent.weight()).isEqualTo(2);

        calls.get(0).answer(granted());

        assertThat(w.future).isCompleted();
        Permit p = w.future.join();
        assertThat(p.id()).isEqualTo(sent.permitId());
        assertThat(p.weight()).isEqualTo(2);
        assertThat(renewer.size()).as("the granted permit's lease is renewed").isEqualTo(1);
        assertThat(queue.size()).isZero();
    }

    @Test
    void aDeniedTryAnswersNoPermitNowAndADeniedZeroWaitAcquireATimeoutNamingTheLimit() {
        Waiter tryOnly = new Waiter(1, Duration.ZERO, true, true, clock.nanoTime());
        attempts.single(tryOnly, Duration.ofSeconds(4));
        assertThat(calls.get(0).acquire().ticket()).as("a single shot takes no fair ticket").isEmpty();
        calls.get(0).answer(denied());
        assertThat(failure(tryOnly.future)).isSameAs(Attempts.NoPermitNow.INSTANCE);

        Waiter zeroWait = new Waiter(1, Duration.ZERO, true, false, clock.nanoTime());
        attempts.single(zeroWait, Duration.ofSeconds(4));
        calls.get(1).answer(denied());
        assertThat(failure(zeroWait.future)).isInstanceOf(LimiterTimeoutException.class).hasMessageContaining("'l'");
        assertThat(renewer.size()).isZero();
    }

    @Test
    void aSingleShotWithoutAnAnswerFailsUnavailableAtItsBound() {
        Waiter w = new Waiter(1, Duration.ZERO, true, true, clock.nanoTime());
        attempts.single(w, Duration.ofSeconds(4));
        clock.advanceMillis(3_999);
        assertThat(w.future).isNotDone();

        clock.advanceMillis(1);
        assertThat(failure(w.future)).isInstanceOf(LimiterUnavailableException.class)
                .hasMessage("no answer from Redis within 4000 ms for limit 'l'");
    }

    @Test
    void aVanishedLimitThisClientDefinedIsDefinedAgainAndTriedOnceMoreButNotTwice() {
        Waiter w = waiting(1);
        calls.get(0).answer(new UnknownLimitException("l"));

        assertThat(definedAgain).containsExactly(POLICY_VALUE);
        assertThat(calls).as("one more try once it is defined again").hasSize(2);
        assertThat(w.future).isNotDone();

        calls.get(1).answer(new UnknownLimitException("l"));
        assertThat(calls).as("no third try").hasSize(2);
        assertThat(failure(w.future)).isInstanceOf(UnknownLimitException.class);
    }

    @Test
    void aVanishedLimitThisClientNeverDefinedFailsTheWaiterAtOnce() {
        defined = null;
        Waiter w = waiting(1);
        calls.get(0).answer(new UnknownLimitException("l"));

        assertThat(definedAgain).isEmpty();
        assertThat(calls).hasSize(1);
        assertThat(failure(w.future)).isInstanceOf(UnknownLimitException.class);
    }

    @Test
    void aSubscriptionThatCannotReachRedisFailsTheWaitersQueuedBeforeItAndMarksTheLimitDown() {
        Waiter first = new Waiter(1, Duration.ofSeconds(10), false, false, clock.nanoTime());
        Waiter second = new Waiter(1, Duration.ofSeconds(10), false, false, clock.nanoTime());
        queue.enqueue(first);
        queue.enqueue(second);
        LimiterUnavailableException down = new LimiterUnavailableException("Redis at x did not answer", null);

        attempts.subscriptionFailed(new CompletionException(down));

        assertThat(calls).as("nothing is sent for them").isEmpty();
        assertThat(failure(first.future)).isSameAs(down);
        assertThat(failure(second.future)).isSameAs(down);
        assertThat(health.isDown()).isTrue();
    }
}
