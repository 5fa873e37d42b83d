package io.limiter.server;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The condition behind {@link BrowserTest}: evaluated before the class's server or browser starts. */
final class BrowserTestCondition implements ExecutionCondition {
    static final String PROPERTY = "limiter.browser-tests";
    static final String SKIPPED = "browser tests skipped: no Chromium (" + Chromium.BINARY + ", " + Chromium.DRIVER
            + "); enable with: apt-get install -y --no-install-recommends chromium chromium-driver"
            + " (required under CI=true or -D" + PROPERTY + "=required)";
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (Chromium.installed()) {
            return ConditionEvaluationResult.enabled("Chromium found");
        }
        if (required()) {
            // Runs, so that Chromium.start() fails with what is missing.
            return ConditionEvaluationResult.enabled("browser tests are required");
        }
        if (ANNOUNCED.compareAndSet(false, true)) {
            System.out.println(SKIPPED);
        }
        return ConditionEvaluationResult.disabled(SKIPPED);
    }

    /** Browser tests are required under {@code CI=true} or {@code -Dlimiter.browser-tests=required}. */
    static boolean required() {
        return "required".equalsIgnoreCase(System.getProperty(PROPERTY))
                || "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
