package io.limiter.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.internal.redis.RenewRequest;
import io.limiter.core.internal.redis.RenewResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The renewer on fake time against scripted renewal answers: rhythm, epochs, lost ids, a vanished limit. */
class LeaseRenewerTest {
    private static final Duration LEASE = Duration.ofSeconds(3);

    private final FakeClock clock = new FakeClock();
    private final List<List<RenewRequest>> calls = new ArrayList<>();
    private final List<CompletableFuture<RenewResult>> answers = new ArrayList<>();
    private final List<DefaultPermit> lost = new ArrayList<>();
    private final List<UnknownLimitException> recoveries = new ArrayList<>();
    private int deletions;
    private boolean recoverable = true;

    private final LeaseRenewer renewer = new LeaseRenewer(new LeaseRenewer.Host() {
        @Override
        public String name() {
            return "l";
        }

        @Override
        public CompletableFuture<RenewResult> renew(List<RenewRequest> permits) {
            CompletableFuture<RenewResult> f = new CompletableFuture<>();
            calls.add(permits);
            answers.add(f);
            return f;
        }

        @Override
        public CompletableFuture<Optional<UnknownLimitException>> recover(UnknownLimitException missing) {
            recoveries.add(missing);
            return CompletableFuture.completedFuture(recoverable && !missing.wasDeleted() ? Optional.empty()
                    : Optional.of(missing));
        }

        @Override
        public void deleted() {
            deletions++;
        }

        @Override
        public void lost(DefaultPermit permit) {
            lost.add(permit);
        }
    }, clock);

    private DefaultPermit held(String id, String epoch) {
        DefaultPermit p = new DefaultPermit(id, null, 1, 1_000, clock.nanoTime() + LEASE.toNanos(), epoch, clock);
        renewer.add(p, LEASE);
        return p;
    }

    private static RenewResult renewed(String epoch, String... lostIds) {
        return new RenewResult(5_000, LEASE, List.of(lostIds), 0, epoch, false, false);
    }

    private CompletableFuture<RenewResult> last() {
        return answers.get(answers.size() - 1);
    }

    @Test
    void renewsOnceEveryThirdOfTheLeaseInOneCallForAllPermits() {
        held("a", "e1");
        held("b", "e1");
        clock.advanceMillis(999);
        assertThat(calls).isEmpty();
        clock.advanceMillis(1);
        assertThat(calls).singleElement().satisfies(c -> assertThat(c).extracting(RenewRequest::permitId)
                .containsExactlyInAnyOrder("a", "b"));
        last().complete(renewed("e1"));
        clock.advanceMillis(1_000);
        assertThat(calls).hasSize(2);
    }

    @Test
    void aPermitTakesTheEpochRedisAnsweredAndSendsItNextTime() {
        DefaultPermit p = held("a", "e1");
        clock.advanceMillis(1_000);
        assertThat(calls.get(0).get(0).epoch()).isEqualTo("e1");
        // Redis lost its data and re-asserted the permit into the limit's new epoch.
        last().complete(new RenewResult(5_000, LEASE, List.of(), 1, "e2", false, false));
        assertThat(p.epoch()).isEqualTo("e2");
        clock.advanceMillis(1_000);
        assertThat(calls.get(1).get(0).epoch()).isEqualTo("e2");
    }

    @Test
    void aLostIdIsReportedOnceAndNoLongerRenewed() {
        DefaultPermit a = held("a", "e1");
        DefaultPermit b = held("b", "e1");
        clock.advanceMillis(1_000);
        last().complete(renewed("e1", "a"));
        assertThat(lost).containsExactly(a);
        assertThat(a.isValid()).isFalse();
        assertThat(b.isValid()).isTrue();
        clock.advanceMillis(1_000);
        assertThat(calls.get(1)).extracting(RenewRequest::permitId).containsExactly("b");
    }

    @Test
    void aLimitThatVanishedIsRecoveredAndRenewedAgainInTheSameTick() {
        DefaultPermit p = held("a", "e1");
        clock.advanceMillis(1_000);
        last().complete(new RenewResult(0, Duration.ZERO, List.of("a"), 0, "", true, false));
        assertThat(recoveries).singleElement().satisfies(e -> assertThat(e.wasDeleted()).isFalse());
        assertThat(calls).hasSize(2); // no time passed
        last().complete(new RenewResult(5_000, LEASE, List.of(), 1, "e2", false, false));
        assertThat(lost).isEmpty();
        assertThat(p.epoch()).isEqualTo("e2");
    }

    @Test
    void aLimitNotDefinedHereThatVanishedLosesItsPermits() {
        recoverable = false;
        DefaultPermit p = held("a", "e1");
        clock.advanceMillis(1_000);
        last().complete(new RenewResult(0, Duration.ZERO, List.of("a"), 0, "", true, false));
        assertThat(calls).hasSize(1);
        assertThat(lost).containsExactly(p);
    }

    @Test
    void aDeletedLimitIsNeverDefinedAgainAndEveryPermitIsLost() {
        DefaultPermit a = held("a", "e1");
        DefaultPermit b = held("b", "e1");
        clock.advanceMillis(1_000);
        last().complete(new RenewResult(0, Duration.ZERO, List.of("a", "b"), 0, "", true, true));
        assertThat(deletions).isEqualTo(1);
        assertThat(recoveries).isEmpty(); // never defined again
        assertThat(calls).hasSize(1);
        assertThat(lost).containsExactlyInAnyOrder(a, b);
        clock.advanceMillis(5_000);
        assertThat(calls).hasSize(1); // nothing left to renew
    }

    @Test
    void whileRenewalsFailAPermitIsLostOnceItsLeaseRanOutByLocalTime() {
        DefaultPermit p = held("a", "e1");
        for (int tick = 1; tick <= 2; tick++) {
            clock.advanceMillis(1_000);
            last().completeExceptionally(new LimiterUnavailableException("down", null));
        }
        assertThat(renewer.isFailing()).isTrue();
        assertThat(lost).isEmpty();
        assertThat(p.isValid()).isTrue();
        clock.advanceMillis(1_000); // 3 s: the lease has run out locally
        last().completeExceptionally(new LimiterUnavailableException("down", null));
        assertThat(p.isValid()).isFalse();
        assertThat(lost).containsExactly(p);
    }
}
