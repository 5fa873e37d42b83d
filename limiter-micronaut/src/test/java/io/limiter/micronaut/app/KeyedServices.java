package io.limiter.micronaut.app;

import io.limiter.micronaut.Limited;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/** Beans with keys, present only in the environments of the startup-failure tests. */
public final class KeyedServices {
    private KeyedServices() {
    }

    /** A key naming a parameter the method does not have. */
    @Singleton
    @Requires(env = "bad-key")
    public static class BadKey {
        @Limited(value = "m-key", key = "arg:nope")
        public String work(String tenant) {
            return tenant;
        }
    }

    /** A kind of key there is none of. */
    @Singleton
    @Requires(env = "bad-kind")
    public static class BadKind {
        @Limited(value = "m-key", key = "cookie:session")
        public String work(String tenant) {
            return tenant;
        }
    }

    /** A bad timeout. */
    @Singleton
    @Requires(env = "bad-timeout")
    public static class BadTimeout {
        @Limited(value = "m-key", timeout = "soon")
        public String work() {
            return "x";
        }
    }
}
