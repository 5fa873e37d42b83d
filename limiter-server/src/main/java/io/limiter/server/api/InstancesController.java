package io.limiter.server.api;

import io.limiter.core.internal.redis.LimitStore;
import io.limiter.server.api.Views.InstanceView;
import io.limiter.server.redis.RedisConnection;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Client instances seen recently (from their heartbeats). */
@Controller("/api/instances")
@Tag(name = "instances")
public class InstancesController {
    private final LimitStore store;

    public InstancesController(RedisConnection redis) {
        this.store = redis.store();
    }

    @Get
    @Operation(summary = "Client instances seen recently: id, host, pid, permits held, last seen")
    @ApiResponse(responseCode = "200", description = "Most recently seen first")
    public CompletableFuture<List<InstanceView>> list() {
        return store.instances().thenApply(l -> l.stream().map(InstanceView::of).toList());
    }
}
