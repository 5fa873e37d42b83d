package io.limiter.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimiterException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.internal.redis.AcquireRequest;
import io.limiter.core.internal.redis.AcquireResult;
import io.limiter.core.internal.redis.ExchangeRequest;
import io.limiter.core.internal.redis.ExchangeResult;
import io.limiter.core.internal.redis.NotCounted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's rules on fake time against a scripted exchange port: ordering of releases and acquires,
 * compensation after a lost answer, retries, isolation of callbacks, re-queueing undecided requests.
 */
class DispatcherTest {
    private static final AcquireResult.PolicyRead POLICY =
            new AcquireResult.PolicyRead(java.util.Optional.of(io.limiter.core.LimitPolicy.builder().concurrency(1).build()), "1");

    private final FakeClock clock = new FakeClock();
    private final List<Call> calls = new ArrayList<>();
    private boolean countable;
    private final List<Dispatcher.Acquire> sleepers = new ArrayList<>();

    /** One exchange the dispatcher sent, answered by the test. */
    private record Call(ExchangeRequest request, CompletableFuture<ExchangeResult> answer) {
        List<String> releases() {
            return request.releases();
        }

        List<String> acquireIds() {
            return request.acquires().stream().map(AcquireRequest::permitId).toList();
        }

        void grantAll() {
            List<Boolean> released = request.releases().stream().map(id -> true).toList();
            List<Object> acquired = new ArrayList<>();
            for (int i = 0; i < request.acquires().size(); i++) {
                acquired.add(granted());
            }
            answer.complete(new ExchangeResult(released, acquired, POLICY));
        }

        void fail(Throwable e) {
            answer.completeExceptionally(e);
        }
    }

    private final Dispatcher dispatcher = new Dispatcher("l", "me", request -> {
        CompletableFuture<ExchangeResult> f = new CompletableFuture<>();
        calls.add(new Call(request, f));
        return f;
    }, FairTickets.TTL, new Dispatcher.Host() {
        @Override
        public boolean countable() {
            return countable;
        }

        @Override
        public List<Dispatcher.Acquire> handOffTo(int n) {
            List<Dispatcher.Acquire> out = new ArrayList<>(sleepers.subList(0, Math.min(n, sleepers.size())));
            sleepers.removeAll(out);
            return out;
        }

        @Override
        public void learn(AcquireResult.PolicyRead policy) {
            countable = policy.rateOnly();
        }
    }, clock);

    private static AcquireResult granted() {
        return new AcquireResult(true, "ok", Duration.ZERO, 1, Duration.ofSeconds(30), 0, Double.NaN, POLICY);
    }

    private static LimiterUnavailableException timeout() {
        return new LimiterUnavailableException("Redis did not answer within 500ms", null);
    }

    /** An acquire whose answer the test can read. */
    private static final class Probe {
        final String id;
        final CompletableFuture<AcquireResult> result = new CompletableFuture<>();
        final Dispatcher.Acquire acquire;

