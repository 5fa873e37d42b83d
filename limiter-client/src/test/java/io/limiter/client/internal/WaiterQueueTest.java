package io.limiter.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimiterClosedException;
import io.limiter.core.LimiterTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The waiter queue's state machine on fake time, against a host that records what the queue asks for: call order
 * before and after the subscription, FIFO wake-ups, deadlines, cancellation, the one wake-up timer, remembered
 * wake-ups, fair tickets and hand-offs. Nothing here grants: the test plays Redis's answers.
 */
class WaiterQueueTest {
    private final FakeClock clock = new FakeClock();
    /** Every attempt the queue started, in order (offered under its lock or sent directly). */
    private final List<Waiter> attempts = new ArrayList<>();
    private final List<String> ticketsLeft = new ArrayList<>();
    private final List<Waiter> timedOut = new ArrayList<>();
    private int sends;
    private int ticketsQueued;
    private boolean fair;

    private final WaiterQueue queue = new WaiterQueue("l", clock, new WaiterQueue.Host() {
        @Override
        public boolean offer(Waiter w) {
            attempts.add(w);
            return true;
        }

        @Override
        public void send() {
            sends++;
        }

        @Override
        public void attempt(Waiter w) {
            attempts.add(w);
        }

        @Override
        public boolean fair() {
            return fair;
        }

        @Override
        public void ticketQueued() {
            ticketsQueued++;
        }

        @Override
        public void ticketLeft(String ticket) {
            ticketsLeft.add(ticket);
        }

        @Override
        public void timedOut(Waiter w) {
            timedOut.add(w);
        }
    });

    private Waiter waiting(long timeoutMillis) {
        Waiter w = new Waiter(1, Duration.ofMillis(timeoutMillis), false, false, clock.nanoTime());
        assertThat(queue.enqueue(w)).isTrue();
        return w;
    }

    /** Three waiters queued, admitted, each denied with {@code hintMillis}: all asleep, timer armed. */
    private List<Waiter> asleep(long hintMillis) {
        List<Waiter> ws = List.of(waiting(10_000), waiting(10_000), waiting(10_000));
        queue.admitPending();
        for (Waiter w : ws) {
            queue.denied(w, false, Duration.ofMillis(hintMillis));
        }
        attempts.clear();
        return ws;
    }

    @Test
    void waitersQueuedBeforeTheSubscriptionAttemptOnlyOnceItIsUpInCallOrder() {
        Waiter a = waiting(1_000);
        Waiter b = waiting(1_000);
        Waiter c = waiting(1_000);
        assertThat(attempts).isEmpty();
        assertThat(queue.size()).isEqualTo(3);

        queue.admitPending();

        assertThat(attempts).containsExactly(a, b, c);
        assertThat(sends).isEqualTo(3); // one send per call slot taken, after the lock was let go
        queue.admitPending(); // a second "subscription up" admits nobody twice
        assertThat(attempts).hasSize(3);
    }

    @Test
    void aWaiterQueuedWhileOthersSleepWaitsBehindThem() {
        List<Waiter> ws = asleep(500);
        Waiter late = waiting(10_000);
        queue.admitPending();
        assertThat(attempts).as("sleepers ahead and the timer armed: the newcomer sleeps too").isEmpty();

        queue.wakeOne();
        queue.wakeOne();
        queue.wakeOne();
        queue.wakeOne();
        assertThat(attempts).containsExactly(ws.get(0), ws.get(1), ws.get(2), late);
    }

    @Test
    void wakeUpsGoOneAtATimeToTheOldestSleeper() {
        List<Waiter> ws = asleep(500);

        queue.wakeOne();
        assertThat(attempts).containsExactly(ws.get(0));
        queue.denied(ws.get(0), false, Duration.ofMillis(500));
        queue.wakeOne();
        assertThat(attempts).as("denied again, it is still first in line").containsExactly(ws.get(0), ws.get(0));

        assertThat(queue.granted(ws.get(0), false, false, Duration.ZERO)).isFalse();
        queue.wakeOne();
        assertThat(attempts).last().isSameAs(ws.get(1));
        assertThat(queue.size()).isEqualTo(2);
    }

