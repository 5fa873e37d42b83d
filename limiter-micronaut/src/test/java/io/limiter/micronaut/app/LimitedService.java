package io.limiter.micronaut.app;

import io.limiter.micronaut.Limited;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Annotated methods for {@code LimitedIT}. */
@Singleton
public class LimitedService {

    /** Holds its permit until {@code release} opens (or 10 s). */
    @Limited("m-block")
    public String block(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        entered.countDown();
        release.await(10, TimeUnit.SECONDS);
        return "done";
    }

    @Limited(value = "m-block", timeout = "2s")
    public String blockWaiting() {
        return "waited";
    }

    @Limited("m-block")
    public String blockFails() {
        throw new IllegalStateException("boom");
    }

    /** Completes when {@code result} does. */
    @Limited("m-async")
    public CompletableFuture<String> async(CompletableFuture<String> result) {
        return result;
    }

    /** Emits what {@code source} emits. */
    @Limited("m-reactive")
    public Flux<String> flux(Flux<String> source) {
        return source;
    }

    @Limited("m-reactive")
    public Mono<String> mono(Mono<String> source) {
        return source;
    }

    /** Takes m-a (weight 2) then m-b, whatever the order written: both or neither. */
    @Limited("m-b")
    @Limited(value = "m-a", weight = 2)
    public String both() {
        return "both";
    }
}
