package io.limiter.examples;

import io.limiter.client.LimitedExecutor;
import io.limiter.client.LimitedExecutor.OnFailure;
import io.limiter.client.LimitedExecutor.WhenFull;
import io.limiter.client.LimiterClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** The README's {@code LimitedExecutor} example (see {@link QuickStart} for how it is kept true). */
public final class TaskPool {
    record Order(int id) {
    }

    record Receipt(int order) {
    }

    private TaskPool() {
    }

    /** Orders paid so far: the example's effect, for its test. */
    static final AtomicInteger PAID = new AtomicInteger();

    static void run(LimiterClient client, List<Order> orders) throws Exception {
        Order order = orders.get(0);
        // README:begin
        try (LimitedExecutor pool = LimitedExecutor.builder(client.limiter("payments"))
                .queueCapacity(1_000).whenFull(WhenFull.BLOCK)          // or REJECT: RejectedExecutionException
                .acquireTimeout(Duration.ofMinutes(1))                 // default: wait as long as it takes
                .onExecuteFailure(e -> alert(e))                       // execute() failures; default: a WARN log
                .build()) {
            CompletableFuture<Receipt> r = pool.submit(() -> pay(order));        // result or error in the future
            pool.execute(() -> audit(order));
            List<Receipt> all = pool.map(orders, o -> pay(o));                   // results in order
            pool.forEach(orders, o -> pay(o), OnFailure.CANCEL_REST);            // errgroup: first failure cancels the rest
            pool.awaitIdle(Duration.ofSeconds(30));                              // Wait()
            int running = pool.activeCount(), waiting = pool.queuedCount();       // dispatcher status; isIdle()
        }                                                                        // close() drains; shutdownNow() cancels queued
        // README:end
    }

    static Receipt pay(Order order) {
        PAID.incrementAndGet();
        return new Receipt(order.id());
    }

    static void audit(Order order) {
        // an audit record
    }

    static void alert(Throwable e) {
        throw new AssertionError("no execute() task fails in this example", e);
    }
}
