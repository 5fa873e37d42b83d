package io.limiter.client;

import io.limiter.core.LimiterException;

/**
 * A task run by {@link LimitedExecutor#map} or {@link LimitedExecutor#forEach} failed. The cause is the task's
 * own exception; failures of other tasks are attached as suppressed exceptions.
 */
public class TaskFailedException extends LimiterException {
    private static final long serialVersionUID = 1L;

    private final int index;

    public TaskFailedException(int index, int total, Throwable cause) {
        super("task " + index + " of " + total + " failed: " + cause, cause);
        this.index = index;
    }

    /** Position (0-based) of the first failed item. */
    public int index() {
        return index;
    }
}
