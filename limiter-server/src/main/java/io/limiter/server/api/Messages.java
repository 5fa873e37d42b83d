package io.limiter.server.api;

/**
 * Every sentence the server writes into a problem's {@code detail} that does not come from a validation rule, in one
 * place so tests can assert them exactly. None names a class, a script or a parser setting.
 */
public final class Messages {
    /** 401. */
    public static final String UNAUTHORIZED = "this request needs the header 'Authorization: Bearer <admin token>'";
    /** 403. */
    public static final String FORBIDDEN = "the bearer token is not the admin token";
    /** 400: the header came twice or more. */
    public static final String ONE_AUTHORIZATION = "send the header 'Authorization' at most once";
    /** 400 for a request the server cannot read (a malformed path, query, header or body). */
    public static final String BAD_REQUEST = "the request is malformed";
    /** 400: a compressed body that does not decompress. */
    public static final String BAD_ENCODING = "the body cannot be decoded with its Content-Encoding";
    /** 404 for a path no route serves. */
    public static final String NO_ROUTE = "nothing is served at this path";
    /** 414. */
    public static final String URI_TOO_LONG = "the request line is longer than the server accepts (4096 bytes)";
    /** 431. */
    public static final String HEADERS_TOO_LARGE = "the request headers are larger than the server accepts (8192 bytes)";
    /** 5xx that is not about Redis: the cause is in the server's log, never in the answer. */
    public static final String SERVER_ERROR = "the server failed to answer this request; its log has the details";

    /** Names starting with this are the admin server's own limits (its self-protection, application.yml). */
    public static final String RESERVED_PREFIX = "limiter-admin-";
    /** 400: DELETE of one of the admin server's own limits (the rule of the name field). */
    public static final String RESERVED_NAME_RULE = "not start with '" + RESERVED_PREFIX
            + "' (the admin server's own limits cannot be deleted; change them with PUT or in its configuration)";

    /** 400: a key given for a limit that is not keyed (the rule of the key field, as the client library says it). */
    public static String notKeyed(String limit) {
        return "not be given: limit '" + limit + "' is not keyed";
    }

    /** 400: the overrides of a limit that is not keyed (the rule of the name field). */
    public static final String KEYED_RULE = "name a keyed limit (one whose policy has keyed: true)";

    private Messages() {
    }
}
