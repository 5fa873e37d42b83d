package io.limiter.core.internal.redis;

import java.util.List;
import java.util.Optional;

/**
 * What a fair limit's keep-alive answered.
 *
 * @param lost the tickets no longer queued
 * @param headIfRoom the first ticket in the queue if a permit is free for it now
 */
public record KeepAliveResult(List<String> lost, Optional<String> headIfRoom) {
}
