package io.limiter.server;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Calls the server with Micronaut's real HTTP client and returns status, content type and parsed JSON. */
final class Api {
    static final String TOKEN = "test-admin-token";

    private final HttpClient client;
    private final JsonMapper json;

    Api(HttpClient client, JsonMapper json) {
        this.client = client;
        this.json = json;
    }

    record Reply(int status, String contentType, String body, Object json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map() {
            return (Map<String, Object>) json;
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list() {
            return (List<Map<String, Object>>) json;
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    Reply get(String path) {
        return call(HttpRequest.GET(path));
    }

    Reply put(String path, String body) {
        return call(HttpRequest.PUT(path, body).contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth(TOKEN));
    }

    Reply delete(String path) {
        return call(HttpRequest.DELETE(path).bearerAuth(TOKEN));
    }

    Reply call(MutableHttpRequest<?> request) {
        HttpResponse<String> r;
        try {
            r = client.toBlocking().exchange(request, Argument.STRING, Argument.STRING);
        } catch (HttpClientResponseException e) {
            String body = e.getResponse().getBody(String.class).orElse("");
            return reply(e.getStatus().getCode(), e.getResponse().getContentType().map(Object::toString).orElse(""),
                    body);
        }
        return reply(r.code(), r.getContentType().map(Object::toString).orElse(""), r.getBody().orElse(""));
    }

    private Reply reply(int status, String contentType, String body) {
        Object parsed = null;
        if (!body.isEmpty() && (body.startsWith("{") || body.startsWith("["))) {
            try {
                parsed = json.readValue(body, Object.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Reply(status, contentType, body, parsed);
    }
}
