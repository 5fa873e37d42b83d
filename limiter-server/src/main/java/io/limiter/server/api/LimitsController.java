package io.limiter.server.api;

import io.limiter.core.LimitNames;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.server.api.Views.LimitDetail;
import io.limiter.server.api.Views.LimitSummary;
import io.limiter.server.config.LimiterServerConfig;
import io.limiter.server.ops.LimitSampler;
import io.limiter.server.redis.RedisConnection;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Manage limits and see their live state. Every method is non-blocking; names are checked before any key. */
@Controller("/api/limits")
@Tag(name = "limits")
public class LimitsController {
    private final LimitStore store;
    private final LimitSampler sampler;
    private final int maxHolders;

    public LimitsController(RedisConnection redis, LimitSampler sampler, LimiterServerConfig config) {
        this.store = redis.store();
        this.sampler = sampler;
        this.maxHolders = config.getMaxHolders();
    }

    @Get
    @Operation(summary = "Every limit with its policy and a state summary",
            description = "A limit whose data in Redis cannot be read is listed with only its name and an 'error'; "
                    + "the others are served as usual.")
    @ApiResponse(responseCode = "200", description = "The limits, by name")
    @ApiResponse(responseCode = "503", description = "Redis is unreachable",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletableFuture<List<LimitSummary>> list() {
        return store.listing(0).thenApply(l -> {
            List<LimitSummary> out = new ArrayList<>(l.states().size() + l.unreadable().size());
            l.states().forEach(st -> out.add(LimitSummary.of(st)));
            l.unreadable().forEach(e -> out.add(LimitSummary.unreadable(e)));
            out.sort(Comparator.comparing(LimitSummary::name));
            return out;
        });
    }

    @Get("/{name}")
    @Operation(summary = "One limit: policy and full live state (holders, tokens, counters, recent rates)")
    @ApiResponse(responseCode = "200", description = "The limit")
    @ApiResponse(responseCode = "400", description = "The name breaks the naming rule",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "No such limit",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "The limit's data in Redis cannot be read (replace or delete it)",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletableFuture<LimitDetail> get(@PathVariable String name) {
        LimitNames.requireValidName(name);
        return store.state(name, maxHolders).thenApply(s -> LimitDetail.of(
                s.orElseThrow(() -> new UnknownLimitException(name)),
                sampler.recent(name, Duration.ofMinutes(1)).orElse(null)));
    }

    @Put(uri = "/{name}", consumes = MediaType.APPLICATION_JSON)
    @Operation(summary = "Create (201) or replace (200) a limit's policy",
            description = "Body: the policy's fields (listed with their rules by GET /api/schema), e.g. "
                    + "{\"permits\": 10, \"lease\": \"30s\", \"rate\": 100, \"period\": \"1s\", \"burst\": 20, "
                    + "\"quota\": 100000, \"window\": \"day\", \"zone\": \"Europe/Berlin\"}; any combination of parts. A "
                    + "quota keeps its count unless its window or zone changes. A rate change keeps the current token level; fewer "
                    + "permits let current holders finish and admit no one new until usage is under the new cap.")
    @SecurityRequirement(name = "bearer")
    @ApiResponse(responseCode = "201", description = "Created")
    @ApiResponse(responseCode = "200", description = "Replaced")
    @ApiResponse(responseCode = "400", description = "Bad name, field, number, duration or JSON",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "No bearer token")
    @ApiResponse(responseCode = "403", description = "Wrong bearer token")
    public CompletableFuture<HttpResponse<Map<String, Object>>> put(@PathVariable String name, HttpHeaders headers,
            @Body @Schema(type = "object", description = "The policy's fields, see GET /api/schema")
            @Nullable byte[] body) {
        LimitNames.requireValidName(name);
        PolicyBody.requireJson(headers.getAll(HttpHeaders.CONTENT_TYPE));
        LimitPolicy policy = PolicyBody.parse(body);
        return store.replacePolicy(name, policy).thenApply(r -> HttpResponse
                .status(r.existed() ? HttpStatus.OK : HttpStatus.CREATED).body(Views.policy(policy)));
    }

    @Delete("/{name}")
    @Operation(summary = "Remove a limit's policy and all its state")
    @SecurityRequirement(name = "bearer")
    @ApiResponse(responseCode = "204", description = "Removed")
    @ApiResponse(responseCode = "400", description = "Bad name, or one of the server's own limits (limiter-admin-*)",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "No such limit",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletableFuture<HttpResponse<Void>> delete(@PathVariable String name) {
        LimitNames.requireValidName(name);
        if (name.startsWith(Messages.RESERVED_PREFIX)) {
            // Deleted (a tombstone), the server's own caps would answer 503 to every capped read until its restart.
            throw new LimiterValidationException("name", name, Messages.RESERVED_NAME_RULE);
        }
        return store.delete(name).thenApply(existed -> {
            if (!existed) {
                throw new UnknownLimitException(name);
            }
            return HttpResponse.noContent();
        });
    }

    @Delete("/{name}/permits/{permitId}")
    @Operation(summary = "Force-release a stuck permit", description = "Its holder's next renewal reports the "
            + "lease lost (Permit.isValid() becomes false).")
    @SecurityRequirement(name = "bearer")
    @ApiResponse(responseCode = "204", description = "Released")
    @ApiResponse(responseCode = "404", description = "No such limit, or the permit is not held",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletableFuture<HttpResponse<Void>> forceRelease(@PathVariable String name,
            @PathVariable String permitId) {
        LimitNames.requireValidName(name);
        if (permitId.isEmpty() || permitId.length() > 128) {
            throw new LimiterValidationException("permitId", permitId, "be 1 to 128 characters long");
        }
        return store.release(name, permitId, true).thenCompose(released -> {
            if (released) {
                return CompletableFuture.completedFuture(HttpResponse.<Void>noContent());
            }
            return store.state(name, 0).thenApply(s -> {
                if (s.isEmpty()) {
                    throw new UnknownLimitException(name);
                }
                throw new NotFoundException("permit '" + permitId + "' is not held on limit '" + name + "'");
            });
        });
    }
}