    @Test
    void aWaiterTimesOutAtItsOwnDeadlineWhileTheOthersStay() {
        Waiter shortOne = waiting(100);
        Waiter longOne = waiting(1_000);
        queue.admitPending();
        queue.denied(shortOne, false, Duration.ofHours(2));
        queue.denied(longOne, false, Duration.ofHours(2));

        clock.advanceMillis(99);
        assertThat(shortOne.future).isNotDone();
        clock.advanceMillis(1);

        assertThat(shortOne.future).isCompletedExceptionally();
        assertThat(shortOne.future.handle((p, e) -> e).join()).isInstanceOf(LimiterTimeoutException.class);
        assertThat(timedOut).containsExactly(shortOne);
        assertThat(queue.size()).isEqualTo(1);
        assertThat(longOne.future).isNotDone();
        attempts.clear();
        queue.wakeOne();
        assertThat(attempts).containsExactly(longOne);
    }

    @Test
    void aCancelledWaiterLeavesAndIsNeverWoken() {
        List<Waiter> ws = asleep(500);
        ws.get(0).future.cancel(false);

        assertThat(queue.size()).isEqualTo(2);
        queue.wakeOne();
        assertThat(attempts).containsExactly(ws.get(1));
    }

    @Test
    void theWakeUpTimerFiresAtTheEarliestHintAndWakesOneWaiter() {
        Waiter a = waiting(10_000);
        Waiter b = waiting(10_000);
        queue.admitPending();
        attempts.clear();
        queue.denied(a, false, Duration.ofMillis(500));
        queue.denied(b, false, Duration.ofMillis(200)); // earlier: moves the timer
        queue.wakeOne(); // a attempts now (woken by a notification) ...
        queue.denied(a, false, Duration.ofMillis(900)); // ... and a later hint does not push the timer back

        attempts.clear();
        clock.advanceMillis(199);
        assertThat(attempts).isEmpty();
        clock.advanceMillis(1);
        assertThat(attempts).containsExactly(a);
        clock.advanceMillis(5_000);
        assertThat(attempts).as("one timer, one wake-up; no polling").containsExactly(a);
    }

    @Test
    void aHugeHintArmsTheTimerAtMostAnHourAhead() {
        Waiter a = waiting(Duration.ofHours(3).toMillis());
        queue.admitPending();
        attempts.clear();
        queue.denied(a, false, Duration.ofDays(30));

        clock.advanceMillis(WaiterQueue.MAX_HINT.toMillis() - 1);
        assertThat(attempts).isEmpty();
        clock.advanceMillis(1);
        assertThat(attempts).containsExactly(a);
    }

    @Test
    void aWakeUpWhileEveryWaiterIsInFlightIsRememberedAndRetriedOnTheDenial() {
        Waiter a = waiting(10_000);
        queue.admitPending();
        attempts.clear();

        queue.wakeOne(); // a release notification races a's attempt
        assertThat(attempts).isEmpty();
        queue.denied(a, false, Duration.ofMillis(500));
        assertThat(attempts).as("the denial raced a release: ask again at once").containsExactly(a);

        queue.denied(a, false, Duration.ofMillis(500));
        assertThat(attempts).as("the wake was used once").containsExactly(a);
    }

    @Test
    void aTicketWakesExactlyItsWaiterOrIsRememberedWhileItsAttemptIsInFlight() {
        fair = true;
        List<Waiter> ws = asleep(500);
        queue.wakeTicket(ws.get(2).ticket);
        assertThat(attempts).containsExactly(ws.get(2));

        queue.wakeTicket(ws.get(2).ticket); // in flight: remembered
        queue.denied(ws.get(2), true, Duration.ofMillis(500));
        assertThat(attempts).containsExactly(ws.get(2), ws.get(2));
        queue.wakeTicket("not-ours");
        assertThat(attempts).hasSize(2);
    }

    @Test
    void onAFairLimitEveryWaiterAsksAtOnceAndItsQueuedTicketIsTakenOutWhenItGivesUp() {
        List<Waiter> sleeping = asleep(500);
        fair = true;
        Waiter a = waiting(10_000);
        queue.admitPending();
        assertThat(attempts).as("fair: asks at once to take its place, sleepers or not").containsExactly(a);

        queue.denied(a, true, Duration.ofMillis(500));
        assertThat(ticketsQueued).isEqualTo(1);
        assertThat(queue.queuedTickets()).containsExactly(a.ticket);
        a.future.cancel(false);
        assertThat(ticketsLeft).containsExactly(a.ticket);
        assertThat(queue.queuedTickets()).isEmpty();
        assertThat(queue.size()).isEqualTo(sleeping.size());
    }

