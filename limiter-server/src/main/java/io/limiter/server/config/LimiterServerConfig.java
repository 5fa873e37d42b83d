package io.limiter.server.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.time.Duration;

/**
 * The admin server's settings, under {@code limiter.*} (environment variables {@code LIMITER_*} map onto them,
 * e.g. {@code LIMITER_REDIS_URI}, {@code LIMITER_ADMIN_TOKEN}, {@code LIMITER_KEY_PREFIX}).
 */
@ConfigurationProperties(LimiterServerConfig.PREFIX)
public class LimiterServerConfig {
    public static final String PREFIX = "limiter";

    private String redisUri;
    private String adminToken;
    private String keyPrefix = "limiter";
    private boolean protectReads;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration commandTimeout = Duration.ofSeconds(2);
    private Duration sampleInterval = Duration.ofSeconds(1);
    private Duration streamKeepAlive = Duration.ofSeconds(10);
    private int maxHolders = 1000;

    /** Redis to use; unset = development mode with an embedded Redis. */
    @Nullable
    public String getRedisUri() {
        return redisUri;
    }

    public void setRedisUri(@Nullable String redisUri) {
        this.redisUri = redisUri == null || redisUri.isBlank() ? null : redisUri.trim();
    }

    /** Bearer token required for writes; unset = generated at start and printed once. */
    @Nullable
    public String getAdminToken() {
        return adminToken;
    }

    public void setAdminToken(@Nullable String adminToken) {
        this.adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken.trim();
    }

    /** First part of every Redis key; must match what the clients use. */
    public String getKeyPrefix() {
        return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /** Require the token for reads too. */
    public boolean isProtectReads() {
        return protectReads;
    }

    public void setProtectReads(boolean protectReads) {
        this.protectReads = protectReads;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    /** How often limit state is read for metrics (one read of all limits per tick). */
    public Duration getSampleInterval() {
        return sampleInterval;
    }

    public void setSampleInterval(Duration sampleInterval) {
        this.sampleInterval = sampleInterval;
    }

    /**
     * How often an open dashboard stream gets a {@code keep-alive} event when nothing else was sent, so a quiet
     * stream is not closed as idle ({@code micronaut.server.idle-timeout}, 30 s); keep it below that.
     */
    public Duration getStreamKeepAlive() {
        return streamKeepAlive;
    }

    public void setStreamKeepAlive(Duration streamKeepAlive) {
        this.streamKeepAlive = streamKeepAlive;
    }

    /** An instance not heard from for this long is no longer listed. */

    /** At most this many holders are listed per limit. */
    public int getMaxHolders() {
        return maxHolders;
    }

    public void setMaxHolders(int maxHolders) {
        this.maxHolders = maxHolders;
    }
}
