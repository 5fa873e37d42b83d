package io.limiter.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.UnknownLimitException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** "The limit vanished": defined again only if this client defined it and no operator deleted it. */
class LimitRecoveryTest {
    private static final LimitPolicy MINE = LimitPolicy.builder().concurrency(3).build();

    private LimitPolicy defined = MINE;
    private final List<LimitPolicy> definedAgain = new ArrayList<>();
    private CompletableFuture<?> defineAnswer = CompletableFuture.completedFuture(null);

    private final LimitRecovery recovery = new LimitRecovery("l", new LimitRecovery.Host() {
        @Override
        public Optional<LimitPolicy> definedPolicy() {
            return Optional.ofNullable(defined);
        }

        @Override
        public CompletableFuture<?> defineAgain(LimitPolicy policy) {
            definedAgain.add(policy);
            return defineAnswer;
        }

        @Override
        public boolean forget() {
            boolean had = defined != null;
            defined = null;
            return had;
        }
    });

    @Test
    void aLostLimitThisClientDefinedIsDefinedAgainWithItsPolicyAndMayBeRetried() {
        assertThat(recovery.onMissing(new UnknownLimitException("l")).join()).isEmpty();
        assertThat(definedAgain).containsExactly(MINE);
        assertThat(defined).isSameAs(MINE);
    }

    @Test
    void aLostLimitThisClientDidNotDefineStaysGone() {
        defined = null;
        UnknownLimitException missing = new UnknownLimitException("l");
        assertThat(recovery.onMissing(missing).join()).containsSame(missing);
        assertThat(definedAgain).isEmpty();
    }

    @Test
    void aDeletedLimitIsForgottenAndNeverDefinedAgain() {
        UnknownLimitException deleted = new UnknownLimitException("l", true);
        assertThat(recovery.onMissing(deleted).join()).containsSame(deleted);
        assertThat(definedAgain).isEmpty();
        assertThat(defined).isNull();
        assertThat(recovery.onMissing(new UnknownLimitException("l")).join()).isPresent();
        assertThat(definedAgain).as("forgotten: a later loss is not recovered either").isEmpty();
    }

    @Test
    void aDeleteThatRacesTheRedefinitionWinsAndIsForgotten() {
        UnknownLimitException tombstone = new UnknownLimitException("l", true);
        defineAnswer = CompletableFuture.failedFuture(tombstone);
        assertThat(recovery.onMissing(new UnknownLimitException("l")).join()).containsSame(tombstone);
        assertThat(defined).isNull();
    }

    @Test
    void aFailedRedefinitionReportsTheLimitMissingAndKeepsTheDefinition() {
        defineAnswer = CompletableFuture.failedFuture(new LimiterUnavailableException("down", null));
        UnknownLimitException missing = new UnknownLimitException("l");
        assertThat(recovery.onMissing(missing).join()).containsSame(missing);
        assertThat(defined).as("tried again on the next loss").isSameAs(MINE);
    }

    @Test
    void aDeleteSeenByARenewalForgetsTheDefinition() {
        recovery.deleted();
        assertThat(defined).isNull();
    }
}
