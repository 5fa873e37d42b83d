package io.limiter.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.redis.RedisBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The limit's pub/sub channel: one subscription (again after a failure), and which waiter each message wakes. */
class LimitChannelTest {
    private final List<CompletableFuture<RedisBackend.Subscription>> subscriptions = new ArrayList<>();
    private final List<Consumer<String>> listeners = new ArrayList<>();
    private final List<String> wokenTickets = new ArrayList<>();
    private int wakeOnes;
    private int closed;

    private final LimitChannel channel = new LimitChannel("host:42", listener -> {
        listeners.add(listener);
        CompletableFuture<RedisBackend.Subscription> f = new CompletableFuture<>();
        subscriptions.add(f);
        return f;
    }, () -> wakeOnes++, wokenTickets::add);

    @Test
    void subscribesOnceAndAgainOnlyAfterAFailure() {
        CompletableFuture<RedisBackend.Subscription> first = channel.subscription();
        assertThat(channel.subscription()).isSameAs(first);
        assertThat(subscriptions).hasSize(1);

        first.completeExceptionally(new LimiterUnavailableException("down", null));
        CompletableFuture<RedisBackend.Subscription> second = channel.subscription();
        assertThat(second).isNotSameAs(first);
        assertThat(subscriptions).hasSize(2);
    }

    @Test
    void aTicketMessageWakesThatTicketOnlyOnItsOwnersInstance() {
        channel.subscription();
        Consumer<String> deliver = listeners.get(0);
        deliver.accept("w|host:42|abc");
        deliver.accept("w|host:43|def");
        assertThat(wokenTickets).containsExactly("abc");
        assertThat(wakeOnes).isZero();
    }

    @Test
    void anyOtherMessageWakesOneLocalWaiter() {
        channel.subscription();
        Consumer<String> deliver = listeners.get(0);
        deliver.accept("3"); // freed weight
        deliver.accept(""); // the backend's "messages may have been missed" after a reconnect
        assertThat(wakeOnes).isEqualTo(2);
        assertThat(wokenTickets).isEmpty();
    }

    @Test
    void closeClosesTheSubscriptionOnceItIsUp() {
        channel.close(); // never subscribed: nothing to close
        CompletableFuture<RedisBackend.Subscription> s = channel.subscription();
        channel.close();
        assertThat(closed).isZero();
        s.complete(() -> closed++);
        assertThat(closed).isEqualTo(1);
    }
}
