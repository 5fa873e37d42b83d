package io.limiter.micronaut.internal;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

/** RFC 9457 answers ({@code application/problem+json}), written without a JSON library. */
final class Problems {
    static final MediaType PROBLEM_JSON = MediaType.of("application/problem+json");

    private Problems() {
    }

    static MutableHttpResponse<String> tooManyRequests(String path, String limit, long retryAfterSeconds) {
        String body = "{\"type\":\"" + Messages.PROBLEM_RATE_LIMITED + "\",\"title\":\"" + Messages.TOO_MANY_TITLE
                + "\",\"status\":429,\"detail\":" + quote(Messages.tooMany(limit, retryAfterSeconds))
                + ",\"instance\":" + quote(path) + ",\"limit\":" + quote(limit) + ",\"retryAfter\":"
                + retryAfterSeconds + "}";
        return HttpResponse.<String>status(HttpStatus.TOO_MANY_REQUESTS).contentType(PROBLEM_JSON)
                .header("Retry-After", Long.toString(retryAfterSeconds)).body(body);
    }

    static MutableHttpResponse<String> unavailable(String path) {
        String body = "{\"type\":\"" + Messages.PROBLEM_UNAVAILABLE + "\",\"title\":\"" + Messages.UNAVAILABLE_TITLE
                + "\",\"status\":503,\"detail\":" + quote(Messages.unavailable()) + ",\"instance\":" + quote(path)
                + "}";
        return HttpResponse.<String>status(HttpStatus.SERVICE_UNAVAILABLE).contentType(PROBLEM_JSON).body(body);
    }

    /** A request without a usable key for a keyed route; the detail says which key and why. */
    static MutableHttpResponse<String> badKey(String path, String route, String detail) {
        String body = "{\"type\":\"" + Messages.PROBLEM_BAD_KEY + "\",\"title\":\"" + Messages.BAD_REQUEST_TITLE
                + "\",\"status\":400,\"detail\":" + quote(detail) + ",\"instance\":" + quote(path)
                + ",\"route\":" + quote(route) + "}";
        return HttpResponse.<String>status(HttpStatus.BAD_REQUEST).contentType(PROBLEM_JSON).body(body);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
