package io.limiter.server.api;

/** Something the request names does not exist (a permit that is not held, a limit that is not defined). */
public class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
