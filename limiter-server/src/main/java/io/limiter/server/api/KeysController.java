package io.limiter.server.api;

import io.limiter.core.LimitKeys;
import io.limiter.core.LimitNames;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.internal.redis.KeyOverrides;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LimitState;
import io.limiter.server.api.Views.KeyDetail;
import io.limiter.server.api.Views.OverridePage;
import io.limiter.server.api.Views.OverrideView;
import io.limiter.server.config.LimiterServerConfig;
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
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The keys of keyed limits: a key's live state, force release of its permits, and overrides (a key's own policy in
 * place of its limit's). A key in the path is decoded text (percent-encoded UTF-8; a {@code /} in a key is sent as
 * {@code %2F}). Every request checks, in this order: the limit's name, the key (field {@code key}), that the limit is
 * defined (404) and that it is keyed (400, field {@code key}). Every method is non-blocking.
 */
@Controller("/api/limits/{name}")
@Tag(name = "keys")
public class KeysController {
    /** Overrides listed per page when the request does not say. */
    static final int DEFAULT_PAGE = 100;

    private final LimitStore store;
    private final int maxHolders;

    public KeysController(RedisConnection redis, LimiterServerConfig config) {
        this.store = redis.store();
        this.maxHolders = config.getMaxHolders();
    }

    @Get("/keys/{key}")
    @Operation(summary = "One key of a keyed limit: its live state, or an idle view (nothing in use, full) when it "
            + "has none", description = "The policy shown is the one the key is under: its override, if it has one "
            + "('overridden': true), else its limit's. 'idle': true when Redis holds no state for the key.")
    @ApiResponse(responseCode = "200", description = "The key")
    @ApiResponse(responseCode = "400", description = "Bad name or key, or the limit is not keyed (field 'key')",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "No such limit",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletableFuture<KeyDetail> key(@PathVariable String name, @PathVariable String key) {
        String keyName = keyName(name, key);
        return family(name, key).thenCompose(family -> {
            CompletableFuture<Optional<LimitState>> state = store.state(keyName, maxHolders);
            CompletableFuture<Optional<LimitPolicy>> override = store.overrides().get(name, key);
            return state.thenCombine(override, (s, o) -> s.isPresent()
                    ? KeyDetail.of(name, key, s.get(), o.isPresent(), false)
                    : KeyDetail.of(name, key, idle(keyName, o.orElse(family.policy()), family), o.isPresent(),
                            true));
        });
    }

    @Delete("/keys/{key}/permits/{permitId}")
    @Operation(summary = "Force-release a stuck permit of one key of a keyed limit",
            description = "Its holder's next renewal reports the lease lost (Permit.isValid() becomes false).")
    @SecurityRequirement(name = "bearer")
    @ApiResponse(responseCode = "204", description = "Released")
    @ApiResponse(responseCode = "400", description = "Bad name, key or permit id, or the limit is not keyed",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "No such limit, or the permit is not held by the key",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletableFuture<HttpResponse<Void>> forceRelease(@PathVariable String name, @PathVariable String key,
            @PathVariable String permitId) {
        String keyName = keyName(name, key);
        if (permitId.isEmpty() || permitId.length() > 128) {
            throw new LimiterValidationException("permitId", permitId, "be 1 to 128 characters long");
        }
        return family(name, key).thenCompose(f -> store.release(keyName, permitId, true)).thenApply(released -> {
            if (!released) {
                throw new NotFoundException("permit '" + permitId + "' is not held on key '" + key + "' of limit '"
                        + name + "'");
            }
            return HttpResponse.noContent();
        });
    }

    @Get("/overrides")
    @Operation(summary = "The overrides of a keyed limit, a page at a time in key order",
            description = "'next' is the cursor for the next page (pass it as 'after'); absent on the last page. "
                    + "'total' counts every override of the limit.")
    @ApiResponse(responseCode = "200", description = "A page of overrides")
    @ApiResponse(responseCode = "400", description = "Bad name, 'after' key or 'limit' (1 to 500), or the limit is "
            + "not keyed", content = @Content(mediaType = Problem.CONTENT_TYPE,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "No such limit",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletableFuture<OverridePage> overrides(@PathVariable String name,
            @QueryValue @Nullable @Schema(description = "List the keys after this one (the previous page's 'next')")
            String after,
            @QueryValue @Nullable @Schema(description = "How many, 1 to 500 (default 100)") String limit) {
        LimitNames.requireValidName(name);
        if (after != null) {
            LimitKeys.requireValidKey(after);
        }
        int count = count(limit);
        return family(name, after).thenCompose(f -> store.overrides().page(name, after, count))
                .thenApply(OverridePage::of);
    }

    @Put(uri = "/keys/{key}/override", consumes = MediaType.APPLICATION_JSON)
    @Operation(summary = "Give one key of a keyed limit its own policy (created 201, replaced 200)",
            description = "Body: a policy, as for PUT /api/limits/{name}. The key's next call applies it; its state "
                    + "follows as on a replace. Kept until removed, even while the key is idle. A limit has at most "
                    + KeyOverrides.MAX_PER_LIMIT + " overrides.")
    @SecurityRequirement(name = "bearer")
    @ApiResponse(responseCode = "201", description = "Created")
    @ApiResponse(responseCode = "200", description = "Replaced")
    @ApiResponse(responseCode = "400", description = "Bad name, key, field, number, duration or JSON; the limit is "
            + "not keyed; or it has the most overrides already",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "No bearer token")
    @ApiResponse(responseCode = "403", description = "Wrong bearer token")
    @ApiResponse(responseCode = "404", description = "No such limit",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletableFuture<HttpResponse<OverrideView>> putOverride(@PathVariable String name,
            @PathVariable String key, HttpHeaders headers,
            @Body @Schema(type = "object", description = "The policy's fields, see GET /api/schema")
            @Nullable byte[] body) {
        keyName(name, key);
        PolicyBody.requireJson(headers.getAll(HttpHeaders.CONTENT_TYPE));
        LimitPolicy policy = PolicyBody.parse(body);
        return family(name, key).thenCompose(f -> store.overrides().set(name, key, policy))
                .thenApply(replaced -> HttpResponse.status(replaced ? HttpStatus.OK : HttpStatus.CREATED)
                        .body(OverrideView.of(key, policy)));
    }

    @Delete("/keys/{key}/override")
    @Operation(summary = "Remove one key's override: the key is under its limit's policy again from its next call")
    @SecurityRequirement(name = "bearer")
    @ApiResponse(responseCode = "204", description = "Removed")
    @ApiResponse(responseCode = "400", description = "Bad name or key, or the limit is not keyed",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "No such limit, or the key has no override",
            content = @Content(mediaType = Problem.CONTENT_TYPE, schema = @Schema(implementation = Problem.class)))
    public CompletableFuture<HttpResponse<Void>> deleteOverride(@PathVariable String name, @PathVariable String key) {
        keyName(name, key);
        return family(name, key).thenCompose(f -> store.overrides().remove(name, key)).thenApply(had -> {
            if (!had) {
                throw new NotFoundException("key '" + key + "' of limit '" + name + "' has no override");
            }
            return HttpResponse.noContent();
        });
    }

    /** Checks the name and the key; the key's name in Redis. */
    private static String keyName(String name, String key) {
        LimitNames.requireValidName(name);
        return LimitKeys.nameOf(name, key);
    }

    /**
     * The keyed limit's state (no holders). Fails with {@link UnknownLimitException} when it is not defined, and with
     * {@link LimiterValidationException} naming {@code key} (or, without a key, {@code name}) when it is not keyed.
     */
    private CompletableFuture<LimitState> family(String name, @Nullable String key) {
        return store.state(name, 0).thenApply(s -> {
            LimitState family = s.orElseThrow(() -> new UnknownLimitException(name));
            if (!family.policy().keyed()) {
                throw key == null ? new LimiterValidationException("name", name, Messages.KEYED_RULE)
                        : new LimiterValidationException("key", key, Messages.notKeyed(name));
            }
            return family;
        });
    }

    /** A key without state: nothing held or used, a full bucket, the whole quota, read at the family's read. */
    private static LimitState idle(String keyName, LimitPolicy policy, LimitState family) {
        return new LimitState(keyName, policy, family.readAt(), 0, policy.hasRate() ? policy.burst() : Double.NaN,
                List.of(), 0, Map.of(), 0, 0,
                policy.hasQuota() ? policy.window().spanAt(family.readAt(), policy.zone()).end() : null);
    }

    private static int count(@Nullable String limit) {
        if (limit == null) {
            return DEFAULT_PAGE;
        }
        int n;
        try {
            n = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            throw new LimiterValidationException("limit", limit, "be a whole number between 1 and "
                    + KeyOverrides.MAX_PAGE);
        }
        if (n < 1 || n > KeyOverrides.MAX_PAGE) {
            throw new LimiterValidationException("limit", n, "be between 1 and " + KeyOverrides.MAX_PAGE);
        }
        return n;
    }
}
