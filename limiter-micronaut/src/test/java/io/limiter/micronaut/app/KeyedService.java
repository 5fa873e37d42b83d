package io.limiter.micronaut.app;

import io.limiter.micronaut.Limited;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;

/** Methods of keyed limits for {@code KeyedLimitsIT}. */
@Singleton
public class KeyedService {

    /** A cap per tenant argument. */
    @Limited(value = "m-tenant", key = "arg:tenant")
    public String byArg(String tenant) {
        return "tenant " + tenant;
    }

    /** The same, for a stage: a key without a value fails the stage, not the caller. */
    @Limited(value = "m-tenant", key = "arg:tenant")
    public CompletableFuture<String> byArgAsync(String tenant) {
        return CompletableFuture.completedFuture("tenant " + tenant);
    }

    /** A cap per value of the current request's X-Tenant header. */
    @Limited(value = "m-header", key = "header:X-Tenant")
    public String byHeader() {
        return "header";
    }
}
