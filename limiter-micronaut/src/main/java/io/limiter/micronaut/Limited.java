package io.limiter.micronaut;

import io.micronaut.aop.Around;
import io.micronaut.aop.InterceptorBinding;
import io.micronaut.context.annotation.Executable;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated bean method under a permit of a cluster-wide limit:
 *
 * <pre>{@code
 * @Limited(value = "payments", timeout = "5s")           // wait up to 5 s, else LimiterTimeoutException
 * public Receipt pay(Order order) { ... }
 *
 * @Limited(value = "tenant-calls", key = "arg:tenant")    // a keyed limit: a cap per tenant
 * public Report report(String tenant) { ... }
 *
 * @Limited("reports") @Limited(value = "exports", weight = 2)   // both or neither, acquired in name order
 * public CompletableFuture<File> export(Query q) { ... }
 * }</pre>
 *
 * <ul>
 *   <li>Blocking methods hold the permit for the call (the calling thread waits for it).</li>
 *   <li>{@link java.util.concurrent.CompletionStage} results hold it until the stage completes (or the returned
 *       future is cancelled); the acquire itself does not block the caller.</li>
 *   <li>Reactive Streams {@link org.reactivestreams.Publisher} results (Reactor {@code Mono}/{@code Flux}, ...) take
 *       it when subscribed and hold it until completion, error or cancellation.</li>
 * </ul>
 *
 * Several {@code @Limited} on one method are acquired in the order of their limit names (so two methods never
 * deadlock on each other), all or none: if one cannot be had, those already taken are released. When no permit
 * comes in time the method is not called and the caller gets {@link io.limiter.core.LimiterTimeoutException}
 * (thrown, or as the stage's / publisher's error); Redis errors surface as the client's exceptions. Every
 * annotation is checked at startup: a bad name, weight, timeout or key fails the application's start with a
 * message naming the method and the member.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(Limited.List.class)
@Around
@InterceptorBinding
@Executable(processOnStartup = true)
public @interface Limited {

    /** The limit's name ({@code [A-Za-z0-9._:-]{1,128}}); it must be defined (declared, or by an operator). */
    String value();

    /** How many permits (and tokens) one call counts for; at least 1. */
    int weight() default 1;

    /**
     * How long a call may wait for its permit, as {@code 500ms}, {@code 5s}, {@code 2m} or ISO-8601; {@code 0}
     * (the default) tries once and never waits.
     */
    String timeout() default "0";

    /**
     * For a keyed limit (one cap per tenant, user, API key), where each call's key comes from:
     * {@code arg:<parameter>} (the argument's {@code toString()}), {@code header:<name>} (the header's first value
     * in the current HTTP request) or {@code principal} (the current request's user name). No expressions: these
     * three lookups only. Default "": the limit is taken by name. A call whose key has no value (a null argument,
     * no such header, no request in progress, no principal) or is not a valid key (1 to 256 bytes of UTF-8, no
     * control characters) does not run and fails with {@link io.limiter.core.LimiterValidationException} (field
     * {@code key}), thrown or as the stage's / publisher's error.
     */
    String key() default "";

    /** Holder of several {@link Limited} on one method (written by the compiler). */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {
        /** The annotations. */
        Limited[] value();
    }
}
