package io.limiter.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.LimiterTimeoutException;
import io.limiter.micronaut.app.LimitedService;
import io.limiter.testing.RedisExtension;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code @Limited} methods against a real Redis: held for the call, the stage or the subscription, released always. */
@ExtendWith(RedisExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitedIT implements TestPropertyProvider {
    private static final String PREFIX = TestSupport.uniquePrefix("limited");
    private static final Duration SOON = Duration.ofSeconds(5);

    @Inject
    LimitedService service;

    @Inject
    LimiterClient client;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>();
        TestSupport.clientProperties(PREFIX).forEach((k, v) -> p.put(k, String.valueOf(v)));
        for (String limit : new String[] {"m-block", "m-async", "m-reactive", "m-b"}) {
            p.put("limiter.client.limits." + limit + ".permits", "1");
        }
        p.put("limiter.client.limits.m-a.permits", "2");
        return p;
    }

    private int held(String limit) {
        return client.limiter(limit).heldCount();
    }

    private long inRedis(String limit) {
        return TestSupport.state(PREFIX, limit).permitsInUse();
    }

    @Test
    void aBlockingMethodHoldsItsPermitForTheCallAndReleasesOnException() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> {
            try {
                return service.block(entered, release);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(held("m-block")).isEqualTo(1);
        assertThat(inRedis("m-block")).isEqualTo(1);
        assertThatThrownBy(service::blockFails).isInstanceOf(LimiterTimeoutException.class)
                .hasMessage("no permit of weight 1 from limit 'm-block' within PT0S");
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(service::blockWaiting);
        Thread.sleep(300);
        assertThat(waiting).isNotDone();
        release.countDown();
        assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo("waited"); // it waited for the permit, then ran
        assertThatThrownBy(service::blockFails).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(held("m-block")).isZero();
        await().atMost(SOON).until(() -> inRedis("m-block") == 0);
    }

    @Test
    void aCompletionStageHoldsItsPermitUntilItFailsOrIsCancelled() throws Exception {
        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> result = service.async(inner);
        await().atMost(SOON).until(() -> held("m-async") == 1);
        assertThat(result).isNotDone();
        assertThatThrownBy(() -> service.async(new CompletableFuture<>()).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(LimiterTimeoutException.class);
        inner.completeExceptionally(new IllegalStateException("failed later"));
        assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("failed later");
        assertThat(held("m-async")).isZero();

        CompletableFuture<String> inner2 = new CompletableFuture<>();
        CompletableFuture<String> result2 = service.async(inner2);
        await().atMost(SOON).until(() -> held("m-async") == 1);
        result2.cancel(true);
        assertThat(held("m-async")).isZero();
        assertThat(inner2).isCancelled();
        await().atMost(SOON).until(() -> inRedis("m-async") == 0);

        CompletableFuture<String> ok = service.async(CompletableFuture.completedFuture("fine"));
        assertThat(ok.get(5, TimeUnit.SECONDS)).isEqualTo("fine");
        assertThat(held("m-async")).isZero();
    }

    @Test
    void aPublisherTakesItsPermitOnSubscribeAndReleasesOnErrorAndCancel() {
        Flux<String> never = service.flux(Flux.never());
        assertThat(held("m-reactive")).isZero(); // nothing until subscribed
        Disposable subscription = never.subscribe();
        await().atMost(SOON).until(() -> held("m-reactive") == 1);
        assertThatThrownBy(() -> service.mono(Mono.just("x")).block(SOON))
                .isInstanceOf(LimiterTimeoutException.class);
        subscription.dispose();
        await().atMost(SOON).until(() -> held("m-reactive") == 0);

        assertThatThrownBy(() -> service.flux(Flux.error(new IllegalStateException("stream broke"))).blockLast(SOON))
                .hasMessage("stream broke");
        assertThat(held("m-reactive")).isZero();

        assertThat(service.flux(Flux.just("a", "b")).collectList().block(SOON)).containsExactly("a", "b");
        assertThat(service.mono(Mono.just("x")).block(SOON)).isEqualTo("x");
        assertThat(held("m-reactive")).isZero();
        await().atMost(SOON).until(() -> inRedis("m-reactive") == 0);
    }

    @Test
    void severalLimitsAreTakenAllOrNone() {
        Permit taken = client.limiter("m-b").acquire(SOON);
        try {
            assertThatThrownBy(service::both).isInstanceOf(LimiterTimeoutException.class)
                    .hasMessage("no permit of weight 1 from limit 'm-b' within PT0S");
            assertThat(held("m-a")).isZero(); // m-a (acquired first, by name) was given back
            await().atMost(SOON).until(() -> inRedis("m-a") == 0);
        } finally {
            taken.close();
        }
        assertThat(service.both()).isEqualTo("both");
        assertThat(held("m-a")).isZero();
        assertThat(held("m-b")).isZero();
    }
}