    @Test
    void aWaiterThatGaveUpDuringItsFairAttemptTakesItsTicketOutAndPassesItsWakeOn() {
        fair = true;
        Waiter a = waiting(10_000);
        Waiter b = waiting(10_000);
        queue.admitPending();
        queue.denied(b, true, Duration.ofMillis(500));
        attempts.clear();
        queue.wakeTicket(a.ticket); // a's wake-up arrives while its attempt is in flight ...
        a.future.cancel(false); // ... and it gives up

        queue.denied(a, true, Duration.ofMillis(500));

        assertThat(ticketsLeft).containsExactly(a.ticket);
        assertThat(attempts).as("its wake goes to the next one").containsExactly(b);
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void aGrantThatLeftRoomWakesTheNextOneUnlessItWasAHandOff() {
        Waiter a = waiting(10_000);
        Waiter b = waiting(10_000);
        queue.admitPending();
        queue.denied(b, false, Duration.ofSeconds(5));

        assertThat(queue.granted(a, true, false, Duration.ZERO)).isTrue();

        Waiter c = waiting(10_000);
        queue.admitPending();
        assertThat(attempts).last().isNotSameAs(c); // sleeps behind b
        queue.wakeOne(); // b attempts
        assertThat(queue.granted(b, true, true, Duration.ZERO)).as("a hand-off does not chase room").isFalse();
    }

    @Test
    void roomLeftAfterAHandOffIsLeftToThePublishedMessageNotRetakenByTheTimer() {
        List<Waiter> ws = asleep(5_000);
        List<Waiter> chosen = queue.handOff(1);
        assertThat(chosen).containsExactly(ws.get(0));
        attempts.clear();
        // Granted with room left (retry hint 0): the room was published to every instance.
        assertThat(queue.granted(ws.get(0), true, true, Duration.ZERO)).isFalse();
        clock.advanceMillis(50);
        assertThat(attempts).as("no local retry racing the other instances for the shared room").isEmpty();
        queue.wakeOne(); // the published message arrives here too: one sleeper tries, like everywhere else
        assertThat(attempts).containsExactly(ws.get(1));
        attempts.clear();
        clock.advanceMillis(WaiterQueue.SHARED_ROOM_BACKSTOP.toMillis());
        assertThat(attempts).as("a lost message costs at most the backstop").containsExactly(ws.get(2));
    }

    @Test
    void handOffTakesTheOldestSleepersAndEveryFewBatchesNone() {
        List<Waiter> ws = asleep(500);
        assertThat(queue.handOff(2)).containsExactly(ws.get(0), ws.get(1));
        for (Waiter w : List.of(ws.get(0), ws.get(1))) {
            queue.denied(w, false, Duration.ofMillis(500));
        }
        for (int i = 2; i <= WaiterQueue.HAND_OFF_STREAK; i++) {
            List<Waiter> chosen = queue.handOff(1);
            assertThat(chosen).hasSize(1);
            queue.denied(chosen.get(0), false, Duration.ofMillis(500));
        }
        assertThat(queue.handOff(3)).as("the release goes back to the shared pool").isEmpty();
        assertThat(queue.handOff(3)).hasSize(3);

        fair = true;
        assertThat(queue.handOff(3)).as("never on a fair limit").isEmpty();
    }

    @Test
    void aFailedSubscriptionTakesOutOnlyThePendingWaitersInOrder() {
        List<Waiter> ws = asleep(500);
        Waiter a = waiting(1_000);
        Waiter b = waiting(1_000);

        assertThat(queue.takePending()).containsExactly(a, b);
        assertThat(queue.size()).isEqualTo(ws.size());
        queue.admitPending();
        assertThat(attempts).isEmpty();
    }

    @Test
    void closeFailsEveryWaiterAndAClosedClockRefusesNewOnes() {
        List<Waiter> ws = asleep(500);
        queue.close();
        for (Waiter w : ws) {
            assertThat(w.future).isCompletedExceptionally();
        }
        assertThat(queue.size()).isZero();
        assertThat(clock.scheduled()).as("deadlines and timer cancelled").isZero();

        clock.close();
        Waiter late = new Waiter(1, Duration.ofSeconds(1), false, false, clock.nanoTime());
        assertThat(queue.enqueue(late)).isFalse();
        assertThat(late.future.handle((p, e) -> e).join()).isInstanceOf(LimiterClosedException.class);
    }
}
