package io.limiter.core.redis;

import io.lettuce.core.RedisURI;
import io.limiter.core.LimiterValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Redis URI forms {@link LettuceBackend} accepts, parsed into what Lettuce connects to, and their display form
 * without credentials. Messages name the field {@code redisUri} and never echo a password.
 */
final class LettuceUris {
    private static final String URI_RULE = "be redis://[:password@]host[:port][/database], rediss://..., "
            + "redis-sentinel://[:password@]host[:port][,host[:port]...][/database]#master or "
            + "redis-cluster://[:password@]host[:port][,host[:port]...] (rediss-cluster:// for TLS)";

    private LettuceUris() {
    }

    /** What a URI names: one server (standalone or via Sentinel) or a cluster's seed nodes. */
    record Target(boolean cluster, List<RedisURI> uris, String display) {
    }

    static Target target(String redisUri) {
        Objects.requireNonNull(redisUri, "redisUri");
        int colon = redisUri.indexOf("://");
        String scheme = colon < 0 ? "" : redisUri.substring(0, colon);
        switch (scheme) {
            case "redis", "rediss", "redis-sentinel", "rediss-sentinel" -> {
                boolean sentinel = scheme.endsWith("sentinel");
                int hash = redisUri.indexOf('#');
                if (sentinel && (hash < 0 || hash == redisUri.length() - 1)) {
                    throw invalid(redisUri, URI_RULE + " (a Sentinel URI must name the master after '#')");
                }
                RedisURI uri = lettuceUri(redisUri, redisUri);
                if (!sentinel && (uri.getHost() == null || uri.getHost().isEmpty())) {
                    throw invalid(redisUri, URI_RULE);
                }
                return new Target(false, List.of(uri), redact(uri));
            }
            case "redis-cluster", "rediss-cluster" -> {
                return clusterTarget(redisUri, scheme.startsWith("rediss") ? "rediss" : "redis");
            }
            default -> throw invalid(redisUri, URI_RULE);
        }
    }

    private static Target clusterTarget(String redisUri, String nodeScheme) {
        String rest = redisUri.substring(redisUri.indexOf("://") + 3);
        int at = rest.lastIndexOf('@');
        String userInfo = at < 0 ? "" : rest.substring(0, at + 1);
        String afterUser = rest.substring(at + 1);
        int end = afterUser.length();
        for (int i = 0; i < afterUser.length(); i++) {
            if (afterUser.charAt(i) == '/' || afterUser.charAt(i) == '?') {
                end = i;
                break;
            }
        }
        String hosts = afterUser.substring(0, end);
        String tail = afterUser.substring(end);
        String query = tail.contains("?") ? tail.substring(tail.indexOf('?')) : "";
        String database = tail.contains("?") ? tail.substring(0, tail.indexOf('?')) : tail;
        if (!database.isEmpty() && !database.equals("/") && !database.equals("/0")) {
            throw invalid(redisUri, URI_RULE + " (Redis Cluster has only database 0)");
        }
        if (hosts.isBlank()) {
            throw invalid(redisUri, URI_RULE + " (name at least one seed node)");
        }
        List<RedisURI> seeds = new ArrayList<>();
        StringBuilder display = new StringBuilder(nodeScheme + "-cluster://");
        for (String host : hosts.split(",")) {
            if (host.isBlank()) {
                throw invalid(redisUri, URI_RULE + " (empty seed node)");
            }
            RedisURI seed = lettuceUri(nodeScheme + "://" + userInfo + host.strip() + query, redisUri);
            if (seed.getHost() == null || seed.getHost().isEmpty()) {
                throw invalid(redisUri, URI_RULE);
            }
            seeds.add(seed);
            display.append(seeds.size() > 1 ? "," : "").append(seed.getHost()).append(':').append(seed.getPort());
        }
        return new Target(true, List.copyOf(seeds), display.toString());
    }

    private static RedisURI lettuceUri(String text, String original) {
        try {
            return RedisURI.create(text);
        } catch (IllegalArgumentException e) {
            throw invalid(original, URI_RULE + " (" + redactText(String.valueOf(e.getMessage())) + ")");
        }
    }

    private static LimiterValidationException invalid(String redisUri, String rule) {
        return new LimiterValidationException("redisUri", redactText(redisUri), rule);
    }

    static String redact(RedisURI uri) {
        if (!uri.getSentinels().isEmpty()) {
            StringBuilder b = new StringBuilder(uri.isSsl() ? "rediss-sentinel://" : "redis-sentinel://");
            for (int i = 0; i < uri.getSentinels().size(); i++) {
                RedisURI s = uri.getSentinels().get(i);
                b.append(i > 0 ? "," : "").append(s.getHost()).append(':').append(s.getPort());
            }
            return b.append('/').append(uri.getDatabase()).append('#').append(uri.getSentinelMasterId()).toString();
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/"
                + uri.getDatabase();
    }

    /** {@code uri} with any credentials replaced by {@code ***}. */
    static String redactText(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }
}
