package io.limiter.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.internal.redis.KeepAliveResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Keep-alive of a fair limit's waiting tickets on fake time, against scripted keep-alive answers. */
class FairTicketsTest {
    private static final long PERIOD_MS = FairTickets.TTL.toMillis() / 3;

    private final FakeClock clock = new FakeClock();
    private final List<String> queued = new ArrayList<>();
    private final List<String> woken = new ArrayList<>();
    private final List<List<String>> calls = new ArrayList<>();
    private final List<Duration> ttls = new ArrayList<>();
    private final List<CompletableFuture<KeepAliveResult>> answers = new ArrayList<>();
    private final List<String> left = new ArrayList<>();

    private final FairTickets tickets = new FairTickets(new FairTickets.Port() {
        @Override
        public CompletableFuture<KeepAliveResult> keepAlive(Duration ttl, Collection<String> ts) {
            calls.add(List.copyOf(ts));
            ttls.add(ttl);
            CompletableFuture<KeepAliveResult> f = new CompletableFuture<>();
            answers.add(f);
            return f;
        }

        @Override
        public CompletableFuture<Boolean> leave(String ticket) {
            left.add(ticket);
            return CompletableFuture.failedFuture(new LimiterUnavailableException("down", null));
        }
    }, clock, () -> List.copyOf(queued), woken::add);

    private static KeepAliveResult fine() {
        return new KeepAliveResult(List.of(), Optional.empty());
    }

    @Test
    void waitingTicketsAreKeptAliveInOneCallEveryThirdOfTheirTtlUntilNoneWaits() {
        queued.addAll(List.of("t1", "t2"));
        tickets.start();
        tickets.start(); // already running: no second rhythm
        clock.advanceMillis(PERIOD_MS - 1);
        assertThat(calls).isEmpty();
        clock.advanceMillis(1);
        assertThat(calls).containsExactly(List.of("t1", "t2"));
        assertThat(ttls).containsExactly(FairTickets.TTL);
        answers.get(0).complete(fine());

        queued.remove("t1");
        clock.advanceMillis(PERIOD_MS);
        assertThat(calls).hasSize(2).last().isEqualTo(List.of("t2"));

        queued.clear();
        clock.advanceMillis(PERIOD_MS);
        assertThat(calls).as("nothing waits: no call").hasSize(2);
        assertThat(clock.scheduled()).as("and no timer left").isZero();
        clock.advanceMillis(10 * PERIOD_MS);
        assertThat(calls).hasSize(2);
    }

    @Test
    void aTicketRedisDroppedIsWokenToQueueAgain() {
        queued.addAll(List.of("t1", "t2"));
        tickets.start();
        clock.advanceMillis(PERIOD_MS);
        answers.get(0).complete(new KeepAliveResult(List.of("t2"), Optional.empty()));
        assertThat(woken).containsExactly("t2");
    }

    @Test
    void ourTicketAtTheHeadWithRoomIsWokenAsIfItsNotificationHadBeenMissed() {
        queued.add("t1");
        tickets.start();
        clock.advanceMillis(PERIOD_MS);
        answers.get(0).complete(new KeepAliveResult(List.of(), Optional.of("t1")));
        assertThat(woken).containsExactly("t1");

        clock.advanceMillis(PERIOD_MS);
        answers.get(1).complete(new KeepAliveResult(List.of(), Optional.of("another-instances-ticket")));
        assertThat(woken).as("another instance's head is not ours to wake").containsExactly("t1");
    }

    @Test
    void aFailedKeepAliveWakesNobodyAndTheRhythmGoesOn() {
        queued.add("t1");
        tickets.start();
        clock.advanceMillis(PERIOD_MS);
        answers.get(0).completeExceptionally(new LimiterUnavailableException("down", null));
        assertThat(woken).isEmpty();
        clock.advanceMillis(PERIOD_MS);
        assertThat(calls).hasSize(2);
    }

    @Test
    void aTicketLeavesThroughThePortAndAFailureThereIsSwallowed() {
        tickets.leave("t1");
        assertThat(left).containsExactly("t1");
    }
}
