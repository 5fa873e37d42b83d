package io.limiter.core.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Exception helpers shared by the limiter's modules. Not public API. */
public final class Exceptions {
    private Exceptions() {
    }

    /** Strips {@link CompletionException} and {@link ExecutionException} wrappers to the real cause. */
    public static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
