package io.limiter.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that drives a real Chromium: it runs where {@link Chromium#BINARY} and {@link Chromium#DRIVER}
 * exist, is skipped with one line saying how to enable it where they do not, and fails without them when browser
 * tests are required ({@code CI=true}, as {@code .ci/run} runs, or {@code -Dlimiter.browser-tests=required}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(BrowserTestCondition.class)
@interface BrowserTest {
}
