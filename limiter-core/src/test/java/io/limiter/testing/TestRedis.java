package io.limiter.testing;

/** A real Redis for tests, shared by the test JVM. Never flush it: use unique names or your own key prefix. */
public interface TestRedis {
    /** The URI to connect to, e.g. {@code redis://127.0.0.1:41234}. */
    String uri();

    /** Where it came from: environment, Testcontainers, redis-server process or embedded binary. */
    String source();
}
