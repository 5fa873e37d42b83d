package io.limiter.micronaut.internal;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteMatch;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where the key of a keyed limit comes from, parsed once from a key expression ({@code header:X-Api-Key},
 * {@code arg:tenant}, ...) and read per call or request. No expression language: each kind is a fixed lookup.
 *
 * @param text the expression as written
 * @param kind what is read
 * @param name the header, parameter or path variable ("" for the others)
 * @param argIndex the parameter's position for {@link Kind#ARG}, else -1
 */
record KeyRule(String text, Kind kind, String name, int argIndex) {
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z0-9_.-]+");

    /** The kinds of key. */
    enum Kind { ARG, HEADER, PRINCIPAL, CLIENT_ADDRESS, PATH_VARIABLE }

    /**
     * A key of a {@code @Limited} method: {@code arg:<parameter>}, {@code header:<name>} or {@code principal}.
     *
     * @return the rule, or empty if {@code text} is none of them; an {@code arg:} naming no parameter of the
     *         method is reported separately ({@link #unknownParameter})
     */
    static Optional<KeyRule> forMethod(String text, Argument<?>[] args) {
        if (text.startsWith("arg:")) {
            String param = text.substring("arg:".length());
            for (int i = 0; i < args.length; i++) {
                if (args[i].getName().equals(param)) {
                    return Optional.of(new KeyRule(text, Kind.ARG, param, i));
                }
            }
            return Optional.empty();
        }
        return common(text);
    }

    /** Whether {@code text} is {@code arg:<name>} with a name that is not one of {@code args}. */
    static boolean unknownParameter(String text, Argument<?>[] args) {
        return text.startsWith("arg:") && forMethod(text, args).isEmpty()
                && VARIABLE.matcher(text.substring("arg:".length())).matches();
    }

    /** The method's parameter names, for the message about an unknown one. */
    static List<String> parameterNames(Argument<?>[] args) {
        List<String> names = new ArrayList<>(args.length);
        for (Argument<?> a : args) {
            names.add(a.getName());
        }
        return names;
    }

    /**
     * A key of an HTTP route: {@code header:<name>}, {@code principal}, {@code client-address} or
     * {@code path-variable:<name>}; empty if it is none of them.
     */
    static Optional<KeyRule> forRoute(String text) {
        if (text.equals("client-address")) {
            return Optional.of(new KeyRule(text, Kind.CLIENT_ADDRESS, "", -1));
        }
        if (text.startsWith("path-variable:")) {
            String v = text.substring("path-variable:".length());
            return VARIABLE.matcher(v).matches() ? Optional.of(new KeyRule(text, Kind.PATH_VARIABLE, v, -1))
                    : Optional.empty();
        }
        return common(text);
    }

    private static Optional<KeyRule> common(String text) {
        if (text.equals("principal")) {
            return Optional.of(new KeyRule(text, Kind.PRINCIPAL, "", -1));
        }
        if (text.startsWith("header:")) {
            String h = text.substring("header:".length());
            return HEADER.matcher(h).matches() ? Optional.of(new KeyRule(text, Kind.HEADER, h, -1))
                    : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The key's text in {@code request} (for {@link Kind#CLIENT_ADDRESS}, {@code clientAddress}); empty when the
     * request has none (no such header, no principal, a route without the variable). An empty header counts as none.
     */
    Optional<String> read(HttpRequest<?> request, Function<HttpRequest<?>, String> clientAddress) {
        String value = switch (kind) {
            case HEADER -> request.getHeaders().get(name);
            case PRINCIPAL -> request.getUserPrincipal().map(Principal::getName).orElse(null);
            case CLIENT_ADDRESS -> clientAddress.apply(request);
            case PATH_VARIABLE -> RouteAttributes.getRouteMatch(request)
                    .filter(m -> m instanceof UriRouteMatch<?, ?>)
                    .map(m -> ((UriRouteMatch<?, ?>) m).getVariableValues().get(name))
                    .map(Object::toString).orElse(null);
            case ARG -> throw new IllegalStateException("an argument is not part of a request");
        };
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Why {@link #read} found nothing, for messages: {@code the request has no X-Api-Key header}. */
    String absence() {
        return switch (kind) {
            case HEADER -> "the request has no " + name + " header";
            case PRINCIPAL -> "the request has no principal";
            case CLIENT_ADDRESS -> "the request has no remote address";
            case PATH_VARIABLE -> "the request's route has no variable " + name;
            case ARG -> "the argument " + name + " is null";
        };
    }
}