        Probe(String id) {
            this.id = id;
            this.acquire = new Dispatcher.Acquire(new AcquireRequest(id, 1, ""), (r, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(r);
                }
            });
        }
    }

    private long deadlineIn(long millis) {
        return clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void anAcquireQueuedWhileAReleaseIsUnansweredCarriesThatReleaseAgain() {
        CompletableFuture<Boolean> released = dispatcher.release("p1", deadlineIn(30_000));
        Probe a = new Probe("a");
        dispatcher.acquire(a.acquire);

        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).releases()).containsExactly("p1");
        // The release's call has not answered: the acquire's call carries it too, so whatever happens to the first
        // call (NOSCRIPT and a retry with EVAL, a reconnect), Redis runs the release before this acquire.
        assertThat(calls.get(1).releases()).containsExactly("p1");
        assertThat(calls.get(1).acquireIds()).containsExactly("a");

        calls.get(0).fail(new LimiterException("NOSCRIPT No matching script", null));
        assertThat(released).isNotDone();
        calls.get(1).grantAll();
        assertThat(released).isCompletedWithValue(true);
        assertThat(a.result).isCompleted();
        assertThat(dispatcher.pendingReleases()).isZero();
    }

    @Test
    void anAnsweredReleaseIsNotRepeated() {
        dispatcher.release("p1", deadlineIn(30_000));
        calls.get(0).grantAll();
        dispatcher.acquire(new Probe("a").acquire);
        assertThat(calls.get(1).releases()).isEmpty();
    }

    @Test
    void aReleaseIsSentAgainEveryRetryPeriodUntilRedisAnswers() {
        CompletableFuture<Boolean> released = dispatcher.release("p1", deadlineIn(30_000));
        calls.get(0).fail(timeout());
        assertThat(calls).hasSize(1);
        clock.advanceMillis(PendingReleases.RETRY_MS - 1);
        assertThat(calls).hasSize(1);
        clock.advanceMillis(1);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).releases()).containsExactly("p1");
        calls.get(1).fail(timeout());
        clock.advanceMillis(PendingReleases.RETRY_MS);
        calls.get(2).grantAll();
        assertThat(released).isCompletedWithValue(true);
        clock.advanceMillis(10 * PendingReleases.RETRY_MS);
        assertThat(calls).hasSize(3);
    }

    @Test
    void aReleaseIsGivenUpOnceItsLeaseHasSurelyRunOut() {
        CompletableFuture<Boolean> released = dispatcher.release("p1", deadlineIn(1_200));
        for (int i = 0; i < 10 && !released.isDone(); i++) {
            calls.get(calls.size() - 1).fail(timeout());
            clock.advanceMillis(PendingReleases.RETRY_MS);
        }
        assertThat(released).isCompletedExceptionally();
        int sent = calls.size();
        assertThat(sent).isEqualTo(3); // at 0, 500 and 1000 ms; the failure after 1,200 ms gives it up
        clock.advanceMillis(10 * PendingReleases.RETRY_MS);
        assertThat(calls).hasSize(sent);
        assertThat(dispatcher.pendingReleases()).isZero();
    }

    @Test
    void grantsWhoseAnswerWasLostAreReleasedOnTheirOwnAndFlushWaitsForThem() {
        Probe a = new Probe("a");
        Probe b = new Probe("b");
        dispatcher.acquire(a.acquire);
        dispatcher.acquire(b.acquire);
        calls.get(0).fail(timeout());
        calls.get(1).fail(timeout());
        assertThat(a.result).isCompletedExceptionally();
        assertThat(b.result).isCompletedExceptionally();
        // Redis may still have run both calls. Nobody else calls: the compensation goes out by itself, at once.
        CompletableFuture<Void> flushed = dispatcher.flush();
        List<Call> compensation = List.copyOf(calls.subList(2, calls.size()));
        assertThat(compensation).allSatisfy(c -> assertThat(c.acquireIds()).isEmpty());
        assertThat(compensation.stream().flatMap(c -> c.releases().stream())).containsExactlyInAnyOrder("a", "b");
        assertThat(flushed).isNotDone();
        // Still unreachable: it is tried again after the retry period.
        compensation.get(0).fail(timeout());
        int before = calls.size();
        clock.advanceMillis(PendingReleases.RETRY_MS);
        assertThat(calls).hasSize(before + 1);
        assertThat(calls.get(before).releases()).containsExactly("a");
        calls.get(before).grantAll();
        assertThat(flushed).isNotDone();
        compensation.get(1).grantAll();
        assertThat(flushed).isCompleted();
        assertThat(dispatcher.pendingReleases()).isZero();
    }

    @Test
    void compensationRidesTheNextCallIfOneComesFirst() {
        Probe a = new Probe("a");
        dispatcher.acquire(a.acquire);
        calls.get(0).fail(timeout());
        Probe c = new Probe("c");
        dispatcher.acquire(c.acquire); // before the retry timer ran
        assertThat(calls.get(calls.size() - 1).releases()).containsExactly("a");
        assertThat(calls.get(calls.size() - 1).acquireIds()).containsExactly("c");
    }

    @Test
    void aCallbackThatThrowsNeverKeepsTheOthersOfItsCallFromCompleting() {
        for (int i = 0; i < Dispatcher.MAX_IN_FLIGHT; i++) {
            dispatcher.acquire(new Probe("busy" + i).acquire);
        }
        Dispatcher.Acquire bad = new Dispatcher.Acquire(new AcquireRequest("bad", 1, ""), (r, e) -> {
            throw new ArithmeticException("overflow");
        });
        Probe good = new Probe("good");
        dispatcher.acquire(bad);
        dispatcher.acquire(good.acquire);
        calls.get(0).grantAll(); // frees a slot: "bad" and "good" go out together
        Call together = calls.get(Dispatcher.MAX_IN_FLIGHT);
        assertThat(together.acquireIds()).containsExactly("bad", "good");
        together.grantAll();
        assertThat(good.result).isCompleted();
    }

    @Test
    void atMostFourCallsAreInFlightAndWhatArrivesMeanwhileSharesTheNext() {
        for (int i = 0; i < 6; i++) {
            dispatcher.acquire(new Probe("a" + i).acquire);
        }
        assertThat(calls).hasSize(Dispatcher.MAX_IN_FLIGHT);
        calls.get(0).grantAll();
        assertThat(calls).hasSize(5);
        assertThat(calls.get(4).acquireIds()).containsExactly("a4", "a5");
    }

    @Test
    void requestsACountedGroupLeftUndecidedAreSentAgainOneByOneFirstInLine() {
        countable = true;
        dispatcher.acquire(new Probe("x0").acquire);
        dispatcher.acquire(new Probe("x1").acquire);
        Probe y = new Probe("y");
        Probe z = new Probe("z");
        dispatcher.acquire(y.acquire);
        dispatcher.acquire(z.acquire);
        assertThat(calls).hasSize(Dispatcher.MAX_IN_FLIGHT_COUNTED);
        calls.get(0).grantAll();
        Call counted = calls.get(2);
        assertThat(counted.request().counted()).isTrue();
        assertThat(counted.acquireIds()).containsExactly("y", "z");
        // The limit gained permits meanwhile: the script leaves the group undecided.
        counted.answer().complete(new ExchangeResult(List.of(),
                List.<Object>of(notCounted(), notCounted()), POLICY));
        assertThat(y.result).isNotDone();
        calls.get(1).grantAll();
        Call again = calls.get(calls.size() - 1);
        assertThat(again.request().counted()).isFalse();
        assertThat(again.acquireIds()).containsExactly("y", "z");
    }

    private static Object notCounted() {
        try {
            java.lang.reflect.Field f = NotCounted.class.getDeclaredField("INSTANCE");
            f.setAccessible(true);
            return f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aReleaseCarriesSleepingLocalWaitersAndRedisDecidesTheirGrant() {
        Probe sleeper = new Probe("s");
        sleepers.add(sleeper.acquire);
        dispatcher.release("p1", deadlineIn(30_000));
        assertThat(calls.get(0).releases()).containsExactly("p1");
        assertThat(calls.get(0).acquireIds()).containsExactly("s");
        calls.get(0).grantAll();
        assertThat(sleeper.result).isCompleted();
    }

    @Test
    void aRepeatedReleaseDoesNotCarryMoreWaiters() {
        dispatcher.release("p1", deadlineIn(30_000));
        sleepers.add(new Probe("s").acquire);
        dispatcher.acquire(new Probe("a").acquire);
        // The second call repeats p1 (unanswered) but p1's capacity was already offered in the first call.
        assertThat(calls.get(1).acquireIds()).containsExactly("a");
    }
}
