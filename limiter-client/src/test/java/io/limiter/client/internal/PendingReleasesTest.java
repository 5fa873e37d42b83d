package io.limiter.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimiterException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.internal.redis.AcquireResult;
import io.limiter.core.internal.redis.ExchangeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The release path on fake time: what a call carries, retries while Redis is unreachable, giving up, compensation. */
class PendingReleasesTest {
    private static final AcquireResult.PolicyRead POLICY =
            new AcquireResult.PolicyRead(java.util.Optional.of(io.limiter.core.LimitPolicy.builder().concurrency(1).build()), "1");

    private final FakeClock clock = new FakeClock();
    private int kicks;
    private final PendingReleases releases = new PendingReleases("l", clock, () -> kicks++);

    private long in(long millis) {
        return clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private List<PendingReleases.Pending> take(boolean acquiresWaiting) {
        List<PendingReleases.Pending> carried = new ArrayList<>();
        releases.take(acquiresWaiting, carried);
        return carried;
    }

    private static List<String> ids(List<PendingReleases.Pending> carried) {
        return carried.stream().map(p -> p.id).toList();
    }

    private static ExchangeResult answered(List<PendingReleases.Pending> carried) {
        return new ExchangeResult(carried.stream().map(p -> true).toList(), List.of(), POLICY);
    }

    private static LimiterUnavailableException down() {
        return new LimiterUnavailableException("Redis did not answer within 500ms", null);
    }

    @Test
    void anIdAlreadyPendingAnswersWithTheSameFuture() {
        CompletableFuture<Boolean> done = releases.add("p1", in(30_000));
        assertThat(releases.pending("p1")).containsSame(done);
        assertThat(releases.pending("p2")).isEmpty();
        assertThat(releases.size()).isEqualTo(1);
    }

    @Test
    void aCallWithAcquiresCarriesEveryPendingReleaseEvenOneInFlightAndOnlyNewOnesCountAsFresh() {
        releases.add("p1", in(30_000));
        List<PendingReleases.Pending> first = new ArrayList<>();
        assertThat(releases.take(false, first)).isEqualTo(new PendingReleases.Batch(false, 1));
        releases.add("p2", in(30_000));

        assertThat(take(false)).as("alone, a release in flight is not sent twice").extracting(p -> p.id)
                .containsExactly("p2");
        List<PendingReleases.Pending> withAcquires = new ArrayList<>();
        PendingReleases.Batch batch = releases.take(true, withAcquires);
        assertThat(ids(withAcquires)).containsExactly("p1", "p2");
        assertThat(batch).isEqualTo(new PendingReleases.Batch(true, 0));
    }

    @Test
    void tooManyPendingReleasesGoAloneAndAcquiresWait() {
        for (int i = 0; i <= PendingReleases.MAX_RELEASES; i++) {
            releases.add("p" + i, in(30_000));
        }
        List<PendingReleases.Pending> carried = new ArrayList<>();
        assertThat(releases.take(true, carried).withAcquires()).isFalse();
        assertThat(carried).hasSize(PendingReleases.MAX_RELEASES);
    }

    @Test
    void anAnsweredReleaseCompletesWithWhetherRedisHeldItAndLeaves() {
        CompletableFuture<Boolean> done = releases.add("p1", in(30_000));
        List<PendingReleases.Pending> carried = take(false);
        releases.settle(carried, new ExchangeResult(List.of(false), List.of(), POLICY), null);
        assertThat(done).isCompletedWithValue(false);
        assertThat(releases.size()).isZero();
    }

    @Test
    void whileRedisIsUnreachableAReleaseIsDueAgainEveryRetryPeriodUntilItsLeaseSurelyRanOut() {
        CompletableFuture<Boolean> done = releases.add("p1", in(1_200));
        releases.settle(take(false), null, down());
        assertThat(take(false)).as("not due yet").isEmpty();

        clock.advanceMillis(PendingReleases.RETRY_MS - 1);
        assertThat(kicks).isZero();
        clock.advanceMillis(1);
        assertThat(kicks).isEqualTo(1);
        List<PendingReleases.Pending> again = take(false);
        assertThat(ids(again)).containsExactly("p1");

        releases.settle(again, null, down()); // at 500 ms: a try at 1000 ms still comes before the deadline
        assertThat(done).isNotDone();
        clock.advanceMillis(PendingReleases.RETRY_MS);
        releases.settle(take(false), null, down()); // at 1000 ms: the next try would come after the lease ran out
        assertThat(done).isCompletedExceptionally();
        assertThat(releases.size()).isZero();
    }

    @Test
    void aReleaseRedisRefusedIsGivenUpAtOnce() {
        CompletableFuture<Boolean> done = releases.add("p1", in(30_000));
        releases.settle(take(false), null, new LimiterException("ERR bad script", null));
        assertThat(done).isCompletedExceptionally();
        assertThat(releases.size()).isZero();
        clock.advanceMillis(10 * PendingReleases.RETRY_MS);
        assertThat(kicks).isZero();
    }

    @Test
    void aCallThatCarriedAReleaseAndFailedDoesNotUndoAnotherCallsAnswer() {
        CompletableFuture<Boolean> done = releases.add("p1", in(30_000));
        List<PendingReleases.Pending> first = take(false);
        List<PendingReleases.Pending> second = take(true);
        releases.settle(second, answered(second), null);
        releases.settle(first, null, down());
        assertThat(done).isCompletedWithValue(true);
        assertThat(releases.size()).isZero();
    }

    @Test
    void compensationIsSentAtOnceRetriedForTheLeaseLearnedAndCapped() {
        releases.learnLease(Duration.ofSeconds(2));
        releases.compensate(List.of("a", "b"));
        clock.runDue();
        assertThat(kicks).as("sent at once").isEqualTo(1);
        List<PendingReleases.Pending> carried = take(false);
        assertThat(ids(carried)).containsExactly("a", "b");
        assertThat(carried).allSatisfy(p -> assertThat(p.deadlineNanos).isEqualTo(in(3_000)));
        assertThat(releases.take(true, new ArrayList<>()).fresh()).as("compensation frees no capacity").isZero();

        List<String> many = new ArrayList<>();
        for (int i = 0; i < 2 * PendingReleases.MAX_COMPENSATION; i++) {
            many.add("c" + i);
        }
        releases.compensate(many);
        assertThat(releases.size()).isEqualTo(PendingReleases.MAX_COMPENSATION);
    }

    @Test
    void abandonFailsEveryPendingReleaseAndStopsTheRetries() {
        CompletableFuture<Boolean> done = releases.add("p1", in(30_000));
        releases.settle(take(false), null, down());
        releases.abandon();
        assertThat(done).isCompletedExceptionally();
        assertThat(releases.size()).isZero();
        clock.advanceMillis(10 * PendingReleases.RETRY_MS);
        assertThat(kicks).isZero();
    }
}
