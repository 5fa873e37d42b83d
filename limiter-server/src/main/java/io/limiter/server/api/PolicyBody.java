package io.limiter.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.limiter.core.Durations;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.PolicySchema;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the body of {@code PUT /api/limits/{name}} strictly: exactly one JSON object of plain values, each key once,
 * nothing after it; numbers exactly as written (a fraction is never rounded to a whole number). Every rejection is a
 * {@link LimiterValidationException} naming the field (or {@code body} / {@code Content-Type}) with a message of its
 * own, never the parser's. Stateless and thread-safe.
 */
final class PolicyBody {
    /** The rule of the body as a whole. */
    static final String OBJECT_RULE = "be one JSON object such as {\"permits\": 10, \"lease\": \"30s\"}";
    /** The rule for a key given more than once. */
    static final String ONCE_RULE = "be given only once";
    /** The rule of the request's content type. */
    static final String CONTENT_TYPE_RULE = "be application/json (optionally with charset=utf-8), given once";

    /** Strict JSON: no NaN, comments, single quotes or other leniency (Jackson's defaults). */
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final Pattern JSON_TYPE =
            Pattern.compile("(?i)application/json[ \\t]*(;[ \\t]*charset[ \\t]*=[ \\t]*(utf-8|\"utf-8\")[ \\t]*)?");

    private PolicyBody() {
    }

    /** A rejected value described in words, shown unquoted. */
    private record Described(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * Checks the request's {@code Content-Type} header values.
     *
     * @throws LimiterValidationException naming {@code Content-Type} unless there is exactly one and it is JSON
     */
    static void requireJson(List<String> contentTypes) {
        if (contentTypes.size() == 1 && JSON_TYPE.matcher(contentTypes.get(0)).matches()) {
            return;
        }
        throw new LimiterValidationException("Content-Type",
                contentTypes.isEmpty() ? new Described("missing") : String.join(", ", contentTypes),
                CONTENT_TYPE_RULE);
    }

    /**
     * Parses a policy from a request body ({@code null} or empty: no body).
     *
     * @throws LimiterValidationException for bad JSON, a body that is not one object, a repeated key, or any
     *     policy rule
     */
    static LimitPolicy parse(@Nullable byte[] body) {
        Map<String, Object> fields = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        try (JsonParser p = JSON.createParser(body == null ? new byte[0] : body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new LimiterValidationException("body", first == null ? new Described("nothing")
                        : kind(first), OBJECT_RULE);
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                Object value = value(p, key, v);
                if (!seen.add(key)) { // a JSON null means absent, but its key still counts
                    throw new LimiterValidationException(key, new Described("given more than once"), ONCE_RULE);
                }
                if (value != null) {
                    fields.put(key, value);
                }
            }
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new LimiterValidationException("body", new Described("more JSON after the object "
                        + where(p.currentTokenLocation())), OBJECT_RULE);
            }
        } catch (StreamConstraintsException e) {
            throw new LimiterValidationException("body", new Described("JSON with a number, text or nesting "
                    + "beyond the parser's limits"), OBJECT_RULE);
        } catch (JsonProcessingException e) {
            throw new LimiterValidationException("body", new Described("invalid JSON " + where(e.getLocation())),
                    OBJECT_RULE);
        } catch (IOException e) {
            throw new LimiterValidationException("body", new Described("unreadable"), OBJECT_RULE);
        }
        return PolicySchema.parse(fields, false);
    }

    private static @Nullable Object value(JsonParser p, String key, JsonToken v) throws IOException {
        switch (v) {
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
                return p.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDecimalValue();
            case VALUE_STRING:
                return p.getText();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            default:
                Described kind = kind(v);
                p.skipChildren();
                if (PolicySchema.NAMES.contains(key)) {
                    throw new LimiterValidationException(key, kind, key.equals("lease") || key.equals("period")
                            ? Durations.RULE : key.equals("fair") ? PolicySchema.BOOLEAN : PolicySchema.WHOLE);
                }
                return kind;
        }
    }

    private static Described kind(JsonToken t) {
        switch (t) {
            case START_ARRAY:
                return new Described("an array");
            case START_OBJECT:
                return new Described("an object");
            case VALUE_STRING:
                return new Described("a string");
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Described("a boolean");
            case VALUE_NULL:
                return new Described("null");
            default:
                return new Described("a number");
        }
    }

    private static String where(@Nullable JsonLocation at) {
        return at == null ? "" : "at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
