package io.limiter.server;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test-only: records the URI of every dashboard stream request (to see whether a token rode in the query). */
@ServerFilter("/api/limits/stream")
@Requires(property = "test.stream-request-log", value = "true")
public class StreamRequestLog {
    private final List<String> uris = new CopyOnWriteArrayList<>();

    @RequestFilter
    public void record(HttpRequest<?> request) {
        uris.add(request.getUri().toString());
    }

    List<String> uris() {
        return List.copyOf(uris);
    }
}
