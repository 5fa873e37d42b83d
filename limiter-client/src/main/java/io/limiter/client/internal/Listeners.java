package io.limiter.client.internal;

import io.limiter.client.LimiterListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls every listener; one that throws is logged and does not disturb the client or the others. */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final List<LimiterListener> listeners;

    Listeners(List<LimiterListener> listeners) {
        this.listeners = listeners;
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    void fire(Consumer<LimiterListener> event) {
        for (LimiterListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("limiter listener {} failed", l, e);
            }
        }
    }
}
