package io.limiter.core.redis;

import io.limiter.core.PolicySchema;
import io.limiter.core.internal.redis.ScriptProtocol;
import io.limiter.core.part.PolicyPart;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One Lua script of the limiter: its source (for a limit script, the shared prelude {@code common.lua} followed by
 * the script's own file) and the SHA1 Redis knows it by. Immutable; backends run it with {@code EVALSHA} and fall back to
 * {@code EVAL} on {@code NOSCRIPT}.
 */
public final class Script {
    private static final String BASE = "/io/limiter/core/lua/";

    public static final Script EXCHANGE = load("exchange");
    public static final Script RENEW = load("renew");
    public static final Script STATE = load("state");
    public static final Script DEFINE = load("define");
    public static final Script REPLACE = load("replace");
    public static final Script DELETE = load("delete");
    public static final Script KEEPALIVE = load("keepalive");
    public static final Script LEAVE = load("leave");
    public static final Script POLICY = load("policy");
    public static final Script OVERRIDE = load("override");
    public static final Script OVERRIDES = load("overrides");
    public static final Script HEARTBEAT = loadPlain("heartbeat");
    public static final Script INSTANCES = loadPlain("instances");
    public static final Script PING = loadPlain("ping");

    private final String name;
    private final String source;
    private final String sha1;
    private final Script sharded;

    private Script(String name, String source) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.sha1 = sha1Hex(source);
        String shardedSource = source.replace("redis.call('PUBLISH'", "redis.call('SPUBLISH'");
        this.sharded = shardedSource.equals(source) ? this : new Script(name, shardedSource, true);
    }

    private Script(String name, String shardedSource, boolean sharded) {
        this.name = name;
        this.source = shardedSource;
        this.sha1 = sha1Hex(shardedSource);
        this.sharded = this;
    }

    /**
     * A limit script: the generated header (key roles, status codes), the shared prelude, each part's section in
     * {@link PolicySchema#PARTS} order, {@code policies.lua} (what concerns a whole policy), then the script.
     */
    static Script load(String name) {
        StringBuilder s = new StringBuilder(ScriptProtocol.luaHeader()).append(resource("common")).append('\n');
        for (PolicyPart part : PolicySchema.PARTS) {
            s.append(resource(part.luaSection())).append('\n');
        }
        s.append(resource("policies")).append('\n');
        return new Script(name, s.append(resource(name)).toString());
    }

    /** A script that is not about one limit (no prelude). */
    static Script loadPlain(String name) {
        return new Script(name, resource(name));
    }

    /** The script's short name, e.g. {@code acquire}. */
    public String name() {
        return name;
    }

    /** The full Lua source sent with {@code EVAL} / {@code SCRIPT LOAD}. */
    public String source() {
        return source;
    }

    /** Lower-case hex SHA1 of {@link #source()}, as used by {@code EVALSHA}. */
    public String sha1() {
        return sha1;
    }

    /**
     * This script with its notifications sent by sharded pub/sub ({@code SPUBLISH}, Redis 7) instead of
     * {@code PUBLISH}, for Redis Cluster: the message stays on the shard that owns the limit's slot instead of
     * being broadcast to every node. The channel carries the limit's hash tag, so it lives in that same slot.
     */
    public Script sharded() {
        return sharded;
    }

    @Override
    public String toString() {
        return "Script{" + name + ", " + sha1 + "}";
    }

    private static String resource(String name) {
        String path = BASE + name + ".lua";
        try (InputStream in = Script.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Lua resource " + path, e);
        }
    }

    private static String sha1Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by the Java platform", e);
        }
    }
}
